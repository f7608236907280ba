import type { PruneInputs } from '../inputs.js'
import { prune } from '../operations/prune.js'
import { failureLines } from '../operations/removal.js'
import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { askingGitHub, reportJudgement } from './finished-runs.js'
import { reportRemoved } from './removed.js'

/** operation: prune. Removes (or with dry-run names) the caller's stale accounts of a prefix. */
export async function pruneStale(client: PlatformClient, inputs: PruneInputs): Promise<void> {
  const run = runner.runIdentity()
  const result = await prune(client, {
    namePrefix: inputs.namePrefix,
    olderThanMs: inputs.olderThanMs,
    dryRun: inputs.dryRun,
    finishedRuns: askingGitHub(inputs, run, () => client.timeLeftMs())
  })
  const verb = inputs.dryRun ? 'Would remove' : 'Removed'
  const byRuns = await reportJudgement(result.judgement, result, run.repository, verb)
  const byAge = result.removed.filter(account => !byRuns.has(account))
  for (const account of byAge) runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`)
  runner.info(`${verb} ${result.removed.length} stale service account(s) starting with "${inputs.namePrefix}"`)
  const problems = result.failed.length
    ? [`Could not remove ${result.failed.length} account(s): ${failureLines(result.failed).join('; ')}`]
    : []
  // The table says "None." only when no account of a finished run went either.
  const oversized = await reportRemoved(`${verb} stale Apolo service accounts`, result.removed, !byRuns.size, byAge)
  if (oversized) problems.push(`${verb} ${result.removed.length} accounts (each named above), but ${oversized}`)
  if (problems.length) throw new Error(problems.join('. '))
}
