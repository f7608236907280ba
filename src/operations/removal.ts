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

/**
 * Removes accounts, `concurrency` at a time, going on past failures so one bad account
 * blocks none; reported in the accounts' order.
 */
export async function removeEach(
  client: PlatformClient,
  accounts: ServiceAccount[],
  concurrency = 1
): Promise<RemovalResult> {
  /** Each account's outcome: removed, gone already, or why it was not removed. */
  const outcomes: { removed: boolean; reason?: string }[] = []
  // One iterator for all the workers: each account is taken by exactly one of them.
  const queue = accounts.entries()
  const worker = async () => {
    for (const [i, account] of queue) {
      try {
        await client.rm(account.id)
        outcomes[i] = { removed: true }
      } catch (error) {
        // Gone in the meantime, e.g. removed by its own run's post step: the goal is met.
        outcomes[i] = { removed: false, reason: isNotFound(error) ? undefined : errorMessage(error) }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, accounts.length) }, worker))
  const result: RemovalResult = { removed: [], failed: [] }
  accounts.forEach((account, i) => {
    const { removed, reason } = outcomes[i]
    if (removed) result.removed.push(account)
    else if (reason !== undefined) result.failed.push({ account, reason })
  })
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
