import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { accountsSummary } from '../summary.js'
import { refusedOutput } from './removed.js'

/** operation: list. Every account of the caller, as the `accounts` output. */
export async function list(client: PlatformClient): Promise<void> {
  const accounts = await client.list()
  const json = JSON.stringify(accounts)
  runner.info(`Found ${accounts.length} service account${accounts.length === 1 ? '' : 's'}`)
  const oversized = runner.setOutputIfItFits('accounts', json)
  await runner.writeSummary(
    accountsSummary('Apolo service accounts', accounts, oversized ? refusedOutput('accounts') : undefined)
  )
  if (oversized) {
    throw new Error(
      `${oversized}: remove the accounts no longer needed (operation: prune), or read one account by name (operation: get)`
    )
  }
}
