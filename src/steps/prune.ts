import type { PruneInputs } from '../inputs.js'
import { prune } from '../operations/prune.js'
import { failureLines } from '../operations/removal.js'
import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { pruneSummary } from '../summary.js'
import { askingGitHub, reportJudgement } from './finished-runs.js'
import { refusedOutput, setRemovedOutput } from './removed.js'

/** operation: prune. Removes (or with dry-run names) the caller's stale accounts of a prefix. */
export async function pruneStale(client: PlatformClient, inputs: PruneInputs): Promise<void> {
  const { namePrefix, olderThan, dryRun } = inputs
  const run = runner.runIdentity()
  const result = await prune(client, {
    namePrefix,
    olderThanMs: inputs.olderThanMs,
    dryRun,
    finishedRuns: askingGitHub(inputs, run, () => client.timeLeftMs())
  })
  const verb = dryRun ? 'Would remove' : 'Removed'
  const byRuns = await reportJudgement(result.judgement, result, run.repository, verb)
  const byAge = result.removed.filter(account => !byRuns.has(account))
  const rule = `starting with "${namePrefix}" created over ${olderThan} ago`
  if (byAge.length) {
    // One line per account: folded, as a prune may name thousands.
    runner.group(`${verb} ${byAge.length} service account(s) ${rule}`, () => {
      for (const account of byAge) runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`)
    })
  } else if (!byRuns.size) runner.info(`No service account ${rule}: nothing to remove`)
  const running = result.keptRunning ? ` and ${result.keptRunning} older whose runs are still going` : ''
  runner.info(`Kept ${result.kept} newer service account(s) starting with "${namePrefix}"${running}`)
  const problems = result.failed.length
    ? [`Could not remove ${result.failed.length} account(s): ${failureLines(result.failed).join('; ')}`]
    : []
  const oversized = setRemovedOutput(result.removed)
  const rest = oversized ? refusedOutput('removed') : undefined
  // Accounts of finished runs have their own table (reportJudgement).
  if (byAge.length || !byRuns.size)
    await runner.writeSummary(
      pruneSummary(byAge, { ...result, failed: result.failed.length }, { namePrefix, olderThan, dryRun }, rest)
    )
  if (oversized) problems.push(`${verb} ${result.removed.length} accounts (each named above), but ${oversized}`)
  if (problems.length) throw new Error(problems.join('. '))
}
