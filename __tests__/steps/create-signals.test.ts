// A run cancelled while the create is in flight (src/steps/create.ts, settleThroughSignals): the
// runner sends SIGINT, then SIGTERM; the account being made must still reach post's record.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner, runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

const SIGNALS = ['SIGINT', 'SIGTERM'] as const
type Listener = (signal: NodeJS.Signals) => void
const listeners = () => Object.fromEntries(SIGNALS.map(s => [s, process.listeners(s) as Listener[]]))

/** Waits for `condition`, failing after a few seconds rather than hanging the suite. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise(resolve => setTimeout(resolve, 5)))
    if (Date.now() - started > 5_000) throw new Error(`gave up waiting: ${what}`)
}

test.each(SIGNALS)(
  '%s during the create: the account is made, kept in the record for post, and the step fails saying so',
  async signal => {
    const before = listeners()
    // The create's answer takes a while, so the signal comes while it is in flight.
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'delay', ms: 200 })
    const inputs = createInputs({ 'api-url': emulator.url, token, 'verify-seconds': '0', cleanup: 'false' })
    const step = inRunner(() =>
      runCreate(emulatorClient(emulator, token, dispatcher), inputs).catch((error: Error) => error)
    )
    await until(() => process.listenerCount('SIGTERM') > before.SIGTERM.length, 'a SIGTERM handler')
    const during = listeners()
    const added = SIGNALS.map(s => during[s].filter(l => !before[s].includes(l)))
    // The runner may send either; both are heard, by the one handler.
    expect(added[0]).toHaveLength(1)
    expect(added[1]).toEqual(added[0])
    // Delivered to the step's handler alone: a real signal would reach the test runner's too.
    added[0][0](signal)
    const result = await step

    const record = JSON.parse(result.state.account) as { kind: string; id: string }
    expect(record).toEqual({ kind: 'created', id: record.id, delivered: false, cleanup: false })
    expect(result.value?.message).toBe(
      `Received ${signal}: the create finished and the post step will remove ${record.id}`
    )
    expect(result.warnings).toContain(
      `Received ${signal}: finishing the create in flight so its account can be removed`
    )
    expect(result.outputs.token).toBeUndefined()
    expect(emulator.account(record.id)).toBeDefined()
    // Once the create has settled, the step no longer holds the signals.
    expect(listeners()).toEqual(before)

    const removed = await runInProcess('post', {
      inputs: { 'api-url': emulator.url, token, 'max-attempts': '2' },
      state: result.state
    })
    expect(removed.failed).toBe(false)
    expect(emulator.account(record.id)).toBeUndefined()
  }
)
