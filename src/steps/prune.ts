import type { PruneInputs } from '../inputs.js'
import { prune } from '../operations/prune.js'
import { failureLines } from '../operations/removal.js'
import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { pruneSummary } from '../summary.js'
import { refusedOutput, setRemovedOutput } from './removed.js'

/** operation: prune. Removes (or with dry-run names) the caller's stale accounts of a prefix. */
export async function pruneStale(client: PlatformClient, inputs: PruneInputs): Promise<void> {
  const { namePrefix, olderThan, dryRun } = inputs
  const result = await prune(client, { namePrefix, olderThanMs: inputs.olderThanMs, dryRun })
  const verb = dryRun ? 'Would remove' : 'Removed'
  const rule = `starting with "${namePrefix}" created over ${olderThan} ago`
  if (result.removed.length) {
    // One line per account: folded, as a prune may name thousands.
    runner.group(`${verb} ${result.removed.length} service account(s) ${rule}`, () => {
      for (const account of result.removed)
        runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`)
    })
  } else runner.info(`No service account ${rule}: nothing to remove`)
  runner.info(`Kept ${result.kept} newer service account(s) starting with "${namePrefix}"`)
  const problems = result.failed.length
    ? [`Could not remove ${result.failed.length} account(s): ${failureLines(result.failed).join('; ')}`]
    : []
  const oversized = setRemovedOutput(result.removed)
  const rest = oversized ? refusedOutput('removed') : undefined
  runner.writeSummary(
    pruneSummary(
      result.removed,
      { kept: result.kept, failed: result.failed.length },
      { namePrefix, olderThan, dryRun },
      rest
    )
  )
  if (oversized) problems.push(`${verb} ${result.removed.length} accounts (each named above), but ${oversized}`)
  if (problems.length) throw new Error(problems.join('. '))
}
