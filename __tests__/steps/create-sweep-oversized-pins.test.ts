// A create's sweep whose `removed` output would be over 1 MB (src/steps/create.ts): a warning
// says so, the create goes on, and the summary says the rest are not in the output either.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { runCreate } from '../../src/steps/create.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

test('a sweep of over 1 MB of leftovers warns that the removed output is not set, and its summary says so', async () => {
  const count = 7_000
  for (let i = 0; i < count; i++) {
    emulator.seedAccount('alice', {
      name: generatedName(
        {
          repository: 'octo-org/octo-repo',
          repositoryId: '',
          runId: String(900_000 + i),
          runAttempt: '1',
          job: 'build'
        },
        randomNamePart()
      ),
      created_at: '2020-01-01T00:00:00+00:00'
    })
  }
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    name: 'sweep-oversized',
    'verify-seconds': '0',
    'sweep-older-than': '6h'
  })
  const client = emulatorClient(emulator, token, dispatcher, { maxAttempts: 1, timeoutMs: 20_000 })
  const result = await inRunner(() => runCreate(client, inputs).catch((error: Error) => error))
  expect(result.value).toBeUndefined()
  expect('removed' in result.outputs).toBe(false)
  expect(result.warnings).toEqual([
    expect.stringMatching(/^Swept 7000 accounts, but the removed output would be [\d.]+ MB, over the 1 MB/)
  ])
  expect(result.summary).toMatch(
    /… and \d+ more \(nor in the removed output: it would be over 1 MB, so it is not set\)/
  )
}, 60_000)
