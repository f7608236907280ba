import type { PruneInputs } from '../inputs.js'
import { prune } from '../operations/prune.js'
import { failureLines } from '../operations/removal.js'
import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { reportRemoved } from './removed.js'

/** operation: prune. Removes (or with dry-run names) the caller's stale accounts of a prefix. */
export async function pruneStale(client: PlatformClient, inputs: PruneInputs): Promise<void> {
  const result = await prune(client, {
    namePrefix: inputs.namePrefix,
    olderThanMs: inputs.olderThanMs,
    dryRun: inputs.dryRun
  })
  const verb = inputs.dryRun ? 'Would remove' : 'Removed'
  for (const account of result.removed)
    runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`)
  runner.info(`${verb} ${result.removed.length} stale service account(s) starting with "${inputs.namePrefix}"`)
  const problems = result.failed.length
    ? [`Could not remove ${result.failed.length} account(s): ${failureLines(result.failed).join('; ')}`]
    : []
  const oversized = reportRemoved(`${verb} stale Apolo service accounts`, result.removed, true)
  if (oversized) problems.push(`${verb} ${result.removed.length} accounts (each named above), but ${oversized}`)
  if (problems.length) throw new Error(problems.join('. '))
}
