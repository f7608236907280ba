// `npm run bench`: prints what the action costs, measured on loopback against the emulator.
// A script that prints figures, not a test: nothing here passes or fails on timing.
//   1. cold start of the built main (list, create) against bare node and the one-request floors
//   2. the bundle: every file action.yml runs, and what each package contributes
//   3. requests per operation
//   4. list and prune (dry-run) over 1,000 to 100,000 accounts: wall time and peak RSS
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../emulator/server.js'
import { ROOT, runStep } from './local-runner.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 21)
const SCALES = (process.env.BENCH_SCALES ?? '1000,10000,100000').split(',').map(Number)

const node24 = findNode24()
const nodes = [
  ...(node24 ? [{ label: 'Node 24', bin: node24 }] : []),
  { label: `Node ${process.versions.node.split('.')[0]}`, bin: process.execPath }
]

const emulator = await startEmulator({ users: ['bench'], logRequests: true })
const token = emulator.issueToken('bench')
const work = mkdtempSync(join(tmpdir(), 'bench-'))

try {
  console.log(`# apolo-service-account-action benchmark`)
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${process.platform} ${process.arch}`)
  console.log(`runs per figure: ${RUNS} (median), fresh process each, clean environment\n`)
  await coldStart()
  bundle()
  await requestsPerOperation()
  await scale()
} finally {
  await emulator.close()
  rmSync(work, { recursive: true, force: true })
}

async function coldStart() {
  console.log('## 1. Cold start (median wall time, ratio to bare node)\n')
  const floorGet = `require('node:http').get(process.argv[1], r => { r.resume(); r.on('end', () => {}) })`
  const fetchGet = `fetch(process.argv[1]).then(r => r.text())`
  const listUrl = `${emulator.url}/config`
  for (const { label, bin } of nodes) {
    const cases = {
      "bare node -e ''": () => timed(bin, ['-e', '']),
      'one GET, node:http (floor)': () => timed(bin, ['-e', floorGet, listUrl]),
      'one GET, global fetch': () => timed(bin, ['-e', fetchGet, listUrl]),
      'main: list (1 request)': () => timed(bin, [join(ROOT, 'dist/main.js')], mainEnv({ operation: 'list' })),
      'main: create and verify (2 requests)': () =>
        timed(bin, [join(ROOT, 'dist/main.js')], mainEnv({ cluster: 'default', project: 'p', cleanup: 'false' })),
      'main: create, verify-seconds 0 (1 request)': () =>
        timed(
          bin,
          [join(ROOT, 'dist/main.js')],
          mainEnv({ cluster: 'default', project: 'p', cleanup: 'false', 'verify-seconds': '0' })
        ),
      'main: bad input (0 requests)': () => timed(bin, [join(ROOT, 'dist/main.js')], mainEnv({ operation: 'nope' }))
    }
    /** @type {Record<string, number[]>} */
    const samples = Object.fromEntries(Object.keys(cases).map(name => [name, []]))
    // Interleaved, so that drift in machine load touches every case alike.
    for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(cases)) samples[name].push(await run())
    const bare = median(samples["bare node -e ''"])
    console.log(`${label}:\n`)
    console.log('| case | median ms | x bare |')
    console.log('|---|---:|---:|')
    for (const [name, values] of Object.entries(samples)) {
      console.log(`| ${name} | ${median(values).toFixed(1)} | ${(median(values) / bare).toFixed(2)} |`)
    }
    console.log('')
  }
}

function bundle() {
  console.log('## 2. Bundle\n')
  console.log('| file | bytes |')
  console.log('|---|---:|')
  let total = 0
  for (const file of readdirSync(join(ROOT, 'dist')).sort()) {
    const size = statSync(join(ROOT, 'dist', file)).size
    total += size
    console.log(`| dist/${file} | ${size.toLocaleString('en')} |`)
  }
  console.log(`| **all of dist/** | **${total.toLocaleString('en')}** |\n`)
  // What each package adds to the bundle, from webpack's module sizes.
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
  console.log('dist/index.js and its proxy-only chunks by package (module source bytes):\n')
  console.log('| package | bytes |')
  console.log('|---|---:|')
  for (const [name, size] of [...byPackage].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${name} | ${size.toLocaleString('en')} |`)
  }
  console.log('')
}

async function requestsPerOperation() {
  console.log('## 3. Requests per operation\n')
  console.log('| operation | requests |')
  console.log('|---|---:|')
  const count = async (/** @type {string} */ label, /** @type {() => Promise<unknown>} */ run) => {
    emulator.resetLog()
    await run()
    console.log(
      `| ${label} | ${emulator.requests.length} (${emulator.requests.map(r => `${r.method} ${r.path.replace(/service_accounts\/.+/, 'service_accounts/{id}')}`).join(', ')}) |`
    )
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
  console.log('')
}

async function scale() {
  console.log('## 4. Scale (one run each, Node 24 when available)\n')
  const { bin } = nodes[0]
  console.log('| accounts | list ms | list peak RSS MB | prune dry-run ms | prune peak RSS MB |')
  console.log('|---:|---:|---:|---:|---:|')
  const big = await startEmulator({ users: ['bulk'], logRequests: false })
  const bulkInputs = { token: big.issueToken('bulk'), 'api-url': big.url }
  try {
    let seeded = 0
    for (const n of SCALES) {
      big.seedAccounts('bulk', n - seeded, { namePrefix: `bulk-${seeded}-`, ageSeconds: 7 * 86400 })
      seeded = n
      const list = await measured(bin, mainEnv({ ...bulkInputs, operation: 'list' }))
      const prune = await measured(
        bin,
        mainEnv({ ...bulkInputs, operation: 'prune', 'name-prefix': 'bulk-', 'dry-run': 'true' })
      )
      console.log(
        `| ${n.toLocaleString('en')} | ${list.ms.toFixed(0)} | ${list.rssMb.toFixed(0)} | ${prune.ms.toFixed(0)} | ${prune.rssMb.toFixed(0)} |`
      )
    }
  } finally {
    await big.close()
  }
  console.log('')
}

/** @param {Record<string, string>} inputs, the emulator's URL and token unless given */
function mainEnv(inputs) {
  const files = ['OUTPUT', 'STATE', 'ENV', 'STEP_SUMMARY'].map(name => {
    const path = join(work, name)
    writeFileSync(path, '')
    return [`GITHUB_${name}`, path]
  })
  return {
    PATH: process.env.PATH ?? '',
    RUNNER_TEMP: work,
    ...Object.fromEntries(files),
    ...Object.fromEntries(
      Object.entries({ token, 'api-url': emulator.url, ...inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])
    )
  }
}

/**
 * Wall time of one fresh process, from spawn to exit.
 * @param {string} bin @param {string[]} args @param {Record<string, string>} [env]
 */
function timed(bin, args, env = { PATH: process.env.PATH ?? '' }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(bin, args, { env, stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve(Number(process.hrtime.bigint() - started) / 1e6))
  })
}

/**
 * Wall time and peak RSS of main, read by a preload that reports at exit.
 * @param {string} bin @param {Record<string, string>} env
 * @returns {Promise<{ms: number, rssMb: number}>}
 */
function measured(bin, env) {
  const report = `process.on('exit', () => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n'))`
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(
      bin,
      ['--import', `data:text/javascript,${encodeURIComponent(report)}`, join(ROOT, 'dist/main.js')],
      {
        env,
        stdio: ['ignore', 'ignore', 'pipe']
      }
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
    console.log('(Node 24 could not be fetched: measuring this Node only)')
    return undefined
  }
}
