import type { PlatformClient } from '../platform/client.js'
import type { ServiceAccount } from '../platform/types.js'
import { doomedBy, judgeByRuns, type FinishedRunsOptions, type Judgement } from './finished-runs.js'
import { createdBy, removeEach, type RemovalResult } from './removal.js'

export interface PruneOptions {
  namePrefix: string
  olderThanMs: number
  dryRun: boolean
  /** Also remove this repository's accounts whose run GitHub says is over, whatever their age. */
  finishedRuns?: Omit<FinishedRunsOptions, 'ageInput'>
  now?: number
}

export interface PruneResult extends RemovalResult {
  /** What GitHub said, when it was asked. */
  judgement?: Judgement
  /** Accounts whose name starts with the prefix that stay, being newer than the limit. */
  kept: number
  /** Older accounts that stay because GitHub said their run is still going. */
  keptRunning: number
}

/** The caller's accounts whose name starts with the prefix and that are older than the limit. */
function staleAccounts(accounts: ServiceAccount[], options: PruneOptions): ServiceAccount[] {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => createdBy(account, cutoff))
}

export async function prune(client: PlatformClient, options: PruneOptions): Promise<PruneResult> {
  const matching = (await client.list()).filter(account => account.name?.startsWith(options.namePrefix))
  const stale = new Set(staleAccounts(matching, options))
  let doomed = [...stale]
  let judgement: Judgement | undefined
  if (options.finishedRuns) {
    judgement = await judgeByRuns(matching, { ...options.finishedRuns, ageInput: 'older-than' })
    doomed = doomedBy(judgement, matching, doomed)
  }
  // What stays: the newer ones, and old ones whose run GitHub said is still going.
  const going = new Set(doomed)
  const keptRunning = [...stale].filter(account => !going.has(account)).length
  const kept = matching.length - doomed.length - keptRunning
  const result = options.dryRun ? { removed: doomed, failed: [] } : await removeEach(client, doomed)
  return judgement ? { ...result, judgement, kept, keptRunning } : { ...result, kept, keptRunning }
}
