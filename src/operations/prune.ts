import type { PlatformClient } from '../platform/client.js'
import type { ServiceAccount } from '../platform/types.js'
import { judgeByRuns, type FinishedRunsOptions, type Judgement } from './finished-runs.js'
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
}

/** The caller's accounts whose name starts with the prefix and that are older than the limit. */
function staleAccounts(accounts: ServiceAccount[], options: PruneOptions): ServiceAccount[] {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => account.name?.startsWith(options.namePrefix) && createdBy(account, cutoff))
}

export async function prune(client: PlatformClient, options: PruneOptions): Promise<PruneResult> {
  const accounts = await client.list()
  let doomed = staleAccounts(accounts, options)
  let judgement: Judgement | undefined
  if (options.finishedRuns) {
    const candidates = accounts.filter(account => account.name?.startsWith(options.namePrefix))
    judgement = await judgeByRuns(candidates, { ...options.finishedRuns, ageInput: 'older-than' })
    // GitHub's answer wins over age; where it could not tell, the age rule still applies.
    const active = new Set(judgement.active.map(leftover => leftover.account))
    const finished = new Set(judgement.finished.map(leftover => leftover.account))
    const stale = new Set(doomed)
    doomed = candidates.filter(account => finished.has(account) || (stale.has(account) && !active.has(account)))
  }
  const result = options.dryRun ? { removed: doomed, failed: [] } : await removeEach(client, doomed)
  return judgement ? { ...result, judgement } : result
}
