#!/usr/bin/env node
// Starts the platform emulator and prints ONE JSON line on stdout, {"url", "token", "fullToken",
// "githubUrl", "githubToken", "pid"}, so a script can read it with jq; runs until SIGINT or SIGTERM. Logs go to stderr.
// Flags: see USAGE, or emulator/README.md.
import { commandLine } from './command-line.js'
import { RateLimit } from './rate-limit.js'
import { startEmulator } from './server.js'
import { DEFAULT_KEEP_ALIVE_MS, delayMs } from './settings.js'

const USAGE =
  'usage: node emulator/cli.js [--port N] [--host H] [--user NAME] [--seed-accounts N]\n' +
  '                            [--max-in-flight N [--retry-after S] [--hold-ms MS]]\n' +
  '                            [--rate-per-second R --burst B]\n' +
  '                            [--new-token-delay-ms MS|never] [--clusters-need-grant] [--keep-alive-ms MS]\n' +
  '                            [--github-run OWNER/REPO:RUN:ATTEMPT=STATUS ...] [--github-no-actions-read]\n' +
  '                            [--verbose] [--help]\n'

const { values, usage, whole } = commandLine(
  {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string', default: 'alice' },
    'seed-accounts': { type: 'string', default: '0' },
    'max-in-flight': { type: 'string' },
    'retry-after': { type: 'string' },
    'hold-ms': { type: 'string' },
    'rate-per-second': { type: 'string' },
    burst: { type: 'string' },
    'new-token-delay-ms': { type: 'string' },
    'clusters-need-grant': { type: 'boolean', default: false },
    'keep-alive-ms': { type: 'string', default: String(DEFAULT_KEEP_ALIVE_MS) },
    'github-run': { type: 'string', multiple: true, default: [] },
    'github-no-actions-read': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  },
  USAGE
)
if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
const port = whole('port', 0) ?? 0
if (port > 65535) usage(`bad --port: ${port}`)
const seed = whole('seed-accounts', 0) ?? 0
const user = String(values.user ?? 'alice')

const maxInFlight = whole('max-in-flight', 0)
const retryAfterSeconds = whole('retry-after', 0)
const holdMs = whole('hold-ms', 0)
if (maxInFlight === undefined && (retryAfterSeconds !== undefined || holdMs !== undefined))
  usage('--retry-after and --hold-ms need --max-in-flight')

/** The per-owner rate limit: both flags or neither; RateLimit checks the values. */
function rateLimit() {
  const perSecond = values['rate-per-second']
  const burst = values.burst
  if (perSecond === undefined && burst === undefined) return undefined
  if (perSecond === undefined || burst === undefined) return usage('--rate-per-second and --burst go together')
  const options = { perSecond: Number(perSecond), burst: Number(burst) }
  try {
    new RateLimit(options)
  } catch (error) {
    return usage(/** @type {Error} */ (error).message)
  }
  return options
}
const rate = rateLimit()

/** `never`, or a whole number of milliseconds. @returns {number | undefined} */
function newTokenDelay() {
  const text = values['new-token-delay-ms']
  if (text === undefined) return undefined
  try {
    return delayMs(text === 'never' ? text : /^\d+$/.test(text) ? Number(text) : text)
  } catch {
    return usage(`bad --new-token-delay-ms: ${text}`)
  }
}
const newTokenDelayMs = newTokenDelay()

const emulator = await startEmulator({
  port,
  host: values.host,
  users: [user],
  throttle: maxInFlight === undefined ? undefined : { maxInFlight, retryAfterSeconds, holdMs },
  rateLimit: rate,
  newTokenDelayMs,
  clustersNeedGrant: values['clusters-need-grant'],
  keepAliveMs: whole('keep-alive-ms', 1),
  log: values.verbose ? line => process.stderr.write(`${line}\n`) : undefined
})
if (seed > 0) emulator.seedAccounts(user, seed)
// GitHub's side: run attempts' statuses, and whether the token may read them.
for (const run of values['github-run'] ?? []) {
  const match = /^([^:\s]+\/[^:\s]+):(\d+):(\d+)=([a-z_]+)$/.exec(run)
  try {
    if (!match) throw new Error('expected OWNER/REPO:RUN:ATTEMPT=STATUS')
    emulator.github.setRun(match[1], match[2], match[3], match[4])
  } catch (error) {
    await emulator.close()
    usage(`bad --github-run ${run}: ${/** @type {Error} */ (error).message}`)
  }
}
emulator.github.actionsRead = !values['github-no-actions-read']
process.stdout.write(
  `${JSON.stringify({
    url: emulator.url,
    token: emulator.tokens[user],
    fullToken: emulator.fullTokenFor(user),
    githubUrl: emulator.githubUrl,
    githubToken: emulator.github.token,
    pid: process.pid
  })}\n`
)
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)))
}
