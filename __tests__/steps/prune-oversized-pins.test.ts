// A prune whose `removed` output would be over 1 MB (src/steps/prune.ts): the step names every
// account in the log, fails saying the output is not set, and its summary says where the rest are.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { pruneStale } from '../../src/steps/prune.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

test('a dry-run prune naming over 1 MB of accounts: the summary says they are not in the removed output', async () => {
  const user = 'oversized-prune'
  const token = emulator.issueToken(user)
  const count = 3_000
  for (let i = 0; i < count; i++)
    emulator.seedAccount(user, {
      name: `big-${String(i).padStart(5, '0')}-${'x'.repeat(300)}`,
      created_at: '2020-01-01T00:00:00+00:00'
    })
  const inputs = {
    ...createInputs({ 'api-url': emulator.url, token }),
    operation: 'prune' as const,
    namePrefix: 'big-',
    olderThanMs: 3_600_000,
    olderThan: '1h',
    dryRun: true
  }
  const client = emulatorClient(emulator, token, dispatcher, { maxAttempts: 1, timeoutMs: 20_000 })
  const result = await inRunner(() =>
    pruneStale(client, inputs).then(
      () => undefined,
      (error: unknown) => error as Error
    )
  )
  expect(result.value?.message).toMatch(
    /^Would remove 3000 accounts \(each named above\), but the removed output would be/
  )
  expect('removed' in result.outputs).toBe(false)
  expect(result.summary).toMatch(
    /… and \d+ more \(nor in the removed output: it would be over 1 MB, so it is not set\)/
  )
})
