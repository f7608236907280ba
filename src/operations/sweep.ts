import type { PlatformClient } from '../platform/client.js'
import { generatedNameRun, type RunIdentity } from '../platform/names.js'
import type { ServiceAccount } from '../platform/types.js'
import { doomedBy, judgeByRuns, type FinishedRunsOptions, type Judgement } from './finished-runs.js'
import { createdBy, removeEach, type RemovalResult } from './removal.js'

export interface SweepOptions {
  /** The repository whose leftovers these are, as `generatedName` tags it. */
  repository: Pick<RunIdentity, 'repository' | 'repositoryId'>
  /** The current run: its accounts are never swept by age, whatever their age. */
  runId: string
  /** 0: no age rule. */
  olderThanMs: number
  /** Ask GitHub which runs are over: their accounts go whatever their age. */
  finishedRuns?: Omit<FinishedRunsOptions, 'repository' | 'ageInput'>
  now?: number
  /** Removals at once. */
  concurrency?: number
}

export interface SweepResult extends RemovalResult {
  /** What GitHub said, when it was asked. */
  judgement?: Judgement
}

/**
 * Accounts this action generated for this repository in other runs, older than the limit:
 * what runs that never reached their post step left behind.
 */
function leftovers(accounts: ServiceAccount[], options: SweepOptions): ServiceAccount[] {
  if (!options.olderThanMs) return []
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => {
    const run = account.name === null ? undefined : generatedNameRun(account.name, options.repository)
    return run !== undefined && run !== options.runId && createdBy(account, cutoff)
  })
}

export async function sweep(client: PlatformClient, options: SweepOptions): Promise<SweepResult> {
  const accounts = await client.list()
  const old = leftovers(accounts, options)
  if (!options.finishedRuns) return removeEach(client, old, options.concurrency)
  const judgement = await judgeByRuns(accounts, {
    ...options.finishedRuns,
    repository: options.repository,
    ageInput: 'sweep-older-than'
  })
  return { ...(await removeEach(client, doomedBy(judgement, accounts, old), options.concurrency)), judgement }
}
