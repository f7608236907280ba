// What the prune step (src/steps/prune.ts) logs and reports, in this process, with the emulator
// as the platform and as GitHub (GITHUB_API_URL): when GitHub decides, and when the `removed`
// output would be over 1 MB (every account named in the log, the step failed, the summary says
// where the rest are).
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { pruneStale } from '../../src/steps/prune.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

const REPOSITORY = 'octo-org/octo-repo'
const DAY = 24 * 3_600_000
let users = 0

function owner() {
  const user = `prune-step-${++users}`
  const token = emulator.issueToken(user)
  const leftover = (runId: string, ageMs: number) =>
    emulator.seedAccount(user, {
      name: generatedName(
        { repository: REPOSITORY, repositoryId: '', runId, runAttempt: '1', job: 'build' },
        randomNamePart()
      ),
      created_at: new Date(Date.now() - ageMs).toISOString()
    })
  const inputs = {
    ...createInputs({ 'api-url': emulator.url, token }),
    operation: 'prune' as const,
    namePrefix: 'gha-',
    olderThanMs: DAY,
    olderThan: '24h',
    dryRun: true,
    sweepFinishedRuns: true,
    githubToken: emulator.github.token
  }
  const client = emulatorClient(emulator, token, dispatcher, { maxAttempts: 1, timeoutMs: 20_000 })
  const env = { GITHUB_API_URL: emulator.githubUrl, GITHUB_SERVER_URL: 'https://github.example.com' }
  return { leftover, run: () => inRunner(() => pruneStale(client, inputs), { env }) }
}

test('accounts of finished runs alone: named, with no "nothing to remove" line', async () => {
  const { leftover, run } = owner()
  const done = leftover('410', 60_000)
  emulator.github.setRun(REPOSITORY, 410, 1, 'completed')
  const result = await run()
  expect(result.stdout).toContain(`Would remove ${done.name} (${done.id})`)
  expect(result.stdout).not.toContain('nothing to remove')
})

test('old accounts whose runs are still going are counted apart from the newer ones kept', async () => {
  const { leftover, run } = owner()
  const going = leftover('420', 2 * DAY)
  leftover('421', 60_000)
  emulator.github.setRun(REPOSITORY, 420, 1, 'in_progress')
  emulator.github.setRun(REPOSITORY, 421, 1, 'in_progress')
  const result = await run()
  expect(result.stdout).toContain(
    'Kept 1 newer service account(s) starting with "gha-" and 1 older whose runs are still going'
  )
  expect(emulator.account(going.id)).toBeDefined()
})

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
