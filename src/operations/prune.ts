import type { PlatformClient } from '../platform/client.js'
import { parseCreatedAt } from '../platform/answers.js'
import { errorMessage, isNotFound } from '../platform/errors.js'
import type { ServiceAccount } from '../platform/types.js'
import { judgeByRuns, type FinishedRunsOptions, type Judgement } from './finished-runs.js'

export interface PruneOptions {
  namePrefix: string
  olderThanMs: number
  dryRun: boolean
  /** Also remove this repository's accounts whose run GitHub says is over, whatever their age. */
  finishedRuns?: Omit<FinishedRunsOptions, 'ageInput'>
  now?: number
}

export interface RemovalResult {
  /** What was removed, or with dry-run what would be. */
  removed: ServiceAccount[]
  /** Accounts that could not be removed, with why. */
  failed: { account: ServiceAccount; reason: string }[]
  /** What GitHub said, when it was asked. */
  judgement?: Judgement
}

/** Created at or before `cutoff`; an unreadable date is never taken for old. */
export function createdBy(account: ServiceAccount, cutoff: number): boolean {
  const created = parseCreatedAt(account.created_at)
  return Number.isFinite(created) && created <= cutoff
}

/** The caller's accounts whose name starts with the prefix and that are older than the limit. */
function staleAccounts(accounts: ServiceAccount[], options: PruneOptions): ServiceAccount[] {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => account.name?.startsWith(options.namePrefix) && createdBy(account, cutoff))
}

export async function prune(client: PlatformClient, options: PruneOptions): Promise<RemovalResult> {
  const accounts = await client.list()
  let doomed = staleAccounts(accounts, options)
  let judgement: Judgement | undefined
  if (options.finishedRuns) {
    const candidates = accounts.filter(account => account.name?.startsWith(options.namePrefix))
    judgement = await judgeByRuns(candidates, { ...options.finishedRuns, ageInput: 'older-than' })
    // GitHub's answer wins over age; where it could not tell, the age rule still applies.
    const active = new Set(judgement.active.map(leftover => leftover.account))
    const finished = new Set(judgement.finished.map(leftover => leftover.account))
    doomed = candidates.filter(account => finished.has(account) || (doomed.includes(account) && !active.has(account)))
  }
  const result = options.dryRun ? { removed: doomed, failed: [] } : await removeEach(client, doomed)
  return judgement ? { ...result, judgement } : result
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
