import { accountOutputs } from '../outputs.js'
import type { PlatformClient } from '../platform/client.js'
import * as runner from '../runner.js'
import { accountsSummary } from '../summary.js'

/** operation: get. One account, by id or name, as outputs. */
export async function get(client: PlatformClient, idOrName: string): Promise<void> {
  const account = await client.get(idOrName)
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  runner.info(`Found service account ${account.name ?? ''} (${account.id})`)
  await runner.writeSummary(accountsSummary('Apolo service account', [account]))
}
