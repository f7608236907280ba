// A matrix herd at default inputs: 48 jobs of one run, each running main then post, against a
// platform that answers in 200 ms and admits 8 requests at once (429 with Retry-After: 1 past
// that), as a load balancer in front of it does. Their first requests reach it within a second,
// as legs whose runners start together do: more than it can answer. Every step must succeed,
// every account must be gone, no secret may leak, and the herd must not multiply its own load
// by retrying in step: at most 1.5 requests sent per request needed (the client of 1.0.0,
// unjittered and giving up after max-attempts 429s, sent 1.69x here).
// The same herd as a benchmark: npm run bench:herd -- --jobs 48 --in-flight 8 --latency-ms 200
//   --spread-ms 1000 --max-procs 48
import { expect, test } from '@jest/globals'
import { formatHerd, ratio, runHerd } from '../../scripts/herd.js'
import { findLeaks } from '../helpers/action.js'

const JOBS = 48

test(`${JOBS} jobs at default inputs against 8 in flight and 200 ms: all succeed, none left, no leaks, at most 1.5x the requests needed`, async () => {
  const leaks: string[] = []
  const report = await runHerd({
    jobs: JOBS,
    inFlight: 8,
    latencyMs: 200,
    spreadMs: 1_000,
    maxProcesses: JOBS,
    stepTimeoutMs: 240_000,
    inspect: ({ main, post, secrets }) => leaks.push(...findLeaks([main, post], secrets))
  })
  console.log(formatHerd(report).join('\n'))
  expect(report.throttled).toBeGreaterThan(0)
  expect(report.failures).toEqual([])
  expect(report.failed).toBe(0)
  expect(report.accountsLeft).toBe(0)
  expect(leaks).toEqual([])
  expect(ratio(report)).toBeLessThanOrEqual(1.5)
}, 600_000)
