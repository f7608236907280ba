// A create of a generated name whose answer main never saw (src/steps/post.ts, removePending): post
// looks the name up at once and after 1, 2 and 4 s (README, "When an answer is lost"). Its
// waits are recorded here instead of slept, so an account can show up between two looks.
import { afterEach, describe, expect, jest, test } from '@jest/globals'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

const waits: number[] = []
let duringWait: () => void = () => undefined
jest.unstable_mockModule('node:timers/promises', () => ({
  setTimeout: (ms: number) => {
    waits.push(ms)
    duringWait()
    return Promise.resolve()
  }
}))
// Imported after the mock, so that post sees it.
const { runInProcess } = await import('../helpers/in-process.js')

let emulator: Emulator
let inputs: Record<string, string>

useLoopbackEmulator(loopback => {
  emulator = loopback.emulator
  inputs = { 'api-url': emulator.url, token: loopback.token, 'max-attempts': '2' }
})
afterEach(() => {
  waits.length = 0
  duringWait = () => undefined
})

const pending = (name: string, tokenAccepted = false) => ({
  account: JSON.stringify({ kind: 'pending', name, generated: true, cleanup: true, tokenAccepted })
})
const lookups = (name: string) => emulator.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/${name}`))

test('an account that shows up between two looks is removed', async () => {
  const name = 'gha-octo-repo-4242-1-late'
  let id = ''
  // It appears during the second wait, before the third look.
  duringWait = () => {
    if (waits.length === 2) id = emulator.seedAccount('alice', { name }).id
  }
  const result = await runInProcess('post', { inputs, state: pending(name) })
  expect(result.failed).toBe(false)
  expect(waits).toEqual([1_000, 2_000])
  expect(lookups(name)).toHaveLength(3)
  expect(emulator.account(id)).toBeUndefined()
  expect(result.warnings[0]).toContain(`removing ${id} ("${name}")`)
})

test('a name nothing holds after the last look: nothing to remove, and the step does not fail', async () => {
  const name = 'gha-octo-repo-4242-1-never'
  const result = await runInProcess('post', { inputs, state: pending(name) })
  expect(result.failed).toBe(false)
  expect(waits).toEqual([1_000, 2_000, 4_000])
  expect(lookups(name)).toHaveLength(4)
  expect(result.stdout).toContain(`The create of "${name}" made no account: nothing to remove.`)
})

describe("a 401 on post's look-up", () => {
  const hiccupOnLookup = (name: string) =>
    emulator.addFault({ method: 'GET', path: `/service_accounts/${name}`, kind: 'auth-hiccup', times: 1 })

  test('after main saw the token work, is the auth service hiccupping: looked up again, and the account goes', async () => {
    const name = 'gha-octo-repo-4242-1-hiccup'
    const { id } = emulator.seedAccount('alice', { name })
    hiccupOnLookup(name)
    const result = await runInProcess('post', { inputs, state: pending(name, true) })
    expect(result.failed).toBe(false)
    expect(lookups(name)).toHaveLength(2)
    expect(emulator.account(id)).toBeUndefined()
  })

  test('when the token never worked in main, is a verdict: post fails at once, naming the account', async () => {
    const name = 'gha-octo-repo-4242-1-refused'
    const { id } = emulator.seedAccount('alice', { name })
    hiccupOnLookup(name)
    const result = await runInProcess('post', { inputs, state: pending(name, false) })
    expect(result.failed).toBe(true)
    expect(lookups(name)).toHaveLength(1)
    expect(emulator.account(id)).toBeDefined()
    expect(result.errors.join('\n')).toContain(`Service account ${name} could not be removed`)
  })
})
