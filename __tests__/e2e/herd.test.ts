// A herd: many jobs create and remove accounts at once against a platform that throttles
// past a few requests in flight. Every main must get its account, every post must remove
// it, and nothing may leak.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { findLeaks, runStep, type StepResult } from '../helpers/action.js'

const JOBS = 32
let emulator: Awaited<ReturnType<typeof startEmulator>>
let token: string

beforeAll(async () => {
  emulator = await startEmulator({ users: ['herd'], throttle: { maxInFlight: 4, retryAfterSeconds: 1, holdMs: 100 } })
  token = emulator.issueToken('herd')
})
afterAll(() => emulator.close())

test(`${JOBS} parallel create + post runs under 429 throttling: all succeed, none left, no leaks`, async () => {
  const inputs = {
    'api-url': emulator.url,
    token,
    cluster: 'default',
    project: 'test-project',
    'max-attempts': '10',
    'timeout-seconds': '10'
  }
  const env = (i: number) => ({ GITHUB_JOB: `herd-${i}` })
  const results: StepResult[] = []
  const jobs = Array.from({ length: JOBS }, async (_, i) => {
    const main = await runStep('main', { inputs, env: env(i), timeoutMs: 120_000 })
    const post = await runStep('post', { inputs, env: env(i), state: main.state, timeoutMs: 120_000 })
    results.push(main, post)
    return { main, post }
  })
  const done = await Promise.all(jobs)
  const throttled = emulator.requests.filter(r => r.status === 429).length
  console.log(`herd: ${JOBS} jobs, ${emulator.requests.length} requests, ${throttled} answered 429`)
  expect(throttled).toBeGreaterThan(0)
  expect(done.map(({ main }) => main.code)).toEqual(Array(JOBS).fill(0))
  expect(done.map(({ post }) => post.code)).toEqual(Array(JOBS).fill(0))
  expect(new Set(done.map(({ main }) => main.outputs.id)).size).toBe(JOBS)
  expect(emulator.accounts()).toEqual([])
  expect(findLeaks(results, [token, ...done.map(({ main }) => main.outputs.token)])).toEqual([])
}, 300_000)
