// judgeByRuns and notAskedLine (src/operations/finished-runs.ts) with GitHub's side played by
// a scripted asker: which run attempts are asked when there are too many, and which reason's
// advice the single warning carries. The reasons' order and advice are module-level tables, so
// judge() loads the module anew in each test (fresh-import.ts).
import { describe, expect, test } from '@jest/globals'
import { MAX_ASKED, notAskedLine, type AttemptAnswer, type RunAttempt } from '../src/operations/finished-runs.js'
import { generatedName, randomNamePart } from '../src/platform/names.js'
import type { ServiceAccount } from '../src/platform/types.js'
import { freshImport } from './helpers/fresh-import.js'

const REPOSITORY = { repository: 'octo-org/octo-repo', repositoryId: '77' }
const CURRENT = { runId: '999999', attempt: '1' }

function account(runId: string, createdAt: string): ServiceAccount {
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
    current: CURRENT,
    ageInput: 'older-than',
    openAsker: () => Promise.resolve(run => Promise.resolve(answer(run)))
  })
}

describe('too many run attempts to ask about', () => {
  test('the oldest accounts are asked about first, the newest wait, whatever order the platform lists them in', async () => {
    // Listed newest first: run 1 is the newest, run MAX_ASKED + 1 the oldest.
    const count = MAX_ASKED + 1
    const accounts = Array.from({ length: count }, (_, i) =>
      account(String(i + 1), new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString())
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
      const accounts = [...reasons].reverse().map((_, i) => account(String(i + 1), `2026-01-01T00:0${i}:00Z`))
      const judgement = await judge(accounts, run => {
        const r = [...reasons].reverse()[Number(run.runId) - 1]
        return { unknown: r, detail: `detail of ${r}` }
      })
      expect(judgement.warning).toContain(`: detail of ${reason}`)
      expect(judgement.warning).toMatch(new RegExp(`^GitHub could not tell whether ${reasons.length} earlier`))
    }
  )

  test('forbidden advises the permissions the workflow needs', async () => {
    const judgement = await judge([account('1', '2026-01-01T00:00:00Z')], () => ({
      unknown: 'forbidden',
      detail: 'no'
    }))
    expect(judgement.warning).toMatch(
      /: no; add `permissions: actions: read` \(with `contents: read`\) to the workflow\/job$/
    )
  })

  test('unauthorized advises checking github-token', async () => {
    const judgement = await judge([account('1', '2026-01-01T00:00:00Z')], () => ({
      unknown: 'unauthorized',
      detail: 'no'
    }))
    expect(judgement.warning).toMatch(
      /: no; check github-token \(its default is the job token, `\$\{\{ github\.token \}\}`\)$/
    )
  })

  test('other reasons carry no advice', async () => {
    const judgement = await judge([account('1', '2026-01-01T00:00:00Z')], () => ({ unknown: 'server', detail: 'no' }))
    expect(judgement.warning).toMatch(/: no$/)
  })
})

test('notAskedLine says nothing when every run attempt was asked about', () => {
  expect(notAskedLine({ finished: [], active: [], unknown: [], notAsked: [] })).toBeUndefined()
})
