// Runs the built dist/ files the way the GitHub runner does: INPUT_* variables, the
// GITHUB_* command files, and STATE_* variables for the post step.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')

export interface StepResult {
  step: 'main' | 'post'
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  env: Record<string, string>
  summary: string
  /** The values of every `::add-mask::` line, in order. */
  masks: string[]
  /** Annotation lines such as `::error::` and `::warning::`. */
  errors: string[]
  warnings: string[]
  /** Everything written to files the job keeps: state, env, summary, path. */
  files: Record<string, string>
  runnerTemp: string
}

export interface StepOptions {
  inputs?: Record<string, string>
  /** For post: the state main saved. */
  state?: Record<string, string>
  env?: Record<string, string>
  /** The node binary; the default is the one running the tests. */
  node?: string
  timeoutMs?: number
  /** Reuse a runner temp folder (as main and post of one job do). */
  runnerTemp?: string
  /** Called once the step is running, e.g. to signal it. */
  onSpawn?: (pid: number) => void
}

/** Runs dist/<step>/index.js as the runner would and collects everything it wrote. */
export async function runStep(step: 'main' | 'post', options: StepOptions = {}): Promise<StepResult> {
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
  const env: Record<string, string> = {
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
  const child = spawn(options.node ?? process.execPath, [join(ROOT, 'dist', step, 'index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  options.onSpawn?.(child.pid ?? 0)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const code = await new Promise<number | null>(done => child.on('close', done))
  clearTimeout(timer)
  const read = (file: string) => readFileSync(file, 'utf8')
  const result: StepResult = {
    step,
    code,
    stdout,
    stderr,
    outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
    state: parseFileCommands(read(files.GITHUB_STATE)),
    env: parseFileCommands(read(files.GITHUB_ENV)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    masks: commandValues(stdout, 'add-mask'),
    errors: commandValues(stdout, 'error'),
    warnings: commandValues(stdout, 'warning'),
    files: {
      state: read(files.GITHUB_STATE),
      env: read(files.GITHUB_ENV),
      summary: read(files.GITHUB_STEP_SUMMARY),
      path: read(files.GITHUB_PATH)
    },
    runnerTemp
  }
  rmSync(work, { recursive: true, force: true })
  return result
}

/** Parses `name<<delimiter\nvalue\ndelimiter` entries, as the runner does. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
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

function commandValues(stdout: string, command: string): string[] {
  const prefix = new RegExp(`^::${command}(?: [^:]*)?::`)
  return stdout
    .split(/\r?\n/)
    .filter(line => prefix.test(line))
    .map(line => line.replace(prefix, ''))
}

/**
 * Every place a secret must never appear: what the step printed (but the mask commands
 * themselves), its state, and its summary. Returns the leaks found, by place and secret.
 */
export function findLeaks(results: StepResult[], secrets: string[]): string[] {
  const forms = secretForms(secrets)
  const leaks: string[] = []
  for (const result of results) {
    const places: Record<string, string> = {
      stdout: result.stdout
        .split(/\r?\n/)
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n'),
      stderr: result.stderr,
      state: result.files.state,
      summary: result.files.summary,
      path: result.files.path
    }
    for (const [place, text] of Object.entries(places)) {
      for (const form of forms) if (text.includes(form)) leaks.push(`${result.step} ${place}: ${form.slice(0, 12)}…`)
    }
  }
  return leaks
}

/** A secret and its derived forms: the JWT inside a full token, and a JWT's signature. */
export function secretForms(secrets: string[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets.filter(Boolean)) {
    forms.add(secret)
    try {
      const inner = JSON.parse(Buffer.from(secret, 'base64').toString('utf8')) as { token?: string }
      if (typeof inner.token === 'string') forms.add(inner.token)
    } catch {
      // not a full token
    }
  }
  for (const form of [...forms]) {
    const parts = form.split('.')
    if (parts.length === 3 && parts[2].length >= 16) forms.add(parts[2])
  }
  return [...forms]
}
