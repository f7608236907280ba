// reportJudgement (src/steps/finished-runs.ts): only what was really removed is told as gone.
import { expect, test } from '@jest/globals'
import type { Leftover } from '../../src/operations/finished-runs.js'
import type { ServiceAccount } from '../../src/platform/types.js'
import { reportJudgement } from '../../src/steps/finished-runs.js'
import { inRunner } from '../helpers/in-process.js'

function leftover(runId: string): Leftover {
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
  const gone = leftover('100')
  const stuck = leftover('200')
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
