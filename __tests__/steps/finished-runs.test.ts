// What the create and prune steps say of a sweep of finished runs (src/steps/finished-runs.ts):
// one warning when GitHub could not tell, the log, the summary's links and the `removed` output,
// with the emulator as the platform and as GitHub (GITHUB_API_URL), in this process.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { type Leftover, MAX_ASKED } from '../../src/operations/finished-runs.js'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import type { ServiceAccount } from '../../src/platform/types.js'
import { runCreate } from '../../src/steps/create.js'
import { askingGitHub, reportJudgement } from '../../src/steps/finished-runs.js'
import { pruneStale } from '../../src/steps/prune.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

const REPOSITORY = 'octo-org/octo-repo'
const MINUTE = 60_000
let users = 0

/** A user of its own per test, with accounts left by runs of this repository (the in-process runner's). */
function owner() {
  const user = `user${++users}`
  const token = emulator.issueToken(user)
  const leftover = (runId: string, attempt: string, ageMs: number) =>
    emulator.seedAccount(user, {
      name: generatedName(
        { repository: REPOSITORY, repositoryId: '', runId, runAttempt: attempt, job: 'build' },
        randomNamePart()
      ),
      created_at: new Date(Date.now() - ageMs).toISOString()
    })
  return { token, leftover, client: emulatorClient(emulator, token, dispatcher, { maxAttempts: 1, timeoutMs: 20_000 }) }
}

const env = () => ({ GITHUB_API_URL: emulator.githubUrl, GITHUB_SERVER_URL: 'https://github.example.com' })

async function create(token: string, client: ReturnType<typeof owner>['client'], values: Record<string, string> = {}) {
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    name: `created-${users}`,
    'verify-seconds': '0',
    'sweep-finished-runs': 'true',
    'github-token': emulator.github.token,
    ...values
  })
  const result = await inRunner(() => runCreate(client, inputs), { env: env() })
  return { ...result, lines: result.stdout.split(/\r?\n/) }
}

test('a finished run: swept with its link, listed once, in the removed output; nothing warned of', async () => {
  const { token, leftover, client } = owner()
  const done = leftover('100', '1', 5 * MINUTE)
  emulator.github.setRun(REPOSITORY, 100, 1, 'completed')
  const result = await create(token, client)
  expect([result.failed, result.warnings]).toEqual([false, []])
  expect(result.lines).toContain(`Swept ${done.name} (${done.id}): its run 100, attempt 1 has finished`)
  expect(result.lines.filter(line => line.includes(done.id))).toHaveLength(1)
  expect(result.summary).toContain('### Swept Apolo service accounts of finished runs (1)')
  expect(result.summary).toContain(
    '<a href="https://github.example.com/octo-org/octo-repo/actions/runs/100/attempts/1">run 100, attempt 1</a>'
  )
  expect(result.summary).not.toContain("Swept earlier runs' leftover")
  expect(JSON.parse(result.outputs.removed)).toEqual([{ id: done.id, name: done.name, created_at: done.created_at }])
})

test('GitHub could not tell: one warning for the step, the kept accounts in the summary, and the age rule still applies', async () => {
  const { token, leftover, client } = owner()
  const old = leftover('200', '1', 2 * 24 * 60 * MINUTE)
  const young = leftover('201', '1', 5 * MINUTE)
  emulator.github.actionsRead = false
  try {
    const result = await create(token, client, { 'sweep-older-than': '6h' })
    expect(result.failed).toBe(false)
    expect(result.warnings).toEqual([
      'GitHub could not tell whether 2 earlier run attempt(s) have finished, so their accounts are kept unless ' +
        'sweep-older-than says they are old: GitHub answered 403: the token may not read Actions runs; ' +
        'add `permissions: actions: read` (with `contents: read`) to the workflow/job'
    ])
    expect(result.lines).toContain(`Swept ${old.name} (${old.id}, created ${old.created_at}), left by an earlier run`)
    expect(result.summary).toContain(
      '### Kept Apolo service accounts: GitHub could not tell whether their runs have finished (1)'
    )
    expect(result.summary).toContain(`<code>${young.id}</code>`)
    expect(result.summary).toContain("### Swept earlier runs' leftover Apolo service accounts (1)")
  } finally {
    emulator.github.actionsRead = true
  }
})

test('past the limit, the rest wait for a later run, and the log says so', async () => {
  const { token, leftover, client } = owner()
  for (let run = 1; run <= MAX_ASKED + 1; run++) leftover(String(3000 + run), '1', (200 - run) * MINUTE)
  const result = await create(token, client)
  expect(result.lines).toContain(
    `1 more run attempt(s) (1 account(s)) wait for a later run: at most ${MAX_ASKED} are asked about per step`
  )
  expect(result.warnings).toEqual([expect.stringMatching(/^GitHub could not tell whether 50 earlier/)])
})

test.each([
  ['true', 'Would remove'],
  ['false', 'Removed']
])('prune with dry-run %s: %s the accounts of finished runs, with their links', async (dryRun, verb) => {
  const { token, leftover, client } = owner()
  const done = leftover('400', '1', MINUTE)
  emulator.github.setRun(REPOSITORY, 400, 1, 'completed')
  const inputs = {
    ...createInputs({ 'api-url': emulator.url, token }),
    operation: 'prune' as const,
    namePrefix: 'gha-',
    olderThanMs: 24 * 60 * MINUTE,
    olderThan: '24h',
    dryRun: dryRun === 'true',
    sweepFinishedRuns: true,
    githubToken: emulator.github.token
  }
  const result = await inRunner(() => pruneStale(client, inputs), { env: env() })
  expect(result.stdout).toContain(`${verb} ${done.name} (${done.id}): its run 400, attempt 1 has finished`)
  expect(result.summary).toContain(`### ${verb} Apolo service accounts of finished runs (1)`)
  expect(result.summary).not.toContain('stale Apolo service accounts')
  expect(JSON.parse(result.outputs.removed)).toHaveLength(1)
  expect(emulator.account(done.id) === undefined).toBe(dryRun === 'false')
})

test('prune with nothing to remove still says None.', async () => {
  const { token, client } = owner()
  const inputs = {
    ...createInputs({ 'api-url': emulator.url, token }),
    operation: 'prune' as const,
    namePrefix: 'gha-',
    olderThanMs: 24 * 60 * MINUTE,
    olderThan: '24h',
    dryRun: false,
    sweepFinishedRuns: true,
    githubToken: emulator.github.token
  }
  const result = await inRunner(() => pruneStale(client, inputs), { env: env() })
  expect(result.summary).toBe(
    '### Removed stale Apolo service accounts\n\nNames starting with <code>gha-</code>, created over 24h ago. ' +
      'Kept, being newer: 0.\n\nNone is that old.\n\n'
  )
  expect(result.stdout).toContain('No service account starting with "gha-" created over 24h ago: nothing to remove')
  expect(result.stdout).not.toContain('Removed 0')
  expect(emulator.github.requests).toEqual([])
})

test('the option off asks nothing; outside a run, the current attempt is named as generatedName names it', () => {
  const settings = { sweepFinishedRuns: true, githubToken: 'ghs_x', timeoutMs: 1_000, maxAttempts: 1 }
  const run = { repository: 'local', repositoryId: '', runId: '', runAttempt: '', job: '' }
  expect(askingGitHub({ ...settings, sweepFinishedRuns: false }, run, () => 0)).toBeUndefined()
  expect(askingGitHub(settings, run, () => 0)).toMatchObject({ repository: run, current: { runId: '0', attempt: '1' } })
  const inRun = { ...run, runId: '7', runAttempt: '3' }
  expect(askingGitHub(settings, inRun, () => 0)).toMatchObject({ current: { runId: '7', attempt: '3' } })
})

test("GitHub gets half the sweep's time left: with none left, nothing is sent", async () => {
  const settings = { sweepFinishedRuns: true, githubToken: emulator.github.token, timeoutMs: 1_000, maxAttempts: 1 }
  const run = { repository: REPOSITORY, repositoryId: '', runId: '9', runAttempt: '1', job: 'build' }
  const ask = async (timeLeftMs: number) => {
    const result = await inRunner(
      async () => (await askingGitHub(settings, run, () => timeLeftMs)!.openAsker())({ runId: '1', attempt: '1' }),
      {
        env: env()
      }
    )
    return result.value
  }
  expect(await ask(1)).toEqual({ unknown: 'budget', detail: "the step's time for GitHub ran out" })
  expect(emulator.github.requests).toEqual([])
  expect(await ask(20_000)).toMatchObject({ unknown: 'not-found' })
  expect(emulator.github.requests).toHaveLength(1)
})

test("GitHub's request ends when half the sweep's time left is spent, not later", async () => {
  emulator.github.faults.add({ kind: 'hang', times: 1 })
  const settings = { sweepFinishedRuns: true, githubToken: emulator.github.token, timeoutMs: 10_000, maxAttempts: 1 }
  const run = { repository: REPOSITORY, repositoryId: '', runId: '9', runAttempt: '1', job: 'build' }
  const result = await inRunner(
    async () => {
      const ask = await askingGitHub(settings, run, () => 1_000)!.openAsker()
      const started = Date.now()
      const answer = await ask({ runId: '1', attempt: '1' })
      return { answer, ms: Date.now() - started }
    },
    { env: env() }
  )
  expect(result.value!.answer).toHaveProperty('unknown')
  expect(result.value!.ms).toBeGreaterThanOrEqual(400)
  expect(result.value!.ms).toBeLessThan(1_250)
})

function leftoverOf(runId: string): Leftover {
  const account: ServiceAccount = {
    id: `service-account-${runId}`,
    name: `gha-run-${runId}`,
    role: 'r',
    owner: 'alice',
    default_cluster: 'default',
    default_project: 'p',
    created_at: '2026-01-01T00:00:00Z'
  }
  return { account, run: { runId, attempt: '1' } }
}

test('an account of a finished run that could not be removed is not told as swept', async () => {
  const gone = leftoverOf('100')
  const stuck = leftoverOf('200')
  const judgement = { finished: [gone, stuck], active: [], unknown: [], notAsked: [] }
  const result = await inRunner(
    () =>
      reportJudgement(
        judgement,
        { removed: [gone.account], failed: [{ account: stuck.account, reason: 'no' }] },
        'octo-org/octo-repo',
        'Swept'
      ),
    { env: { GITHUB_SERVER_URL: 'https://github.example.com' } }
  )
  expect([...result.value!]).toEqual([gone.account])
  expect(result.stdout).toContain('Swept gha-run-100 (service-account-100): its run 100, attempt 1 has finished')
  expect(result.stdout).not.toContain('gha-run-200')
  expect(result.summary).toContain('finished runs (1)')
  expect(result.summary).not.toContain('gha-run-200')
})
