import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { accountsSummary } from '../summary.js'

/** operation: rm. Removes one account, by id or name. */
export async function rm(client: PlatformClient, idOrName: string): Promise<void> {
  // Looked up first so that the id of what is removed can be reported.
  const account = await client.get(idOrName)
  await client.rm(account.id)
  runner.setOutput('id', account.id)
  runner.info(`Removed service account ${account.name ?? ''} (${account.id})`)
  await runner.writeSummary(accountsSummary('Removed Apolo service account', [account]))
}
