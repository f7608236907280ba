// The sweep of finished runs (src/operations/finished-runs.ts, sweep.ts, prune.ts) against the
// emulator as platform and GitHub: what each GitHub answer does to a leftover, and a property
// that no account of a running attempt, of the current attempt or of another repository goes.
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import type { Agent } from 'undici'
import type { RunsClientOptions } from '../src/github/runs.js'
import {
  CONCURRENCY,
  judgeByRuns,
  MAX_ASKED,
  notAskedLine,
  type AttemptAnswer,
  type RunAttempt
} from '../src/operations/finished-runs.js'
import { prune } from '../src/operations/prune.js'
import { sweep } from '../src/operations/sweep.js'
import { generatedName, randomNamePart } from '../src/platform/names.js'
import type { ServiceAccount } from '../src/platform/types.js'
import { emulatorClient } from './helpers/create-step.js'
import { freshImport } from './helpers/fresh-import.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import { askingEmulator } from './helpers/runs-client.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

const REPOSITORY = { repository: 'octo-org/octo-repo', repositoryId: '77' }
const CURRENT = { runId: '500', attempt: '2' }
const MINUTE = 60_000
const HOURS_6 = 6 * 60 * MINUTE
let users = 0

/** A user of its own, so that each test sees only its own accounts. */
function owner() {
  const user = `user${++users}`
  return { user, client: emulatorClient(emulator, emulator.issueToken(user), dispatcher, { maxAttempts: 1 }) }
}

function seed(user: string, runId: string, attempt: string, ageMs: number, repository = REPOSITORY) {
  return emulator.seedAccount(user, {
    name: generatedName({ ...repository, runId, runAttempt: attempt, job: 'build' }, randomNamePart()),
    created_at: new Date(Date.now() - ageMs).toISOString()
  })
}

/** Asking the emulator's GitHub through the real client. */
const asking = (options: Partial<RunsClientOptions> = {}) =>
  askingEmulator(emulator, { repository: REPOSITORY, current: CURRENT }, options)

const ids = (accounts: { id: string }[]) => accounts.map(a => a.id).sort()

describe('what GitHub says decides', () => {
  test('completed: removed whatever its age, even 5 minutes old', async () => {
    const { user, client } = owner()
    const done = seed(user, '100', '1', 5 * MINUTE)
    emulator.github.setRun(REPOSITORY.repository, 100, 1, 'completed')
    const result = await sweep(client, {
      repository: REPOSITORY,
      runId: CURRENT.runId,
      olderThanMs: 0,
      finishedRuns: asking()
    })
    expect(ids(result.removed)).toEqual([done.id])
    expect(result.judgement?.finished.map(l => l.run)).toEqual([{ runId: '100', attempt: '1' }])
    expect(result.judgement?.warning).toBeUndefined()
  })

  test.each(['queued', 'in_progress', 'waiting', 'requested', 'pending', 'action_required'])(
    '%s: kept, even two days old and past sweep-older-than',
    async status => {
      const { user, client } = owner()
      seed(user, '101', '1', 2 * 24 * 60 * MINUTE)
      emulator.github.setRun(REPOSITORY.repository, 101, 1, status)
      const result = await sweep(client, {
        repository: REPOSITORY,
        runId: CURRENT.runId,
        olderThanMs: HOURS_6,
        finishedRuns: asking()
      })
      expect(result.removed).toEqual([])
      expect(result.judgement?.active).toHaveLength(1)
    }
  )

  const failures: [string, () => void, Partial<RunsClientOptions>, RegExp][] = [
    ['401', () => undefined, { token: 'ghs_wrong' }, /401.*check github-token/],
    [
      '403',
      () => (emulator.github.actionsRead = false),
      {},
      /403.*add `permissions: actions: read` \(with `contents: read`\) to the workflow\/job$/
    ],
    [
      '404',
      () => {
        emulator.github.setRun(REPOSITORY.repository, 102, 1, null)
        emulator.github.setRun(REPOSITORY.repository, 103, 1, null)
      },
      {},
      /404/
    ],
    [
      '5xx after retries',
      () => emulator.github.faults.add({ kind: 'status', status: 503, times: Infinity }),
      {},
      /503/
    ],
    [
      'network',
      () => emulator.github.faults.add({ kind: 'reset-before', times: Infinity }),
      {},
      /could not be reached/
    ],
    ['budget spent', () => undefined, { deadline: 0 }, /time for GitHub ran out/]
  ]

  test.each(failures)(
    '%s: kept unless sweep-older-than says it is old; one warning says why',
    async (_, setup, options, why) => {
      const { user, client } = owner()
      const old = seed(user, '102', '1', 2 * 24 * 60 * MINUTE)
      const young = seed(user, '103', '1', 5 * MINUTE)
      emulator.github.setRun(REPOSITORY.repository, 102, 1, 'completed')
      emulator.github.setRun(REPOSITORY.repository, 103, 1, 'completed')
      setup()
      try {
        const aged = await sweep(client, {
          repository: REPOSITORY,
          runId: CURRENT.runId,
          olderThanMs: HOURS_6,
          finishedRuns: asking(options)
        })
        expect(ids(aged.removed)).toEqual([old.id])
        expect(aged.judgement?.unknown.map(l => l.account.id).sort()).toEqual(ids([old, young]))
        expect(aged.judgement?.warning).toMatch(why)
        expect(aged.judgement?.warning).toMatch(
          /^GitHub could not tell whether 2 earlier run attempt\(s\) have finished/
        )
        const none = await sweep(client, {
          repository: REPOSITORY,
          runId: CURRENT.runId,
          olderThanMs: 0,
          finishedRuns: asking(options)
        })
        expect(none.removed).toEqual([])
      } finally {
        emulator.github.actionsRead = true
      }
    }
  )

  test('a client that cannot be made: nothing is asked, every leftover is unknown', async () => {
    const { user, client } = owner()
    seed(user, '104', '1', 5 * MINUTE)
    const result = await sweep(client, {
      repository: REPOSITORY,
      runId: CURRENT.runId,
      olderThanMs: 0,
      finishedRuns: asking({ apiUrl: 'http://example.com' })
    })
    expect(result.removed).toEqual([])
    expect(result.judgement?.warning).toMatch(/GITHUB_API_URL must be an https URL/)
    expect(emulator.github.requests).toEqual([])
  })
})

describe('who is asked about', () => {
  test("never the current attempt's accounts; an earlier attempt of the current run is asked about", async () => {
    const { user, client } = owner()
    seed(user, CURRENT.runId, CURRENT.attempt, 2 * 24 * 60 * MINUTE)
    const earlier = seed(user, CURRENT.runId, '1', 5 * MINUTE)
    emulator.github.setRun(REPOSITORY.repository, 500, 2, 'completed')
    emulator.github.setRun(REPOSITORY.repository, 500, 1, 'completed')
    const result = await sweep(client, {
      repository: REPOSITORY,
      runId: CURRENT.runId,
      olderThanMs: HOURS_6,
      finishedRuns: asking()
    })
    expect(ids(result.removed)).toEqual([earlier.id])
    expect(emulator.github.requests.map(r => r.path)).toEqual(['/repos/octo-org/octo-repo/actions/runs/500/attempts/1'])
  })

  test('one request per distinct run attempt, none for another repository or a name not generated', async () => {
    const { user, client } = owner()
    seed(user, '200', '1', MINUTE)
    seed(user, '200', '1', MINUTE)
    seed(user, '200', '2', MINUTE)
    seed(user, '201', '1', MINUTE, { repository: 'octo-org/octo-repo', repositoryId: '78' })
    emulator.seedAccount(user, { name: 'gha-octo-repo-by-hand' })
    await sweep(client, { repository: REPOSITORY, runId: CURRENT.runId, olderThanMs: 0, finishedRuns: asking() })
    expect(emulator.github.requests.map(r => r.path).sort()).toEqual([
      '/repos/octo-org/octo-repo/actions/runs/200/attempts/1',
      '/repos/octo-org/octo-repo/actions/runs/200/attempts/2'
    ])
  })

  test('no leftover: no client is made and no request sent', async () => {
    const { user, client } = owner()
    seed(user, CURRENT.runId, CURRENT.attempt, MINUTE)
    let opened = 0
    const options = asking()
    const result = await sweep(client, {
      repository: REPOSITORY,
      runId: CURRENT.runId,
      olderThanMs: 0,
      finishedRuns: { ...options, openAsker: () => (opened++, options.openAsker()) }
    })
    expect([opened, emulator.github.requests, result.removed]).toEqual([0, [], []])
  })

  test(`at most ${MAX_ASKED} run attempts per step, oldest first, ${CONCURRENCY} at a time; the rest wait`, async () => {
    const { user, client } = owner()
    for (let run = 1; run <= MAX_ASKED + 3; run++) seed(user, String(1000 + run), '1', (100 - run) * MINUTE)
    let inFlight = 0
    let peak = 0
    const options = asking()
    const result = await sweep(client, {
      repository: REPOSITORY,
      runId: CURRENT.runId,
      olderThanMs: 0,
      finishedRuns: {
        ...options,
        openAsker: async () => {
          const ask = await options.openAsker()
          return async run => {
            peak = Math.max(peak, ++inFlight)
            const answer = await ask(run)
            inFlight--
            return answer
          }
        }
      }
    })
    expect(emulator.github.requests).toHaveLength(MAX_ASKED)
    expect(peak).toBe(CONCURRENCY)
    expect(result.judgement?.notAsked.map(l => l.run.runId).sort()).toEqual(['1051', '1052', '1053'])
    expect(notAskedLine(result.judgement!)).toBe(
      `3 more run attempt(s) (3 account(s)) wait for a later run: at most ${MAX_ASKED} are asked about per step`
    )
  })
})

describe('prune with sweep-finished-runs', () => {
  test("removes finished runs' accounts at any age, keeps running ones past older-than, and the rest as before", async () => {
    const { user, client } = owner()
    const finished = seed(user, '300', '1', MINUTE)
    seed(user, '301', '1', 2 * 24 * 60 * MINUTE)
    const unknownOld = seed(user, '302', '1', 2 * 24 * 60 * MINUTE)
    seed(user, '303', '1', MINUTE)
    const byHand = emulator.seedAccount(user, {
      name: 'gha-octo-repo-by-hand',
      created_at: '2020-01-01T00:00:00+00:00'
    })
    emulator.seedAccount(user, { name: 'other-prefix', created_at: '2020-01-01T00:00:00+00:00' })
    emulator.github.setRun(REPOSITORY.repository, 300, 1, 'completed')
    emulator.github.setRun(REPOSITORY.repository, 301, 1, 'in_progress')
    const options = { namePrefix: 'gha-octo-repo-', olderThanMs: HOURS_6, finishedRuns: asking() }
    const dry = await prune(client, { ...options, dryRun: true })
    expect(ids(dry.removed)).toEqual(ids([finished, unknownOld, byHand]))
    expect(dry.judgement?.warning).toMatch(/unless older-than says they are old: GitHub answered 404/)
    const result = await prune(client, { ...options, dryRun: false })
    expect(ids(result.removed)).toEqual(ids([finished, unknownOld, byHand]))
  })

  test('without it, prune asks GitHub nothing', async () => {
    const { user, client } = owner()
    seed(user, '310', '1', 2 * 24 * 60 * MINUTE)
    const result = await prune(client, { namePrefix: 'gha-', olderThanMs: HOURS_6, dryRun: true })
    expect([result.removed.length, result.judgement, emulator.github.requests]).toEqual([1, undefined, []])
  })
})

test('property: no account of a running attempt, of the current attempt or of another repository is removed', async () => {
  const statuses = ['completed', 'in_progress', 'queued', 'waiting', 'pending', 'requested', 'missing'] as const
  const leftover = fc.record({
    repository: fc.constantFrom(0, 1, 2),
    runId: fc.constantFrom('500', '600', '601', '602'),
    attempt: fc.constantFrom('1', '2', '3'),
    ageMinutes: fc.integer({ min: 1, max: 4 * 24 * 60 })
  })
  const repositories = [
    REPOSITORY,
    { ...REPOSITORY, repositoryId: '78' },
    { repository: 'octo-org/other', repositoryId: '79' }
  ]
  await fc.assert(
    fc.asyncProperty(
      fc.array(leftover, { maxLength: 8 }),
      fc.dictionary(
        fc.constantFrom('600/1', '600/2', '601/1', '602/3', '500/1', '500/2'),
        fc.constantFrom(...statuses)
      ),
      fc.constantFrom(0, HOURS_6),
      async (accounts, runStatuses, olderThanMs) => {
        emulator.github.reset()
        const { user, client } = owner()
        for (const [key, status] of Object.entries(runStatuses)) {
          const [runId, attempt] = key.split('/')
          if (status !== 'missing') emulator.github.setRun(REPOSITORY.repository, runId, attempt, status)
        }
        const seeded = accounts.map(a => ({
          ...a,
          account: seed(user, a.runId, a.attempt, a.ageMinutes * MINUTE, repositories[a.repository])
        }))
        const result = await sweep(client, {
          repository: REPOSITORY,
          runId: CURRENT.runId,
          olderThanMs,
          finishedRuns: asking()
        })
        const removed = new Set(result.removed.map(a => a.id))
        for (const a of seeded) {
          const status = runStatuses[`${a.runId}/${a.attempt}`] ?? 'missing'
          const ours = a.repository === 0
          const current = a.runId === CURRENT.runId && a.attempt === CURRENT.attempt
          const mustStay = !ours || current || (status !== 'completed' && status !== 'missing')
          const mustGo = ours && !current && status === 'completed'
          if (mustStay) expect([a, removed.has(a.account.id)]).toEqual([a, false])
          if (mustGo) expect([a, removed.has(a.account.id)]).toEqual([a, true])
        }
      }
    ),
    { seed: 26, numRuns: 40 }
  )
})

test.each([
  ['forbidden', '; add `permissions: actions: read` (with `contents: read`) to the workflow/job'],
  ['unauthorized', '; check github-token (its default is the job token, `${{ github.token }}`)'],
  ['setup', ''],
  ['budget', ''],
  ['server', ''],
  ['network', ''],
  ['not-found', ''],
  ['unreadable', '']
])('of mixed reasons, the warning gives the one that applies to every request first: %s', async (first, advice) => {
  // From least to most general: each reason named only with those after it in REASON_ORDER.
  const order = ['forbidden', 'unauthorized', 'setup', 'budget', 'server', 'network', 'not-found', 'unreadable']
  const reasons = order.slice(order.indexOf(first)).reverse()
  const accounts = reasons.map((_, i) => ({
    id: `service-account-${i}`,
    name: generatedName({ ...REPOSITORY, runId: String(700 + i), runAttempt: '1', job: 'build' }, randomNamePart()),
    role: 'alice/service-accounts/x',
    owner: 'alice',
    default_cluster: 'default',
    default_project: 'p',
    default_org: null,
    created_at: '2026-01-01T00:00:00+00:00',
    role_deleted: false
  }))
  const judgement = await judgeByRuns(accounts, {
    repository: REPOSITORY,
    current: CURRENT,
    ageInput: 'older-than',
    openAsker: () =>
      Promise.resolve(run => {
        const reason = reasons[Number(run.runId) - 700]
        return Promise.resolve({ unknown: reason, detail: `detail of ${reason}` })
      })
  })
  expect(judgement.warning).toBe(
    `GitHub could not tell whether ${reasons.length} earlier run attempt(s) have finished, so their accounts are kept ` +
      `unless older-than says they are old: detail of ${first}${advice}`
  )
})

// GitHub's side played by a scripted asker. The reasons' order and advice are module-level
// tables, so judge() loads the module anew in each test (fresh-import.ts).
describe('judgeByRuns with a scripted asker', () => {
  function accountOf(runId: string, createdAt: string): ServiceAccount {
    return {
      id: `service-account-${runId}`,
      name: generatedName({ ...REPOSITORY, runId, runAttempt: '1', job: 'build' }, randomNamePart()),
      role: 'r',
      owner: 'alice',
      default_cluster: 'default',
      default_project: 'p',
      created_at: createdAt
    }
  }

  async function judge(accounts: ServiceAccount[], answer: (run: RunAttempt) => AttemptAnswer) {
    const { judgeByRuns } = await freshImport(() => import('../src/operations/finished-runs.js'))
    return judgeByRuns(accounts, {
      repository: REPOSITORY,
      current: { runId: '999999', attempt: '1' },
      ageInput: 'older-than',
      openAsker: () => Promise.resolve(run => Promise.resolve(answer(run)))
    })
  }

  describe('too many run attempts to ask about', () => {
    test('the oldest accounts are asked about first, the newest wait, whatever order the platform lists them in', async () => {
      // Listed newest first: run 1 is the newest, run MAX_ASKED + 1 the oldest.
      const count = MAX_ASKED + 1
      const accounts = Array.from({ length: count }, (_, i) =>
        accountOf(String(i + 1), new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString())
      )
      const asked: string[] = []
      const judgement = await judge(accounts, run => {
        asked.push(run.runId)
        return { status: 'completed' }
      })
      expect(asked).toHaveLength(MAX_ASKED)
      expect(asked).not.toContain('1')
      expect(asked[0]).toBe(String(count))
      expect(judgement.notAsked.map(leftover => leftover.run.runId)).toEqual(['1'])
    })
  })

  describe('the warning when GitHub could not tell', () => {
    // Most general first: fixing the first fixes the ones after it.
    const ORDER = ['forbidden', 'unauthorized', 'setup', 'budget', 'server', 'network', 'not-found', 'unreadable']

    test.each(ORDER.map((reason, i) => [reason, ORDER.slice(i)] as const))(
      '%s is reported over every reason after it, even when asked last',
      async (reason, reasons) => {
        const accounts = [...reasons].reverse().map((_, i) => accountOf(String(i + 1), `2026-01-01T00:0${i}:00Z`))
        const judgement = await judge(accounts, run => {
          const r = [...reasons].reverse()[Number(run.runId) - 1]
          return { unknown: r, detail: `detail of ${r}` }
        })
        expect(judgement.warning).toContain(`: detail of ${reason}`)
        expect(judgement.warning).toMatch(new RegExp(`^GitHub could not tell whether ${reasons.length} earlier`))
      }
    )

    test('forbidden advises the permissions the workflow needs', async () => {
      const judgement = await judge([accountOf('1', '2026-01-01T00:00:00Z')], () => ({
        unknown: 'forbidden',
        detail: 'no'
      }))
      expect(judgement.warning).toMatch(
        /: no; add `permissions: actions: read` \(with `contents: read`\) to the workflow\/job$/
      )
    })

    test('unauthorized advises checking github-token', async () => {
      const judgement = await judge([accountOf('1', '2026-01-01T00:00:00Z')], () => ({
        unknown: 'unauthorized',
        detail: 'no'
      }))
      expect(judgement.warning).toMatch(
        /: no; check github-token \(its default is the job token, `\$\{\{ github\.token \}\}`\)$/
      )
    })

    test('other reasons carry no advice', async () => {
      const judgement = await judge([accountOf('1', '2026-01-01T00:00:00Z')], () => ({
        unknown: 'server',
        detail: 'no'
      }))
      expect(judgement.warning).toMatch(/: no$/)
    })
  })

  test('notAskedLine says nothing when every run attempt was asked about', () => {
    expect(notAskedLine({ finished: [], active: [], unknown: [], notAsked: [] })).toBeUndefined()
  })
})
