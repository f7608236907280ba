// The create step (src/steps/create.ts) called directly against the emulator: how it reports
// trouble on the way to a create, and whether the summary says the token was checked.
import { describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import type { PlatformClientOptions } from '../../src/platform/client.js'
import { runCreate } from '../../src/steps/create.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

const TARGET = { cluster: 'default', project: 'test-project', org: 'test-org' }

async function create(values: Record<string, string>, client: Partial<PlatformClientOptions> = {}) {
  const inputs = createInputs({ 'api-url': emulator.url, token, 'verify-seconds': '0', ...TARGET, ...values })
  const result = await inRunner(() =>
    runCreate(emulatorClient(emulator, token, dispatcher, client), inputs).then(
      () => undefined,
      (error: unknown) => error as Error
    )
  )
  return { ...result, error: result.value }
}
const failCreates = () =>
  emulator.addFault({
    method: 'POST',
    path: '/service_accounts',
    kind: 'status',
    status: 503,
    times: Infinity,
    body: '{"error": "busy"}',
    headers: { 'content-type': 'application/json' }
  })

describe('trouble on the way to a create', () => {
  test('none: no notice of trouble', async () => {
    const result = await create({ name: 'pins-smooth' })
    expect(result.error).toBeUndefined()
    expect(result.stdout).not.toContain('succeeded after trouble')
    expect(result.stdout).not.toContain('::notice')
  })

  test('a create that fails after retries warns of each retry, with no notice of success', async () => {
    failCreates()
    const result = await create({ name: 'pins-failing' }, { maxAttempts: 3 })
    expect(result.error).toBeDefined()
    expect(result.warnings.length).toBeGreaterThan(0)
    expect(result.stdout).not.toContain('succeeded after trouble')
  })
})

describe('the summary says whether the token was checked', () => {
  test.each([
    ['0', 'no (<code>verify-seconds: 0</code>)'],
    ['2', 'yes: the platform accepts it']
  ])('verify-seconds %s: %s', async (seconds, said) => {
    const result = await create({ name: `pins-verify-${seconds}`, 'verify-seconds': seconds })
    expect(result.error).toBeUndefined()
    expect(result.summary).toContain(said)
  })
})
