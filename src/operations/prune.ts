import type { PlatformClient } from '../platform/client.js'
import type { ServiceAccount } from '../platform/types.js'
import { createdBy, removeEach, type RemovalResult } from './removal.js'

export interface PruneOptions {
  namePrefix: string
  olderThanMs: number
  dryRun: boolean
  now?: number
}

/** The caller's accounts whose name starts with the prefix and that are older than the limit. */
function staleAccounts(accounts: ServiceAccount[], options: PruneOptions): ServiceAccount[] {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => account.name?.startsWith(options.namePrefix) && createdBy(account, cutoff))
}

export async function prune(client: PlatformClient, options: PruneOptions): Promise<RemovalResult> {
  const stale = staleAccounts(await client.list(), options)
  if (options.dryRun) return { removed: stale, failed: [] }
  return removeEach(client, stale)
}
