// `npm run local-action`: a create's main and post step run by GitHub's debugger for
// JavaScript actions (@github/local-action) straight from src/, against the bundled emulator.
// The debugger stands in for @actions/core, so this is the action as its stand-in sees it.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator } from '../emulator/server.js'
import { ROOT } from './local-runner.js'

/**
 * @typedef {object} LocalActionResult
 * @property {number | null} code the debugger's exit code
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs every output main set, as the debugger printed it
 * @property {string} summary what the steps wrote to the job summary
 */

/**
 * Runs main, then post (`--post`), of a create with `inputs` (action.yml's defaults for the rest).
 * @param {Record<string, string>} inputs e.g. `token` and `api-url`
 * @param {{echo?: boolean}} [options] echo: also print what the debugger prints
 * @returns {Promise<LocalActionResult>}
 */
export async function runLocalAction(inputs, options = {}) {
  const work = mkdtempSync(join(tmpdir(), 'local-action-'))
  try {
    const summary = join(work, 'summary.md')
    const dotenv = join(work, '.env')
    // The debugger reads inputs and the runner's variables from a dotenv file.
    const variables = {
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: work
    }
    writeFileSync(
      dotenv,
      Object.entries(variables)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
        .join('')
    )
    writeFileSync(summary, '')
    const bin = join(ROOT, 'node_modules', '.bin', 'local-action')
    const child = spawn(bin, ['run', ROOT, 'src/main.ts', dotenv, '--post', 'src/post.ts'], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => {
      stdout += chunk
      if (options.echo) process.stdout.write(chunk)
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
      if (options.echo) process.stderr.write(chunk)
    })
    const code = await new Promise((done, fail) => child.on('error', fail).on('close', done))
    return { code, stdout, stderr, outputs: printedOutputs(stdout), summary: readFileSync(summary, 'utf8') }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * The outputs as the debugger prints each one it keeps: `::set-output name=<name>::<value>`.
 * @param {string} stdout
 * @returns {Record<string, string>}
 */
export function printedOutputs(stdout) {
  /** @type {Record<string, string>} */
  const outputs = {}
  for (const [, name, value] of stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) outputs[name] = value
  return outputs
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const emulator = await startEmulator({ users: ['alice'] })
  try {
    console.log(`Platform emulator listening at ${emulator.url} (user "alice")`)
    const token = emulator.issueToken('alice')
    const result = await runLocalAction({ token, 'api-url': emulator.url }, { echo: true })
    const id = result.outputs.id
    const made = emulator.requests.some(r => r.method === 'POST' && r.path.endsWith('/service_accounts'))
    const removed = Boolean(id) && made && emulator.account(id) === undefined
    console.log(
      result.code === 0 && removed
        ? `local-action: main created ${id} and post removed it.`
        : `local-action failed (exit code ${result.code}; account ${id || '(none)'} ${removed ? 'removed' : 'not removed'}).`
    )
    process.exitCode = result.code === 0 && removed ? 0 : 1
  } finally {
    await emulator.close()
  }
}
