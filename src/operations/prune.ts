import type { PlatformClient } from '../platform/client.js'
import { errorMessage, isNotFound } from '../platform/errors.js'
import type { ServiceAccount } from '../platform/types.js'
import { parseCreatedAt } from '../platform/answers.js'

export interface PruneOptions {
  namePrefix: string
  olderThanMs: number
  dryRun: boolean
  now?: number
}

export interface PruneResult {
  /** What was removed, or with dry-run what would be. */
  removed: ServiceAccount[]
  /** Accounts that could not be removed, with why. */
  failed: { account: ServiceAccount; reason: string }[]
}

/** The caller's accounts whose name starts with the prefix and that are older than the limit. */
export function staleAccounts(accounts: ServiceAccount[], options: PruneOptions): ServiceAccount[] {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => {
    if (!account.name?.startsWith(options.namePrefix)) return false
    const created = parseCreatedAt(account.created_at)
    // An unreadable date is never taken for old.
    return Number.isFinite(created) && created <= cutoff
  })
}

/** Removes stale accounts one by one, going on past failures so one bad account blocks none. */
export async function prune(client: PlatformClient, options: PruneOptions): Promise<PruneResult> {
  const stale = staleAccounts(await client.list(), options)
  if (options.dryRun) return { removed: stale, failed: [] }
  const result: PruneResult = { removed: [], failed: [] }
  for (const account of stale) {
    try {
      await client.rm(account.id)
      result.removed.push(account)
    } catch (error) {
      // Gone in the meantime, e.g. removed by its own run's post step: the goal is met.
      if (isNotFound(error)) continue
      result.failed.push({ account, reason: errorMessage(error) })
    }
  }
  return result
}
