import { parseCreatedAt } from '../platform/answers.js'
import type { PlatformClient } from '../platform/client.js'
import { errorMessage, isNotFound } from '../platform/errors.js'
import type { ServiceAccount } from '../platform/types.js'

/** What prune and create's sweep removed, and what they could not. */
export interface RemovalResult {
  /** What was removed, or with dry-run what would be. */
  removed: ServiceAccount[]
  /** Accounts that could not be removed, with why. */
  failed: { account: ServiceAccount; reason: string }[]
}

/** Created at or before `cutoff`; an unreadable date is never taken for old. */
export function createdBy(account: ServiceAccount, cutoff: number): boolean {
  const created = parseCreatedAt(account.created_at)
  return Number.isFinite(created) && created <= cutoff
}

/** Removes accounts one by one, going on past failures so one bad account blocks none. */
export async function removeEach(client: PlatformClient, accounts: ServiceAccount[]): Promise<RemovalResult> {
  const result: RemovalResult = { removed: [], failed: [] }
  for (const account of accounts) {
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

/** Failures named in one message at most: the rest are counted, so a message stays readable. */
const FAILURES_NAMED = 10

/** The failures as `<id>: <reason>` lines, the first FAILURES_NAMED of them and `and N more`. */
export function failureLines(failed: RemovalResult['failed']): string[] {
  const lines = failed.slice(0, FAILURES_NAMED).map(({ account, reason }) => `${account.id}: ${reason}`)
  if (failed.length > FAILURES_NAMED) lines.push(`and ${failed.length - FAILURES_NAMED} more`)
  return lines
}
