// A matrix herd: many jobs of one workflow run, each running the built main and then post as
// the runner does, against one emulator that throttles. Shared by `npm run bench:herd` and the
// end-to-end herd test. Memory stays bounded: each job's output is looked at (`inspect`) and
// dropped; only counts, wall times and the first few error lines are kept.
// One machine starts processes far slower than a matrix's runners do (each has its own), which
// would spread the herd by itself: so the emulator's start gate holds the first requests until
// every job running has sent one, then lets them in over `spreadMs`, as the legs of a matrix
// reach the platform.
import { mkdtempSync, rmSync } from 'node:fs'
import { setPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator } from '../emulator/server.js'
import { runStep } from './local-runner.js'

/**
 * The owner's GET /config (the cluster check), create, verify as the new account (GET /config),
 * remove: with cluster and project given.
 */
export const REQUESTS_PER_JOB = 4
const FAILURES_KEPT = 5
const LINE_CHARS = 300

/** @typedef {import('./local-runner.js').StepResult} StepResult */

/**
 * @typedef {object} HerdOptions
 * @property {number} jobs
 * @property {number} inFlight the platform answers this many requests at once; past that, 429 with Retry-After: 1
 * @property {number} latencyMs how long it holds each request it admits
 * @property {{perSecond: number, burst: number}} [rateLimit] a per-owner token bucket on top
 * @property {number} [spreadMs] the first requests of the jobs reach the platform each at a random time
 *   within this long, as the legs of a matrix do (default 3000)
 * @property {number} [maxProcesses] jobs running at once (default: all, as a matrix runs them); the rest
 *   start as others end
 * @property {Record<string, string>} [inputs] more inputs; api-url, token, cluster and project are given
 * @property {number} [stepTimeoutMs] a step still running then is killed (default 10 minutes)
 * @property {(job: {index: number, main: StepResult, post: StepResult, secrets: string[]}) => void} [inspect]
 *   sees each job's steps in full before they are dropped
 * @property {(done: number, jobs: number) => void} [progress] after each job
 */

/**
 * @typedef {object} HerdReport
 * @property {number} jobs
 * @property {number} inFlight
 * @property {number} latencyMs
 * @property {number} spreadMs
 * @property {{perSecond: number, burst: number} | undefined} rateLimit
 * @property {number} maxProcesses
 * @property {number} failed jobs whose main or post did not exit 0
 * @property {string[]} failures the first few: job, step, exit code and first error line
 * @property {number} accountsLeft accounts on the platform after every post
 * @property {number} requests API requests the platform received
 * @property {number} needed REQUESTS_PER_JOB for each job
 * @property {number} throttled 429s answered by the in-flight throttle
 * @property {number} rateLimited 429s answered by the rate limit
 * @property {Record<string, number>} throttledBy 429s by request, e.g. `POST /service_accounts`
 * @property {number} peakInFlight the most requests the platform was answering at once
 * @property {number} gated first requests the start gate held and let in over spreadMs
 * @property {{p50: number, p90: number, max: number}} wallMs main + post of one job, from the later of
 *   its start and the start gate's opening
 * @property {number} elapsedMs the whole herd
 */

/** @param {HerdOptions} options @returns {Promise<HerdReport>} */
export async function runHerd(options) {
  const { jobs, inFlight, latencyMs, rateLimit } = options
  const spreadMs = options.spreadMs ?? 3000
  const maxProcesses = options.maxProcesses ?? jobs
  /** @type {Record<string, number>} */
  const throttledBy = {}
  const emulator = await startEmulator({
    users: ['herd'],
    logRequests: false,
    // Each 429 counted by the request it refused: where a herd's wasted requests go.
    log: line => {
      const refused = /^(\S+) \/api\/v1\/(\w+)\S* 429$/.exec(line)
      const request = refused && `${refused[1]} /${refused[2]}`
      if (request) throttledBy[request] = (throttledBy[request] ?? 0) + 1
    },
    throttle: { maxInFlight: inFlight, retryAfterSeconds: 1, holdMs: latencyMs },
    rateLimit,
    // Well inside the 30 s a request may take by default, so that no gated request times out.
    // Random times, not evenly spaced ones: legs that start apart by chance meet the throttle
    // more often than a schedule would, and a herd measured evenly spaced reads too well.
    startGate: { count: Math.min(jobs, maxProcesses), spreadMs, timeoutMs: 15_000, random: Math.random }
  })
  const token = emulator.tokens.herd
  const inputs = {
    ...options.inputs,
    'api-url': emulator.url,
    token,
    cluster: 'default',
    project: 'test-project'
  }
  // One workflow run: every leg of a matrix has the run's id and the job's id; RUNNER_TEMP is its own.
  const env = { GITHUB_RUN_ID: String(1e9 + Math.floor(Math.random() * 1e9)), GITHUB_JOB: 'herd' }
  const slots = semaphore(maxProcesses)
  /** @type {number[]} */
  const walls = []
  /** @type {string[]} */
  const failures = []
  let failed = 0
  let done = 0
  const started = performance.now()

  /** @param {number} index */
  async function job(index) {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'herd-runner-'))
    const step = { inputs, env, runnerTemp, timeoutMs: options.stepTimeoutMs ?? 600_000, onSpawn: lowerPriority }
    try {
      const spawned = Date.now()
      const main = await runStep('main', step)
      const post = await runStep('post', { ...step, state: main.state })
      walls.push(Date.now() - Math.max(spawned, emulator.startGate?.openedAt ?? spawned))
      const bad = [main, post].filter(result => result.code !== 0)
      if (bad.length) failed++
      for (const result of bad) if (failures.length < FAILURES_KEPT) failures.push(failureLine(index, result))
      options.inspect?.({ index, main, post, secrets: [token, main.outputs.token ?? ''] })
    } finally {
      rmSync(runnerTemp, { recursive: true, force: true })
    }
    options.progress?.(++done, jobs)
  }

  try {
    await Promise.all(
      Array.from({ length: jobs }, async (_, index) => {
        await slots.acquire()
        try {
          await job(index)
        } finally {
          slots.release()
        }
      })
    )
    const load = emulator.load
    return {
      jobs,
      inFlight,
      latencyMs,
      spreadMs,
      rateLimit,
      maxProcesses,
      failed,
      failures,
      accountsLeft: emulator.accounts().length,
      requests: load.requests,
      needed: REQUESTS_PER_JOB * jobs,
      throttled: load.throttled,
      rateLimited: load.rateLimited,
      throttledBy,
      peakInFlight: load.peakInFlight,
      gated: emulator.startGate?.held ?? 0,
      wallMs: percentiles(walls),
      elapsedMs: performance.now() - started
    }
  } finally {
    await emulator.close()
  }
}

/** The report as the bench prints it. @param {HerdReport} report @returns {string[]} */
export function formatHerd(report) {
  const limit = report.rateLimit ? `, rate limit ${report.rateLimit.perSecond}/s burst ${report.rateLimit.burst}` : ''
  return [
    `herd: ${report.jobs} jobs, ${report.inFlight} requests in flight at most (Retry-After 1), ` +
      `${report.latencyMs} ms each${limit}; ${report.maxProcesses} jobs running at once at most, ` +
      `the first ${report.gated} requests let in over ${seconds(report.spreadMs)}`,
    `jobs failed: ${report.failed}`,
    ...report.failures.map(line => `  ${line}`),
    `accounts left: ${report.accountsLeft}`,
    `requests sent / needed: ${report.requests} / ${report.needed} = ${ratio(report).toFixed(2)}x`,
    `429s answered: ${report.throttled + report.rateLimited} (throttle ${report.throttled}, rate limit ${report.rateLimited}); ` +
      `at most ${report.peakInFlight} requests in flight`,
    `429s by request: ${Object.entries(report.throttledBy)
      .map(([request, count]) => `${request} ${count}`)
      .join(', ')}`,
    `job wall time (main + post): p50 ${seconds(report.wallMs.p50)}, p90 ${seconds(report.wallMs.p90)}, max ${seconds(report.wallMs.max)}`,
    `whole herd: ${seconds(report.elapsedMs)}`
  ]
}

export const HERD_TABLE_HEADER = [
  '| jobs | in flight | latency | let in over | jobs at once | jobs failed | accounts left | requests / needed | 429s | job wall p50 / p90 / max |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|'
]

/** One row of docs/reliability.md's "Scale: a matrix herd" table. @param {HerdReport} report */
export function herdRow(report) {
  const limit = report.rateLimit ? ` + ${report.rateLimit.perSecond}/s (burst ${report.rateLimit.burst})` : ''
  const { p50, p90, max } = report.wallMs
  const cells = [
    report.jobs,
    `${report.inFlight}${limit}`,
    `${report.latencyMs} ms`,
    seconds(report.spreadMs),
    Math.min(report.jobs, report.maxProcesses),
    report.failed,
    report.accountsLeft,
    `${ratio(report).toFixed(2)}x`,
    report.throttled + report.rateLimited,
    `${seconds(p50)} / ${seconds(p90)} / ${seconds(max)}`
  ]
  return `| ${cells.join(' | ')} |`
}

/** @param {HerdReport} report */
export const ratio = report => report.requests / report.needed

/** @param {number} ms */
const seconds = ms => `${(ms / 1000).toFixed(1)} s`

/** @param {number} index @param {StepResult} result */
function failureLine(index, result) {
  const line = result.errors[0] ?? result.stderr.trim().split('\n').pop() ?? ''
  return `job ${index} ${result.step}: exit ${result.code}: ${line.slice(0, LINE_CHARS)}`
}

/**
 * The jobs run below the emulator's priority: a platform runs on machines of its own, and its
 * answers must not come late (holding their slots longer, so that more requests meet a full
 * platform) because this machine's CPUs are busy starting the herd's processes.
 * @param {number} pid
 */
function lowerPriority(pid) {
  try {
    setPriority(pid, 10)
  } catch {
    // Gone already, or not allowed here: the herd runs all the same.
  }
}

/** Nearest-rank percentiles. @param {number[]} values */
function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (/** @type {number} */ p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0
  return { p50: at(0.5), p90: at(0.9), max: at(1) }
}

/** At most `size` holders at once; the others wait in order. @param {number} size */
function semaphore(size) {
  let free = size
  /** @type {(() => void)[]} */
  const waiting = []
  return {
    /** @returns {Promise<void>} */
    acquire: () => {
      if (free > 0) {
        free--
        return Promise.resolve()
      }
      return new Promise(resolve => waiting.push(resolve))
    },
    release: () => {
      const next = waiting.shift()
      if (next) next()
      else free++
    }
  }
}
