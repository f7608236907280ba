// The run-attempt table and prune's table in the job summary (src/summary.ts): where the
// rows stop, what a long table says about the rest, and a nameless account's cell.
import { expect, test } from '@jest/globals'
import type { Leftover } from '../src/operations/finished-runs.js'
import type { ServiceAccount } from '../src/platform/types.js'
import { pruneSummary, runAttemptsSummary, SUMMARY_ROWS } from '../src/summary.js'

const links = { serverUrl: 'https://github.example.com', repository: 'octo-org/octo-repo' }

function account(i: number, name: string | null = `gha-${i}`): ServiceAccount {
  return {
    id: `service-account-${i}`,
    name,
    role: 'r',
    owner: 'alice',
    default_cluster: 'default',
    default_project: 'p',
    created_at: '2026-01-01T00:00:00Z'
  }
}

const leftovers = (count: number): Leftover[] =>
  Array.from({ length: count }, (_, i) => ({ account: account(i), run: { runId: String(100 + i), attempt: '1' } }))

const rows = (summary: string) => summary.split('\n').filter(line => line.startsWith('| <code>')).length

test('a run-attempt table shows at most SUMMARY_ROWS rows and counts the rest', () => {
  const summary = runAttemptsSummary('Swept', leftovers(SUMMARY_ROWS + 3), links)
  expect(rows(summary)).toBe(SUMMARY_ROWS)
  expect(summary).not.toContain(`gha-${SUMMARY_ROWS}<`)
  expect(summary).toContain('… and 3 more.')
})

test('a run-attempt table of exactly SUMMARY_ROWS rows says nothing about more', () => {
  const summary = runAttemptsSummary('Swept', leftovers(SUMMARY_ROWS), links)
  expect(rows(summary)).toBe(SUMMARY_ROWS)
  expect(summary).not.toContain('more')
})

test('a nameless account shows as (none) in the run-attempt table', () => {
  const summary = runAttemptsSummary('Kept', [{ account: account(1, null), run: { runId: '7', attempt: '1' } }], links)
  expect(summary).toContain('| <code>&#40;none&#41;</code> | <code>service-account-1</code> |')
})

test("prune's table past SUMMARY_ROWS points at the step's output by default", () => {
  const removed = Array.from({ length: SUMMARY_ROWS + 2 }, (_, i) => account(i))
  const summary = pruneSummary(removed, { kept: 0, failed: 0 }, { namePrefix: 'gha-', olderThan: '6h', dryRun: false })
  expect(summary).toContain("… and 2 more (the step's output has them all).")
})
