// What the create step says of its sweep of earlier runs' leftovers (src/steps/create.ts,
// sweepLeftovers): the log, the warning for what stayed, the `removed` output and the summary.
import { expect, test } from '@jest/globals'
import { Agent } from 'undici'
import type { PlatformClientOptions } from '../../src/platform/client.js'
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

const OLD = '2020-01-01T00:00:00+00:00'
/** An account an earlier run of this repository made and never removed. */
const leftover = (runId: string) =>
  emulator.seedAccount('alice', {
    name: generatedName(
      { repository: 'octo-org/octo-repo', repositoryId: '', runId, runAttempt: '1', job: 'build' },
      randomNamePart()
    ),
    created_at: OLD
  })

async function createSweeping(name: string, options: Partial<PlatformClientOptions> = {}) {
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    name,
    'verify-seconds': '0',
    'sweep-older-than': '6h'
  })
  // One attempt each, so that a refused removal fails at once.
  const client = emulatorClient(emulator, token, dispatcher, { maxAttempts: 1, ...options })
  const result = await inRunner(() => runCreate(client, inputs).catch((error: Error) => error))
  return { ...result, error: result.value, lines: result.stdout.split(/\r?\n/) }
}

const SUMMARY_HEADING = "Swept earlier runs' leftover Apolo service accounts"

test('each leftover swept is named in the log and the summary, and nothing is warned of', async () => {
  const swept = [leftover('2001'), leftover('2002')]
  const result = await createSweeping('sweep-named')
  expect(result.error).toBeUndefined()
  for (const account of swept) {
    expect(result.lines).toContain(
      `Swept ${account.name} (${account.id}, created ${account.created_at}), left by an earlier run`
    )
    expect(result.summary).toContain(account.id)
  }
  expect(result.summary).toContain(SUMMARY_HEADING)
  expect(result.warnings).toEqual([])
  expect(JSON.parse(result.outputs.removed)).toHaveLength(2)
})

test('leftovers whose removal is refused are each named in one warning', async () => {
  const refused = [leftover('2003'), leftover('2004')]
  for (const account of refused)
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${account.id}`, kind: 'status', status: 403 })
  const result = await createSweeping('sweep-refused')
  expect(result.error).toBeUndefined()
  expect(result.warnings).toHaveLength(1)
  expect(result.warnings[0]).toMatch(
    new RegExp(`^Could not sweep 2 account\\(s\\): ${refused[0].id}: [^;]*HTTP 403[^;]*; ${refused[1].id}: .*HTTP 403`)
  )
  for (const account of refused) expect(emulator.account(account.id)).toBeDefined()
  expect(result.summary).not.toContain(SUMMARY_HEADING)
  // Gone before the next test sweeps.
  for (const account of refused) await emulatorClient(emulator, token, dispatcher).rm(account.id)
})

test('with nothing to sweep, the output says so and the summary holds no sweep', async () => {
  const result = await createSweeping('sweep-nothing')
  expect(result.error).toBeUndefined()
  expect(result.outputs.removed).toBe('[]')
  expect(result.summary).not.toContain(SUMMARY_HEADING)
  expect(result.warnings).toEqual([])
})

test('the sweep runs on connections of its own, closed when it is done', async () => {
  const opened: { connections: number; agent: Agent }[] = []
  const swept = leftover('2005')
  const result = await createSweeping('sweep-own-connections', {
    openDispatcher: connections => {
      const agent = new Agent({ connections })
      opened.push({ connections, agent })
      return Promise.resolve(agent)
    }
  })
  expect(result.error).toBeUndefined()
  expect(emulator.account(swept.id)).toBeUndefined()
  expect(opened.map(({ connections, agent }) => ({ connections, closed: agent.closed }))).toEqual([
    { connections: 4, closed: true }
  ])
})

test('a sweep that cannot open its connections is a warning; the create goes on', async () => {
  const stays = leftover('2006')
  const result = await createSweeping('sweep-no-connections', { openDispatcher: undefined })
  expect(result.error).toBeUndefined()
  expect(result.outputs.id).toBeDefined()
  expect(result.warnings).toEqual([
    "Could not sweep earlier runs' leftover accounts: This client was given no way to open more connections."
  ])
  expect(emulator.account(stays.id)).toBeDefined()
  await emulatorClient(emulator, token, dispatcher).rm(stays.id)
})

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
