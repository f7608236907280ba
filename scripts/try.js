// Try your own inputs locally: `npm run try -- <input>=<value> ...` runs the built action's
// main and post steps with those inputs, as the runner would, and prints the log and the job
// summary as GitHub shows them. Against the bundled emulator by default (started here, with a
// token issued for it); against a real platform when APOLO_TOKEN holds a token (and api-url,
// if given, says where). The tokens are never command-line arguments: those end up in shell
// history and process lists. Node built-ins only: it runs on a fresh clone.
import { startEmulator } from '../emulator/server.js'
import { asWorkflowLog, runStep } from './local-runner.js'

const USAGE = `Usage: npm run try -- [<input>=<value> ...]
  e.g. npm run try -- permissions='storage: read' cleanup=false
       APOLO_TOKEN=... npm run try -- api-url=https://api.apolo.us/api/v1 cluster=default
Inputs are action.yml's. Without APOLO_TOKEN the bundled emulator plays the platform.
GITHUB_TOKEN, when set, is the github-token input; HTTPS_PROXY, HTTP_PROXY, NO_PROXY and
NODE_EXTRA_CA_CERTS reach the action as they would on a runner.`

/** What a runner's environment would give the action besides its inputs. */
const PASSED_THROUGH = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS'].flatMap(name =>
  name.endsWith('_PROXY') ? [name, name.toLowerCase()] : [name]
)

/** @param {string[]} args @returns {Record<string, string>} */
function parseInputs(args) {
  /** @type {Record<string, string>} */
  const inputs = {}
  for (const arg of args) {
    const at = arg.indexOf('=')
    if (at < 1) throw new Error(`"${arg}" is not <input>=<value>\n${USAGE}`)
    const name = arg.slice(0, at)
    if (name === 'token') throw new Error('Give the token in the APOLO_TOKEN variable, not on the command line')
    if (name === 'github-token')
      throw new Error('Give the GitHub token in the GITHUB_TOKEN variable, not on the command line')
    inputs[name] = arg.slice(at + 1)
  }
  return inputs
}

/**
 * Runs main, then post (as the runner does, whatever main did), printing each one's log and
 * summary with `print`. Returns main's exit code.
 * @param {Record<string, string>} given @param {string | undefined} token @param {(text: string) => void} print
 */
async function tryInputs(given, token, print) {
  if (given['api-url'] && !token) throw new Error('With api-url, give the token in the APOLO_TOKEN variable')
  const emulator = token ? undefined : await startEmulator({ users: ['alice'] })
  try {
    /** @type {Record<string, string>} */
    const inputs = emulator
      ? { 'api-url': emulator.url, ...given, token: emulator.issueToken('alice') }
      : { ...given, token: token ?? '' }
    if (process.env.GITHUB_TOKEN) inputs['github-token'] = process.env.GITHUB_TOKEN
    /** @type {Record<string, string>} */
    const env = {}
    for (const name of PASSED_THROUGH) if (process.env[name]) env[name] = process.env[name] ?? ''
    print(
      emulator
        ? `Platform: the bundled emulator at ${emulator.url}`
        : `Platform: ${given['api-url'] ?? "the token's own"}`
    )
    const main = await runStep('main', { inputs, env })
    const masks = [inputs.token, inputs['github-token'] ?? inputs.token, ...main.masks]
    show(print, 'main', asWorkflowLog(main.stdout, masks), main.summary)
    print(
      `\nOutputs:\n${Object.entries(main.outputs)
        .map(([name, value]) => `  ${name}: ${masks.includes(value) ? '***' : value}`)
        .join('\n')}`
    )
    const post = await runStep('post', { inputs, env, state: main.state, runnerTemp: main.runnerTemp })
    show(print, 'post', asWorkflowLog(post.stdout, [...masks, ...post.masks]), post.summary)
    return main.code ?? 1
  } finally {
    await emulator?.close()
  }
}

/** @param {(text: string) => void} print @param {string} step @param {string} log @param {string} summary */
function show(print, step, log, summary) {
  print(`\n▶ ${step === 'post' ? 'Post ' : ''}Run apolo-service-account-action (${step})`)
  print(log || '(nothing logged)')
  print(`\n── Job summary (${step}) ──`)
  print(readable(summary.trim()) || '(none)')
}

/** The summary's Markdown with its character references as the characters they stand for. @param {string} markdown */
function readable(markdown) {
  return markdown.replace(/&#(\d+);/g, (_, code) => (code === '8288' ? '' : String.fromCodePoint(Number(code))))
}

try {
  const token = process.env.APOLO_TOKEN || undefined
  process.exitCode = await tryInputs(parseInputs(process.argv.slice(2)), token, text => console.log(text))
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 2
}
