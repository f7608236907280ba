import type { PlatformClient } from '../platform/client.js'
import { generatedNameRun, type RunIdentity } from '../platform/names.js'
import type { ServiceAccount } from '../platform/types.js'
import { createdBy, removeEach, type RemovalResult } from './removal.js'

export interface SweepOptions {
  /** The repository whose leftovers these are, as `generatedName` tags it. */
  repository: Pick<RunIdentity, 'repository' | 'repositoryId'>
  /** The current run: its accounts are never swept, whatever their age. */
  runId: string
  olderThanMs: number
  now?: number
  /** Removals at once. */
  concurrency?: number
}

/**
 * Accounts this action generated for this repository in other runs, older than the limit:
 * what runs that never reached their post step left behind.
 */
function leftovers(accounts: ServiceAccount[], options: SweepOptions): ServiceAccount[] {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  return accounts.filter(account => {
    const run = account.name === null ? undefined : generatedNameRun(account.name, options.repository)
    return run !== undefined && run !== options.runId && createdBy(account, cutoff)
  })
}

export async function sweep(client: PlatformClient, options: SweepOptions): Promise<RemovalResult> {
  return removeEach(client, leftovers(await client.list(), options), options.concurrency)
}
