// Runs the built action's steps the way the GitHub runner does: inputs as INPUT_* variables,
// the GITHUB_* command files, and the state main saved as STATE_* variables for post.
// Plain JavaScript on Node built-ins, so the demo runs on a fresh clone without installing.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * @typedef {object} StepResult
 * @property {'main' | 'post'} step
 * @property {number | null} code
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} env
 * @property {string} summary
 * @property {Record<string, string>} outputs from GITHUB_OUTPUT, and any `::set-output` the runner would obey
 * @property {Record<string, string>} state from GITHUB_STATE, and any `::save-state` the runner would obey
 * @property {string[]} masks the values of every `::add-mask::` line, in order
 * @property {string[]} errors
 * @property {string[]} warnings
 * @property {string[]} notices
 * @property {{state: string, env: string, summary: string, path: string}} files the raw files
 * @property {string} runnerTemp
 */

/**
 * @typedef {object} StepOptions
 * @property {Record<string, string>} [inputs]
 * @property {Record<string, string>} [state] for post: the state main saved
 * @property {Record<string, string>} [env]
 * @property {string} [node] the node binary; default: the one running this
 * @property {string} [dist] the built action's folder; default: this repository's dist/
 * @property {number} [timeoutMs]
 * @property {string} [runnerTemp] shared by the steps of one job
 * @property {(pid: number) => void} [onSpawn]
 */

/**
 * Runs dist/<step>.js and collects everything it wrote.
 * @param {'main' | 'post'} step
 * @param {StepOptions} [options]
 * @returns {Promise<StepResult>}
 */
export async function runStep(step, options = {}) {
  const work = mkdtempSync(join(tmpdir(), `action-${step}-`))
  const runnerTemp = options.runnerTemp ?? mkdtempSync(join(tmpdir(), 'runner-temp-'))
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_ENV: join(work, 'env'),
    GITHUB_PATH: join(work, 'path'),
    GITHUB_STEP_SUMMARY: join(work, 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...files,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'build',
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  const child = spawn(options.node ?? process.execPath, [join(options.dist ?? join(ROOT, 'dist'), `${step}.js`)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  options.onSpawn?.(child.pid ?? 0)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  /** @type {number | null} */
  const code = await new Promise(done => child.on('close', done))
  clearTimeout(timer)
  /** @param {string} file */
  const read = file => readFileSync(file, 'utf8')
  const output = read(files.GITHUB_OUTPUT)
  const raw = {
    state: read(files.GITHUB_STATE),
    env: read(files.GITHUB_ENV),
    summary: read(files.GITHUB_STEP_SUMMARY),
    path: read(files.GITHUB_PATH)
  }
  rmSync(work, { recursive: true, force: true })
  // The runner still obeys these on stdout, after the file commands of the same step.
  const obeyed = stdoutCommands(stdout)
  return {
    step,
    code,
    stdout,
    stderr,
    outputs: { ...parseFileCommands(output), ...obeyed['set-output'] },
    state: { ...parseFileCommands(raw.state), ...obeyed['save-state'] },
    env: parseFileCommands(raw.env),
    summary: raw.summary,
    masks: commandValues(stdout, 'add-mask'),
    errors: commandValues(stdout, 'error'),
    warnings: commandValues(stdout, 'warning'),
    notices: commandValues(stdout, 'notice'),
    files: raw,
    runnerTemp
  }
}

/**
 * Parses the runner's file commands: `name<<delimiter`, the value's lines, `delimiter`.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1)
      values[heredoc[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return values
}

/**
 * The `set-output` and `save-state` commands the runner would act on in stdout: `::name
 * name=key::value` at the start of a line (after spaces), or the older `##[name name=key;]value`
 * anywhere in it, with `::stop-commands::<token>` pausing them until `::<token>::`.
 * @param {string} stdout
 * @returns {Record<'set-output' | 'save-state', Record<string, string>>}
 */
export function stdoutCommands(stdout) {
  /** @type {Record<'set-output' | 'save-state', Record<string, string>>} */
  const obeyed = { 'set-output': {}, 'save-state': {} }
  let stoppedUntil = ''
  for (const line of stdout.split(/\r?\n/)) {
    const trimmed = line.trimStart()
    if (stoppedUntil) {
      if (trimmed === `::${stoppedUntil}::`) stoppedUntil = ''
      continue
    }
    const command =
      /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(trimmed) ?? /##\[([A-Za-z-]+)(?: ([^\]]*))?\](.*)$/.exec(line)
    if (!command) continue
    const [, name, props = '', data] = command
    const lower = name.toLowerCase()
    if (lower === 'stop-commands') stoppedUntil = data
    const key = /(?:^|[,;])\s*name=([^,;]*)/.exec(props)?.[1]
    if ((lower === 'set-output' || lower === 'save-state') && key !== undefined)
      obeyed[lower][unescape(key)] = unescape(data)
  }
  return obeyed
}

/** The runner's own unescaping of command values. @param {string} text */
function unescape(text) {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%')
}

/**
 * The values of one workflow command (`::name::value` or `::name props::value`) in stdout.
 * @param {string} stdout
 * @param {string} command
 */
export function commandValues(stdout, command) {
  const prefix = new RegExp(`^::${command}(?: [^:]*)?::`)
  return stdout
    .split(/\r?\n/)
    .filter(line => prefix.test(line))
    .map(line => line.replace(prefix, ''))
}

/**
 * The log as the runner shows it: masked values replaced by ***, workflow commands hidden
 * but annotations, which it shows as `Error:`, `Warning:` and `Notice:`, and groups, shown
 * here opened (`▼ title`, their lines indented).
 * @param {string} stdout
 * @param {string[]} masks
 */
export function asWorkflowLog(stdout, masks) {
  const secrets = [...masks].filter(Boolean).sort((a, b) => b.length - a.length)
  let inGroup = false
  /** @type {string[]} */
  const shown = []
  for (const line of stdout.split(/\r?\n/)) {
    if (!line || line.startsWith('::add-mask::') || line.startsWith('::debug::')) continue
    if (line.startsWith('::endgroup::')) {
      inGroup = false
      continue
    }
    const group = /^::group::(.*)$/.exec(line)
    const text = group
      ? `▼ ${commandData(group[1])}`
      : line.replace(
          /^::(error|warning|notice)(?: [^:]*)?::(.*)$/,
          (_, kind, data) => `${LABELS[kind]}: ${commandData(data)}`
        )
    shown.push(`${inGroup ? '  ' : ''}${secrets.reduce((masked, secret) => masked.split(secret).join('***'), text)}`)
    inGroup ||= Boolean(group)
  }
  return shown.join('\n')
}

/** @type {Record<string, string>} */
const LABELS = { error: 'Error', warning: 'Warning', notice: 'Notice' }

/** A command's value as the runner reads it back: `%0D`, `%0A` and `%25` unescaped. @param {string} data */
function commandData(data) {
  return data.replace(/%(0D|0A|25)/g, (_, code) => String.fromCharCode(parseInt(code, 16)))
}
