import type { PlatformClient } from '../platform/client.js'
import { createdBy, removeEach, type RemovalResult } from './removal.js'

export interface PruneOptions {
  namePrefix: string
  olderThanMs: number
  dryRun: boolean
  now?: number
}

export interface PruneResult extends RemovalResult {
  /** Accounts whose name starts with the prefix that are not old enough to go. */
  kept: number
}

/** The caller's accounts whose name starts with the prefix and that are older than the limit go. */
export async function prune(client: PlatformClient, options: PruneOptions): Promise<PruneResult> {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  const matching = (await client.list()).filter(account => account.name?.startsWith(options.namePrefix))
  const stale = matching.filter(account => createdBy(account, cutoff))
  const kept = matching.length - stale.length
  if (options.dryRun) return { removed: stale, failed: [], kept }
  return { ...(await removeEach(client, stale)), kept }
}
