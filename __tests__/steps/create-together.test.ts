// What the create step does side by side (src/steps/create.ts): the grants with the
// verification, the sweep with the create, and what main hands post of the throttling it met.
import { afterEach, expect, jest, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { createInputs, emulatorClient, VirtualClock } from '../helpers/create-step.js'
import { inRunner, runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))
afterEach(() => {
  emulator.setThrottle(undefined)
  emulator.updateSettings({ newTokenDelayMs: 0 })
  jest.restoreAllMocks()
})

const PERMISSION = 'storage://default/test-org/test-project read'

async function create(values: Record<string, string>, client = emulatorClient(emulator, token, dispatcher)) {
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    cluster: 'default',
    project: 'test-project',
    ...values
  })
  const result = await inRunner(() => runCreate(client, inputs).catch((error: Error) => error))
  return { ...result, error: result.value }
}

test('a grant that fails stops the verification at once: the account goes, and the step names the grant', async () => {
  // A token never accepted would keep the verification asking for all of verify-seconds.
  emulator.updateSettings({ newTokenDelayMs: 'never' })
  emulator.addFault({ method: 'POST', path: /^\/users\//, kind: 'status', status: 403, times: Infinity })
  const started = Date.now()
  const result = await create({ name: 'together-grant-refused', permissions: PERMISSION, 'verify-seconds': '30' })
  expect(Date.now() - started).toBeLessThan(5_000)
  expect(result.error?.message).toMatch(/HTTP 403.*; service account \S+ was removed again$/)
  expect(emulator.accounts().filter(account => account.name === 'together-grant-refused')).toEqual([])
  // Asked once with the grant, perhaps once more before the stop was seen; never after.
  const asked = () => emulator.requests.filter(request => request.path.endsWith('/config')).length
  const askedByNow = asked()
  expect(askedByNow).toBeLessThanOrEqual(2)
  await new Promise(done => setTimeout(done, 600))
  expect(asked()).toBe(askedByNow)
})

/** An account an earlier run of this repository made and never removed. */
const leftover = (runId: string) =>
  emulator.seedAccount('alice', {
    name: generatedName(
      { repository: 'octo-org/octo-repo', repositoryId: '', runId, runAttempt: '1', job: 'build' },
      randomNamePart()
    ),
    created_at: '2020-01-01T00:00:00+00:00'
  })

test('the sweep goes alongside the create, never before it, removing up to 4 leftovers at once', async () => {
  const swept = Array.from({ length: 8 }, (_, i) => leftover(String(3000 + i)))
  // Every request held 50 ms, so that removals at once are seen at once; the list answers late.
  emulator.setThrottle({ maxInFlight: 100, holdMs: 50 })
  emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'delay', ms: 300 })
  emulator.resetLoad()
  const result = await create({ name: 'together-sweep', 'verify-seconds': '0', 'sweep-older-than': '6h' })
  expect(result.error).toBeUndefined()
  expect(JSON.parse(result.outputs.removed)).toHaveLength(swept.length)
  const answered = emulator.requests.map(request => `${request.method} ${request.path}`)
  expect(answered.indexOf('POST /api/v1/service_accounts')).toBeLessThan(
    answered.indexOf('GET /api/v1/service_accounts')
  )
  expect(emulator.load.peakInFlight).toBe(4)
})

test('a throttled main leaves what it heard for post, whose first request then waits a share of it', async () => {
  emulator.addFault({
    method: 'POST',
    path: '/service_accounts',
    kind: 'status',
    status: 429,
    headers: { 'retry-after': '1' }
  })
  const clock = new VirtualClock()
  clock.ms = Date.now()
  const client = emulatorClient(emulator, token, dispatcher, { now: clock.now, sleep: clock.sleep })
  const main = await create({ name: 'together-throttled', 'verify-seconds': '0' }, client)
  expect(main.error).toBeUndefined()
  const heard = JSON.parse(main.state.throttled) as { atMs: number; waitMs: number; count: number }
  expect(heard).toEqual({ atMs: expect.any(Number), waitMs: 1_000, count: 1 })
  jest.spyOn(Math, 'random').mockReturnValue(0.1)
  const post = await runInProcess('post', {
    inputs: { 'api-url': emulator.url, token },
    state: { ...main.state, throttled: JSON.stringify({ ...heard, atMs: Date.now() }) }
  })
  expect(post.failed).toBe(false)
  expect(post.stdout).toContain('::debug::the platform throttled this job lately: waiting 200 ms first')
})

test('a main never throttled leaves nothing of it', async () => {
  const main = await create({ name: 'together-calm', 'verify-seconds': '0' })
  expect(main.state.throttled).toBeUndefined()
})
