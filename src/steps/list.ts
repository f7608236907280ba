import { oversizedOutput } from '../outputs.js'
import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { accountsSummary } from '../summary.js'

/** operation: list. Every account of the caller, as the `accounts` output. */
export async function list(client: PlatformClient): Promise<void> {
  const accounts = await client.list()
  const json = JSON.stringify(accounts)
  runner.info(`Found ${accounts.length} service account${accounts.length === 1 ? '' : 's'}`)
  await runner.writeSummary(accountsSummary('Apolo service accounts', accounts))
  const oversized = oversizedOutput('accounts', json)
  if (oversized) {
    throw new Error(
      `${oversized}: remove the accounts no longer needed (operation: prune), or read one account by name (operation: get)`
    )
  }
  runner.setOutput('accounts', json)
}
