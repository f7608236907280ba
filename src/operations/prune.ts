import type { PlatformClient } from '../platform/client.js'
import { PlatformError } from '../platform/errors.js'
import type { ServiceAccount } from '../platform/types.js'
import { parseCreatedAt } from './create.js'

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
      if (error instanceof PlatformError && error.status === 404) continue
      result.failed.push({ account, reason: error instanceof Error ? error.message : String(error) })
    }
  }
  return result
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `30m`, `6h`, `7d`, `2w` as milliseconds; undefined when not of that form. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)([smhdw])$/.exec(value)
  return match ? Number(match[1]) * UNITS[match[2]] : undefined
}
