// `npm run bench`: prints what the action costs, measured on loopback against the emulator,
// as the Markdown that docs/performance.md holds between its bench markers;
// `npm run bench -- --write-docs` also puts it there. A script that prints figures, not a
// test: nothing here passes or fails on timing.
//   1. start-up of the built steps against bare node and the one-request floors (node:http,
//      Node's own fetch), over HTTP and HTTPS, and main + post of a create
//   2. the bundle: every file action.yml runs, and what each package contributes
//   3. requests per operation
//   4. list and prune (dry-run) over 1,000 to 100,000 accounts: wall time and peak RSS
// BENCH_RUNS (default 21) fresh processes per figure, BENCH_SCALES the account counts,
// BENCH_BASELINE=<a dist/ folder> adds that build's rows to section 1, for a before/after in
// one run.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startEmulator } from '../emulator/server.js'
import { parseFileCommands, ROOT, runStep } from './local-runner.js'
import { makeCertificate, startTlsFront } from './tls.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 21)
const SCALES = (process.env.BENCH_SCALES ?? '1000,10000,100000').split(',').filter(Boolean).map(Number)
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined
const DOC = 'docs/performance.md'
const DOC_MARKERS = ['<!-- bench:start -->', '<!-- bench:end -->']
const BARE = "bare `node -e ''`"
const FETCH = "one GET with Node's own `fetch`"
const FETCH_HTTPS = `${FETCH}, HTTPS (the CA in \`NODE_EXTRA_CA_CERTS\`)`

const node24 = findNode24()
const nodes = [
  ...(node24 ? [{ label: 'Node 24', bin: node24 }] : []),
  { label: `Node ${process.versions.node.split('.')[0]}`, bin: process.execPath }
]

const emulator = await startEmulator({ users: ['bench'], logRequests: true })
const token = emulator.issueToken('bench')
// Every run's files stay here until the end: deleting files between runs slowed the next
// process measurably (the file system is busy), whichever case it was.
const work = mkdtempSync(join(tmpdir(), 'bench-'))
const certificate = await makeCertificate({ ips: ['127.0.0.1'] })
const front = await startTlsFront(certificate, Number(new URL(emulator.url).port))
const caFile = join(work, 'ca.pem')
writeFileSync(caFile, certificate.cert)
const http = { apiUrl: emulator.url, inputs: {} }
const https = {
  apiUrl: emulator.url.replace(/^http:\/\/[^/]+/, `https://127.0.0.1:${front.port}`),
  inputs: { 'ca-certificate': certificate.cert }
}

/** @type {string[]} */
const out = []
/** @param {string} line */
const print = line => {
  out.push(line)
  console.log(line)
}

try {
  print(
    `Measured with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, on ${cpus()[0]?.model.trim() ?? 'an unknown CPU'} ` +
      `x${cpus().length}, ${process.platform} ${process.arch}, against the emulator on loopback; each start-up figure is ` +
      `the median of ${RUNS} fresh processes per case, the cases interleaved in a new random order each round, with a clean environment.\n`
  )
  await startUp()
  bundle()
  await requestsPerOperation()
  if (SCALES.length) await scale()
} finally {
  await front.close()
  await emulator.close()
  rmSync(work, { recursive: true, force: true })
}

if (process.argv.includes('--write-docs')) {
  const doc = readFileSync(join(ROOT, DOC), 'utf8')
  const [start, end] = DOC_MARKERS.map(marker => doc.indexOf(marker))
  if (start < 0 || end < start) throw new Error(`${DOC} has no ${DOC_MARKERS.join(' … ')} block`)
  writeFileSync(
    join(ROOT, DOC),
    `${doc.slice(0, start + DOC_MARKERS[0].length)}\n${out.join('\n').trim()}\n${doc.slice(end)}`
  )
  console.error(`${DOC}: figures written`)
}

/**
 * @typedef {object} Case
 * @property {string} name
 * @property {'http' | 'https'} scheme whose fetch the case is compared with
 * @property {(bin: string) => Promise<number>} run wall time of its processes, ms
 */

async function startUp() {
  print(
    "**Start-up** (median wall time of the whole process; x bare: against `node -e ''`; x fetch: against Node's own `fetch` of one GET over the same scheme):\n"
  )
  /** @type {Map<string, Record<string, number>>} */
  const table = new Map()
  for (const { label, bin } of nodes) {
    const cases = startUpCases(bin)
    /** @type {Record<string, number[]>} */
    const samples = Object.fromEntries(cases.map(c => [c.name, []]))
    // Interleaved, so that drift in machine load touches every case alike, and in a new order
    // each round, so that no case always follows the same one (and what it left running).
    for (let i = 0; i < RUNS; i++) for (const c of shuffled(cases)) samples[c.name].push(await c.run(bin))
    for (const c of cases) {
      const row = table.get(c.name) ?? {}
      row[`${label} ms`] = median(samples[c.name])
      row[`${label} bare`] = median(samples[c.name]) / median(samples[BARE])
      row[`${label} fetch`] = median(samples[c.name]) / median(samples[c.scheme === 'https' ? FETCH_HTTPS : FETCH])
      table.set(c.name, row)
    }
  }
  print(`| case | ${nodes.map(n => `${n.label} ms | x bare | x fetch`).join(' | ')} |`)
  print(`|---|${nodes.map(() => '---:|---:|---:').join('|')}|`)
  for (const [name, row] of table) {
    const cells = nodes.map(({ label }) =>
      [row[`${label} ms`].toFixed(0), row[`${label} bare`].toFixed(2), row[`${label} fetch`].toFixed(2)].join(' | ')
    )
    print(`| ${name} | ${cells.join(' | ')} |`)
  }
  print('\nEach step of a create job is its own process.\n')
}

/**
 * A copy of `items` in a random order (Fisher-Yates).
 * @template T @param {T[]} items @returns {T[]}
 */
function shuffled(items) {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** @param {string} bin @returns {Case[]} */
function startUpCases(bin) {
  const getUrl = `${emulator.url}/config`
  const httpsGetUrl = `${https.apiUrl}/config`
  const nodeGet = `require('node:http').get(process.argv[1], r => r.resume())`
  const nodeHttpsGet = `require('node:https').get(process.argv[1], { ca: require('node:fs').readFileSync(process.argv[2]) }, r => r.resume())`
  const fetchGet = `fetch(process.argv[1]).then(r => r.text())`
  const create = { cluster: 'default', project: 'p' }
  /** @type {Case[]} */
  const cases = [
    { name: BARE, scheme: 'http', run: () => timed(bin, ['-e', '']) },
    { name: 'one GET with `node:http` (the floor)', scheme: 'http', run: () => timed(bin, ['-e', nodeGet, getUrl]) },
    { name: FETCH, scheme: 'http', run: () => timed(bin, ['-e', fetchGet, getUrl]) },
    {
      name: 'one GET with `node:https`, the CA given',
      scheme: 'https',
      run: () => timed(bin, ['-e', nodeHttpsGet, httpsGetUrl, caFile])
    },
    {
      name: FETCH_HTTPS,
      scheme: 'https',
      run: () => timed(bin, ['-e', fetchGet, httpsGetUrl], { ...cleanEnv(), NODE_EXTRA_CA_CERTS: caFile })
    },
    ...actionCases(bin, join(ROOT, 'dist'), '', create)
  ]
  if (BASELINE) cases.push(...actionCases(bin, BASELINE, ' (baseline build)', create))
  return cases
}

/**
 * The built action's cases, from `dist`.
 * @param {string} bin @param {string} dist @param {string} suffix
 * @param {Record<string, string>} create
 * @returns {Case[]}
 */
function actionCases(bin, dist, suffix, create) {
  const main = join(dist, 'main.js')
  /** @param {'http' | 'https'} scheme @param {Record<string, string>} inputs */
  const once = (scheme, inputs) => () =>
    step(bin, main, { ...(scheme === 'https' ? https : http).inputs, ...inputs }, scheme)
  /**
   * Main and then post of a create, sharing a RUNNER_TEMP: the wall time of each.
   * @param {'http' | 'https'} scheme
   */
  const createThenPost = async scheme => {
    const runnerTemp = mkdtempSync(join(work, 'temp-'))
    const inputs = { ...(scheme === 'https' ? https : http).inputs, ...create }
    const first = await stepWithState(bin, main, inputs, scheme, runnerTemp)
    const second = await stepWithState(bin, join(dist, 'post.js'), inputs, scheme, runnerTemp, first.state)
    return { main: first.ms, post: second.ms }
  }
  /** @param {'http' | 'https'} scheme */
  const createAndPost = scheme => async () => {
    const ms = await createThenPost(scheme)
    return ms.main + ms.post
  }
  /** @type {Case[]} */
  const cases = [
    {
      name: `load \`dist/index.js\` alone, nothing run${suffix}`,
      scheme: 'http',
      run: () => timed(bin, [join(dist, 'index.js')])
    },
    { name: `main: bad input (no request)${suffix}`, scheme: 'http', run: once('http', { operation: 'nope' }) },
    { name: `main: \`list\` (one request)${suffix}`, scheme: 'http', run: once('http', { operation: 'list' }) },
    { name: `main: \`list\` over HTTPS${suffix}`, scheme: 'https', run: once('https', { operation: 'list' }) },
    {
      name: `main: \`create\` and verify (three requests)${suffix}`,
      scheme: 'http',
      // Its post, untimed, removes the account, so that every list case lists the same accounts.
      run: async () => (await createThenPost('http')).main
    },
    { name: `main + post of a \`create\`${suffix}`, scheme: 'http', run: createAndPost('http') },
    { name: `main + post of a \`create\` over HTTPS${suffix}`, scheme: 'https', run: createAndPost('https') }
  ]
  return cases
}

/**
 * One step in a fresh RUNNER_TEMP: its wall time.
 * @param {string} bin @param {string} entry @param {Record<string, string>} inputs @param {'http' | 'https'} scheme
 */
async function step(bin, entry, inputs, scheme) {
  const temp = mkdtempSync(join(work, 'temp-'))
  const { ms } = await stepWithState(bin, entry, inputs, scheme, temp)
  return ms
}

/**
 * A step as the runner runs it: its wall time and the state it saved.
 * @param {string} bin @param {string} entry @param {Record<string, string>} inputs
 * @param {'http' | 'https'} scheme @param {string} runnerTemp @param {Record<string, string>} [state]
 * @returns {Promise<{ms: number, state: Record<string, string>}>}
 */
async function stepWithState(bin, entry, inputs, scheme, runnerTemp, state = {}) {
  const files = mkdtempSync(join(work, 'files-'))
  const paths = Object.fromEntries(
    ['OUTPUT', 'STATE', 'ENV', 'STEP_SUMMARY'].map(name => {
      const path = join(files, name)
      writeFileSync(path, '')
      return [`GITHUB_${name}`, path]
    })
  )
  const env = {
    ...cleanEnv(),
    RUNNER_TEMP: runnerTemp,
    ...paths,
    ...Object.fromEntries(
      Object.entries({ token, 'api-url': (scheme === 'https' ? https : http).apiUrl, ...inputs }).map(([k, v]) => [
        `INPUT_${k.toUpperCase()}`,
        v
      ])
    ),
    ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
  }
  const ms = await timed(bin, [entry], env, inputs.operation === 'nope' ? 1 : 0)
  return { ms, state: parseFileCommands(readFileSync(paths.GITHUB_STATE, 'utf8')) }
}

function cleanEnv() {
  return { PATH: process.env.PATH ?? '' }
}

function bundle() {
  const files = readdirSync(join(ROOT, 'dist')).sort()
  const size = (/** @type {string} */ file) => statSync(join(ROOT, 'dist', file)).size
  const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} KB`
  const code = files.filter(file => /\.c?js$/.test(file))
  print(
    `**Bundle**: all of \`dist/\` is ${kb(files.reduce((sum, file) => sum + size(file), 0))}: the two entries, ` +
      '`dist/index.js` (what every step loads: the steps, `@actions/core` and, through its HTTP client, all of ' +
      'undici) and the chunks it loads when a run needs them (the platform client, the create step, Octokit ' +
      'for `sweep-finished-runs`):\n'
  )
  print('| file | bytes |')
  print('|---|---:|')
  for (const file of code) print(`| \`dist/${file}\` | ${size(file).toLocaleString('en')} |`)
  // What each package adds, from webpack's module sizes (before minifying).
  const stats = join(work, 'stats.json')
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(ROOT, 'src/index.ts'),
      '-o',
      join(work, 'out'),
      '--transpile-only',
      '--quiet',
      '--stats-out',
      stats
    ],
    { cwd: ROOT, stdio: 'ignore' }
  )
  /** @type {{modules?: {name: string, size: number}[]}} */
  const parsed = JSON.parse(readFileSync(stats, 'utf8'))
  /** @type {Map<string, number>} */
  const byPackage = new Map()
  for (const module of parsed.modules ?? []) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module.name)
    const key = match ? match[1] : module.name.startsWith('./src') ? 'this action (src/)' : 'other'
    byPackage.set(key, (byPackage.get(key) ?? 0) + module.size)
  }
  print(
    `\nBy package (module source bytes): ${[...byPackage]
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => `${name} ${kb(bytes)}`)
      .join(', ')}.\n`
  )
}

async function requestsPerOperation() {
  /** @type {string[]} */
  const rows = []
  const count = async (/** @type {string} */ label, /** @type {() => Promise<unknown>} */ run) => {
    emulator.resetLog()
    await run()
    const requests = emulator.requests.map(
      r => `${r.method} ${r.path.replace(/service_accounts\/.+/, 'service_accounts/{id}')}`
    )
    rows.push(`| ${label} | ${requests.length} (${requests.join(', ')}) |`)
  }
  const inputs = { token, 'api-url': emulator.url }
  /** @type {Record<string, string>} */
  let state = {}
  await count('create, every default given', async () => {
    const main = await runStep('main', { inputs: { ...inputs, name: 'bench-one', cluster: 'default', project: 'p' } })
    state = main.state
  })
  await count('post', () => runStep('post', { inputs, state }))
  await count('create, defaults from GET /config', async () => {
    state = (await runStep('main', { inputs })).state
  })
  await count('create with sweep-older-than, then post', async () => {
    const main = await runStep('main', {
      inputs: { ...inputs, cluster: 'default', project: 'p', 'sweep-older-than': '1d' }
    })
    await runStep('post', { inputs, state: main.state })
  })
  const id = /** @type {{id: string}} */ (JSON.parse(state.account)).id
  await count('list', () => runStep('main', { inputs: { ...inputs, operation: 'list' } }))
  await count('get', () => runStep('main', { inputs: { ...inputs, operation: 'get', name: id } }))
  await count('rm', () => runStep('main', { inputs: { ...inputs, operation: 'rm', name: id } }))
  await count('prune, dry-run', () =>
    runStep('main', { inputs: { ...inputs, operation: 'prune', 'name-prefix': 'gha-', 'dry-run': 'true' } })
  )
  print('**Requests** per operation:\n')
  print('| operation | requests |')
  print('|---|---:|')
  for (const row of rows) print(row)
  print('')
}

async function scale() {
  const { label, bin } = nodes[0]
  print(
    `**Scale** (${label}, one run each; from 10,000 accounts the \`accounts\` and \`removed\` outputs would be over GitHub's 1 MB, so both steps end failed saying so, after the same work):\n`
  )
  print('| accounts | list ms | list peak RSS MB | prune dry-run ms | prune peak RSS MB |')
  print('|---:|---:|---:|---:|---:|')
  const big = await startEmulator({ users: ['bulk'], logRequests: false })
  const bulkInputs = { token: big.issueToken('bulk'), 'api-url': big.url }
  try {
    let seeded = 0
    for (const n of SCALES) {
      big.seedAccounts('bulk', n - seeded, { namePrefix: `bulk-${seeded}-`, ageSeconds: 7 * 86400 })
      seeded = n
      const list = await measured(bin, { ...bulkInputs, operation: 'list' })
      const prune = await measured(bin, {
        ...bulkInputs,
        operation: 'prune',
        'name-prefix': 'bulk-',
        'dry-run': 'true'
      })
      print(
        `| ${n.toLocaleString('en')} | ${list.ms.toFixed(0)} | ${list.rssMb.toFixed(0)} | ${prune.ms.toFixed(0)} | ${prune.rssMb.toFixed(0)} |`
      )
    }
  } finally {
    await big.close()
  }
  print('')
}

/**
 * Wall time of one fresh process, from spawn to exit; a figure of a process that exits with
 * another code than `expected` would measure something else, so that stops the bench.
 * @param {string} bin @param {string[]} args @param {Record<string, string>} [env] @param {number} [expected]
 * @returns {Promise<number>}
 */
function timed(bin, args, env = cleanEnv(), expected = 0) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code === expected) resolve(ms)
      else reject(new Error(`${bin} ${args.join(' ')} exited ${code}, not ${expected}: ${stderr.trim().slice(0, 300)}`))
    })
  })
}

/**
 * Wall time and peak RSS of main, read by a preload that reports at exit.
 * @param {string} bin @param {Record<string, string>} inputs
 * @returns {Promise<{ms: number, rssMb: number}>}
 */
function measured(bin, inputs) {
  const files = mkdtempSync(join(work, 'files-'))
  const env = {
    ...cleanEnv(),
    RUNNER_TEMP: files,
    ...Object.fromEntries(
      ['OUTPUT', 'STATE', 'ENV', 'STEP_SUMMARY'].map(name => {
        writeFileSync(join(files, name), '')
        return [`GITHUB_${name}`, join(files, name)]
      })
    ),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  }
  const report = `process.on('exit', () => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n'))`
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(
      bin,
      ['--import', `data:text/javascript,${encodeURIComponent(report)}`, join(ROOT, 'dist/main.js')],
      { env, stdio: ['ignore', 'ignore', 'pipe'] }
    )
    let stderr = ''
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const kb = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? NaN)
      if (code !== 0) console.error(`  (main exited ${code}: ${stderr.trim().slice(0, 200)})`)
      resolve({ ms, rssMb: kb / 1024 })
    })
  })
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Node 24 from the npm registry, as the runner has it; undefined when it cannot be had. */
function findNode24() {
  if (process.versions.node.startsWith('24.')) return process.execPath
  try {
    return execFileSync('npx', ['-y', 'node@24', '-e', 'process.stdout.write(process.execPath)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    })
  } catch {
    console.error('(Node 24 could not be fetched: measuring this Node only)')
    return undefined
  }
}
