// The time the create step gives its verification and its sweep (src/steps/create.ts; README,
// "Time limits"), on a virtual clock: each 502 costs a wait of 0.5 s, then 1 s, 2 s, 4 s (the
// backoff's ceiling, as the jitter is pinned), so what a budget allows is exact.
import { describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { createInputs, emulatorClient, VirtualClock } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

// One attempt may take 0.5 s and there are 5: the step's budget is 3 × 5 × 0.5 s = 7.5 s.
const TIMEOUT_MS = 500
const MAX_ATTEMPTS = 5

/**
 * Runs the create step on a virtual clock. `spentByCreate`: the step's whole budget is gone
 * by the time the create answers.
 */
async function create(values: Record<string, string>, { spentByCreate = false } = {}) {
  const clock = new VirtualClock()
  const client = emulatorClient(emulator, token, dispatcher, {
    timeoutMs: TIMEOUT_MS,
    maxAttempts: MAX_ATTEMPTS,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 1,
    log: line => {
      if (spentByCreate && /^POST \S*\/service_accounts: HTTP 201 /.test(line)) clock.ms += 1_000_000
    }
  })
  // Cluster and project given: GET /config is asked only by the verification.
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    cluster: 'default',
    project: 'test-project',
    'verify-seconds': '0',
    ...values
  })
  const result = await inRunner(() => runCreate(client, inputs).catch((error: Error) => error))
  return { ...result, error: result.value }
}

const configFailing = (times: number) =>
  emulator.addFault({ method: 'GET', path: '/config', kind: 'status', status: 502, times })

describe('verifying the new token while the platform fails', () => {
  test("may take the rest of the step's budget, beyond verify-seconds and one request", async () => {
    // Three failures take 0.5 + 1 + 2 s of waits: more than 1 s + 0.5 s, well within 7.5 s.
    configFailing(3)
    const result = await create({ name: 'budget-rest', 'verify-seconds': '1' })
    expect(result.error).toBeUndefined()
    expect(result.outputs.registry).toContain('registry.default')
  })

  test("with the step's budget spent, still has verify-seconds and one request's time", async () => {
    // Two failures take 0.5 + 1 s of waits, within 2 s + 0.5 s.
    configFailing(2)
    const result = await create({ name: 'budget-spent', 'verify-seconds': '2' }, { spentByCreate: true })
    expect(result.error).toBeUndefined()
    expect(result.outputs.registry).toContain('registry.default')
  })

  test("with the step's budget spent, gets no more than that: the account goes again", async () => {
    // Three failures would need 3.5 s of waits, past 2 s + 0.5 s.
    configFailing(3)
    const result = await create({ name: 'budget-over', 'verify-seconds': '2' }, { spentByCreate: true })
    expect(result.error?.message).toMatch(
      /^the platform never answered whether the new token works: .*HTTP 502.*; service account \S+ was removed again$/
    )
    expect(emulator.accounts().some(a => a.name === 'budget-over')).toBe(false)
    expect(result.outputs.token).toBeUndefined()
  })
})

describe("the sweep of earlier runs' leftovers", () => {
  // The sweep's budget is a third of the step's: 5 × 0.5 s = 2.5 s.
  const leftover = () =>
    emulator.seedAccount('alice', {
      name: generatedName(
        { repository: 'octo-org/octo-repo', repositoryId: '', runId: '1000', runAttempt: '1', job: 'build' },
        randomNamePart()
      ),
      created_at: '2020-01-01T00:00:00+00:00'
    })
  const listFailing = (times: number) =>
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 502, times })

  test('waits out trouble within its own budget', async () => {
    const old = leftover()
    // Two failures take 0.5 + 1 s of waits.
    listFailing(2)
    const result = await create({ name: 'sweep-waits', 'sweep-older-than': '6h' })
    expect(result.error).toBeUndefined()
    expect(emulator.account(old.id)).toBeUndefined()
  })

  test('gives up past its own budget, with a warning, and the create goes on', async () => {
    const old = leftover()
    // Three failures would need 3.5 s of waits, past 2.5 s.
    listFailing(3)
    const result = await create({ name: 'sweep-gives-up', 'sweep-older-than': '6h' })
    expect(result.error).toBeUndefined()
    expect(result.outputs.token).toBeTruthy()
    expect(emulator.account(old.id)).toBeDefined()
    expect(result.warnings).toEqual([
      expect.stringMatching(/^Could not sweep earlier runs' leftover accounts: .*HTTP 502.*gave up/)
    ])
  })
})
