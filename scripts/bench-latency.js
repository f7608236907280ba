// `npm run bench:latency -- [--runs N] [--rtt MS] [--delays MS,..] [--node24]`: what a user waits
// for on a real network. The built steps (main, then post, as the runner runs them) talk to
// the emulator through a loopback TCP proxy that adds half the round trip each way
// (scripts/latency-proxy.js), over HTTP and over HTTPS (a throw-away CA given as
// `ca-certificate`), at RTT 0 and at --rtt. Beside each case, in the same run: a minimal Node
// client (one keep-alive agent a step) making the same requests, and the round trips the case
// strictly needs. The proxy counts each step's connections and TLS handshakes; the emulator
// its requests. Then how long after a new token starts to work the create notices it.
// Network time is a case's time at --rtt minus its time at RTT 0: process start-up drops out.
// Prints Markdown, for docs/performance.md. A script that prints figures, not a test.
import { execFileSync } from 'node:child_process'
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { commandLine } from '../emulator/command-line.js'
import { startEmulator } from '../emulator/server.js'
import { startLatencyProxy } from './latency-proxy.js'
import { ROOT, runStep } from './local-runner.js'
import { makeCertificate, startTlsFront } from './tls.js'

const USAGE = 'usage: npm run bench:latency -- [--runs N] [--rtt MS] [--delays MS,MS,..] [--node24]\n'
const cli = commandLine(
  {
    runs: { type: 'string', default: '15' },
    rtt: { type: 'string', default: '80' },
    delays: { type: 'string', default: '400,1000,2500,6000' },
    node24: { type: 'boolean', default: false }
  },
  USAGE
)
const RUNS = cli.whole('runs', 1) ?? 15
const RTT = cli.whole('rtt', 1) ?? 80
const DELAYS = String(cli.values.delays)
  .split(',')
  .map(Number)
  .filter(ms => Number.isInteger(ms) && ms > 0)
if (!existsSync(join(ROOT, 'dist', 'main.js'))) cli.usage('dist/ is missing: run npm run build first')
const node = cli.values.node24 ? findNode24() : process.execPath

const PERMISSIONS = [
  { uri: 'storage://default/test-org/test-project/a', action: 'read' },
  { uri: 'storage://default/test-org/test-project/b', action: 'write' }
]
const TARGET = { cluster: 'default', project: 'test-project' }

/**
 * What each case sends, step by step, as the action does; `trips` is the round trips its
 * requests strictly need (requests that do not depend on each other share one).
 * @typedef {{name: string, inputs: () => Record<string, string>, create?: boolean, trips: {main: number, post: number}}} Case
 * @type {Case[]}
 */
const CASES = [
  // Every create asks the owner's /config first: it names the clusters the token can use.
  { name: 'create, defaults (cluster from `/config`)', inputs: () => ({}), create: true, trips: { main: 3, post: 1 } },
  {
    name: 'create, cluster and project given',
    inputs: () => ({ ...TARGET }),
    create: true,
    trips: { main: 3, post: 1 }
  },
  {
    name: 'create with 2 permissions',
    inputs: () => ({ ...TARGET, permissions: PERMISSIONS.map(p => `${p.uri} ${p.action}`).join('\n') }),
    create: true,
    // The grants and the verification go together.
    trips: { main: 3, post: 1 }
  },
  { name: '`rm`', inputs: () => ({ operation: 'rm', name: seedOne() }), trips: { main: 2, post: 0 } },
  { name: '`list`', inputs: () => ({ operation: 'list' }), trips: { main: 1, post: 0 } },
  { name: '`get`', inputs: () => ({ operation: 'get', name: seedOne() }), trips: { main: 1, post: 0 } }
]

const emulator = await startEmulator({ users: ['bench'], logRequests: false })
const token = emulator.issueToken('bench')
const certificate = await makeCertificate({ ips: ['127.0.0.1'] })
const front = await startTlsFront(certificate, emulator.port)
const wires = {
  http: await startLatencyProxy({ targetPort: emulator.port }),
  https: await startLatencyProxy({ targetPort: front.port })
}
/** @type {Record<'http' | 'https', {apiUrl: string, inputs: Record<string, string>}>} */
const WAYS = {
  http: { apiUrl: `http://127.0.0.1:${wires.http.port}/api/v1`, inputs: {} },
  https: { apiUrl: `https://127.0.0.1:${wires.https.port}/api/v1`, inputs: { 'ca-certificate': certificate.cert } }
}
let seeded = 0
const seedOne = () => String(emulator.seedAccount('bench', { name: `bench-latency-${++seeded}` }).name)

/**
 * @typedef {{connections: number, tlsHandshakes: number, requests: number}} Seen
 * @typedef {{action: number[], minimal: number[], seen: {main: Seen, post: Seen}}} Samples
 * @type {Map<string, Samples>} by way, RTT and case
 */
const samples = new Map()
/** @param {string} way @param {number} rtt @param {string} name @returns {Samples} */
const samplesOf = (way, rtt, name) => {
  const key = `${way} ${rtt} ${name}`
  if (!samples.has(key)) samples.set(key, { action: [], minimal: [], seen: { main: none(), post: none() } })
  return /** @type {Samples} */ (samples.get(key))
}
function none() {
  return { connections: 0, tlsHandshakes: 0, requests: 0 }
}

try {
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`run ${run}/${RUNS}\n`)
    for (const way of /** @type {const} */ (['http', 'https'])) {
      for (const rtt of [0, RTT]) {
        wires[way].oneWayMs = rtt / 2
        for (const benchCase of CASES) {
          const into = samplesOf(way, rtt, benchCase.name)
          into.action.push(await actionCase(way, benchCase, into.seen))
          into.minimal.push(await minimalCase(way, benchCase))
        }
      }
    }
  }
  const delays = await verificationDelays()
  const lines = report(delays)
  console.log(lines.join('\n'))
} finally {
  await Promise.all([wires.http.close(), wires.https.close()])
  await front.close()
  await emulator.close()
}

/**
 * The built action's steps, as the runner runs them; keeps the most each step saw.
 * @param {'http' | 'https'} way @param {Case} benchCase @param {{main: Seen, post: Seen}} seen
 */
async function actionCase(way, benchCase, seen) {
  const inputs = { 'api-url': WAYS[way].apiUrl, token, ...WAYS[way].inputs, ...benchCase.inputs() }
  const started = performance.now()
  const main = await step('main', { inputs, node }, way, seen.main)
  const post = await step('post', { inputs, node, state: main.state }, way, seen.post)
  const wall = performance.now() - started
  for (const result of [main, post]) {
    if (result.code !== 0) throw new Error(`${benchCase.name}: ${result.step} failed: ${result.errors.join('; ')}`)
  }
  return wall
}

/**
 * @param {'main' | 'post'} name @param {import('./local-runner.js').StepOptions} options
 * @param {'http' | 'https'} way @param {Seen} seen
 */
async function step(name, options, way, seen) {
  wires[way].reset()
  emulator.resetLoad()
  const result = await runStep(name, options)
  const now = { ...wires[way].counts, requests: emulator.load.requests }
  for (const key of /** @type {const} */ (['connections', 'tlsHandshakes', 'requests']))
    seen[key] = Math.max(seen[key], now[key])
  return result
}

/**
 * The same requests from a minimal Node client: one keep-alive agent (one socket) a step,
 * each request after the one before.
 * @param {'http' | 'https'} way @param {Case} benchCase
 */
async function minimalCase(way, benchCase) {
  const inputs = benchCase.inputs()
  const started = performance.now()
  const main = minimalClient(way, token)
  let accountId = ''
  if (inputs.operation === 'list') await main.call('GET', '/service_accounts')
  else if (inputs.operation === 'get') await main.call('GET', `/service_accounts/${inputs.name}`)
  else if (inputs.operation === 'rm') {
    const account = await main.call('GET', `/service_accounts/${inputs.name}`)
    await main.call('DELETE', `/service_accounts/${account.id}`)
  } else {
    await main.call('GET', '/config')
    const name = `bench-minimal-${++seeded}`
    const account = await main.call('POST', '/service_accounts', {
      name,
      default_cluster: TARGET.cluster,
      default_project: TARGET.project
    })
    accountId = account.id
    if (inputs.permissions)
      await main.call('POST', `/users/${account.role.replaceAll('/', ':')}/permissions`, PERMISSIONS)
    const newToken = JSON.parse(Buffer.from(account.token, 'base64').toString('utf8')).token
    await main.call('GET', '/config', undefined, newToken)
  }
  main.close()
  if (accountId) {
    const post = minimalClient(way, token)
    await post.call('DELETE', `/service_accounts/${accountId}`)
    post.close()
  }
  return performance.now() - started
}

/** @param {'http' | 'https'} way @param {string} bearer */
function minimalClient(way, bearer) {
  const url = new URL(WAYS[way].apiUrl)
  const agent =
    way === 'https'
      ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: certificate.cert })
      : new HttpAgent({ keepAlive: true, maxSockets: 1 })
  const send = way === 'https' ? httpsRequest : httpRequest
  return {
    /**
     * @param {string} method @param {string} path @param {unknown} [body] @param {string} [as]
     * @returns {Promise<any>}
     */
    call: (method, path, body, as = bearer) =>
      new Promise((resolve, reject) => {
        const json = body === undefined ? undefined : JSON.stringify(body)
        const headers = { authorization: `Bearer ${as}`, accept: 'application/json' }
        if (json) Object.assign(headers, { 'content-type': 'application/json' })
        const req = send(`${url.origin}${url.pathname}${path}`, { method, agent, headers }, res => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', chunk => (text += chunk))
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`))
            else resolve(text ? JSON.parse(text) : undefined)
          })
        })
        req.on('error', reject)
        req.end(json)
      }),
    close: () => agent.destroy()
  }
}

/**
 * How late a create (cluster and project given, HTTPS at RTT 0) notices a new token that
 * starts to work some time after the create: its main's time, less the same main's with a
 * token that works at once, less the delay.
 * @returns {Promise<{delayMs: number, mainMs: number, lateMs: number}[]>}
 */
async function verificationDelays() {
  wires.https.oneWayMs = 0
  const inputs = { 'api-url': WAYS.https.apiUrl, token, ...WAYS.https.inputs, ...TARGET }
  /** @param {number} delayMs */
  const mainMs = async delayMs => {
    emulator.updateSettings({ newTokenDelayMs: delayMs })
    const times = []
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now()
      const main = await runStep('main', { inputs, node })
      times.push(performance.now() - started)
      await runStep('post', { inputs, node, state: main.state })
      if (main.code !== 0) throw new Error(`verification after ${delayMs} ms failed: ${main.errors.join('; ')}`)
    }
    return fastest(times)
  }
  const atOnce = await mainMs(0)
  const rows = []
  for (const delayMs of DELAYS) {
    process.stderr.write(`verification, token working after ${delayMs} ms\n`)
    const ms = await mainMs(delayMs)
    rows.push({ delayMs, mainMs: ms, lateMs: ms - atOnce - delayMs })
  }
  emulator.updateSettings({ newTokenDelayMs: 0 })
  return rows
}

/** @param {{delayMs: number, mainMs: number, lateMs: number}[]} delays @returns {string[]} */
function report(delays) {
  const lines = [
    `# bench:latency, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${nodeVersion()}, the fastest of ${RUNS} runs`,
    ''
  ]
  let allWithin = true
  for (const way of /** @type {const} */ (['http', 'https'])) {
    const handshakes = way === 'https' ? 2 : 1
    lines.push(
      `### ${way.toUpperCase()}, RTT 0 and ${RTT} ms (main + post)`,
      '',
      `| case | action, RTT 0 | action, RTT ${RTT} | action network time | minimal client network time | action / minimal | round trips needed × RTT | connections, TLS handshakes, requests (main; post) |`,
      '|---|--:|--:|--:|--:|--:|--:|---|'
    )
    for (const { name, trips } of CASES) {
      const at0 = samplesOf(way, 0, name)
      const atRtt = samplesOf(way, RTT, name)
      const network = fastest(atRtt.action) - fastest(at0.action)
      const minimal = fastest(atRtt.minimal) - fastest(at0.minimal)
      const needed = (trips.main + handshakes + (trips.post ? trips.post + handshakes : 0)) * RTT
      const within = network <= 1.05 * minimal + 15
      allWithin &&= within
      const seen = (/** @type {Seen} */ s) => `${s.connections}, ${s.tlsHandshakes}, ${s.requests}`
      const post = trips.post ? `; ${seen(atRtt.seen.post)}` : ''
      lines.push(
        `| ${name} | ${ms(fastest(at0.action))} | ${ms(fastest(atRtt.action))} | ${ms(network)}${within ? '' : ' (over)'} | ` +
          `${ms(minimal)} | ${(network / minimal).toFixed(2)}x | ${needed} | ${seen(atRtt.seen.main)}${post} |`
      )
    }
    lines.push('')
  }
  lines.push(
    `every case's network time within 1.05x (+15 ms) of the minimal client's: ${allWithin ? 'yes' : 'NO'}`,
    '',
    '### A new token that starts to work later (create, cluster and project given, HTTPS, RTT 0)',
    '',
    '| token works after | main | noticed after it works |',
    '|--:|--:|--:|',
    ...delays.map(row => `| ${seconds(row.delayMs)} | ${ms(row.mainMs)} | ${ms(Math.max(0, row.lateMs))} |`)
  )
  return lines
}

/**
 * The fastest of the runs: what a case costs once the machine's other work (other processes,
 * this one's own garbage collection) is left out, as each figure here is a difference of two.
 * @param {number[]} values
 */
function fastest(values) {
  return Math.min(...values)
}

/** @param {number} value */
function ms(value) {
  return `${Math.round(value)} ms`
}

/** @param {number} value */
function seconds(value) {
  return `${value / 1000} s`
}

function nodeVersion() {
  return node === process.execPath
    ? process.versions.node
    : execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
}

function findNode24() {
  if (process.versions.node.startsWith('24.')) return process.execPath
  return execFileSync('npx', ['-y', 'node@24', '-e', 'process.stdout.write(process.execPath)'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore']
  })
}
