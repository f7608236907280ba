import { randomBytes } from 'node:crypto'
import { createClient } from './client-factory.js'
import { readInputs, type Inputs } from './inputs.js'
import { createAccount } from './operations/create.js'
import { resolveTarget } from './operations/target.js'
import { accountOutputs } from './outputs.js'
import type { PlatformClient } from './platform/client.js'
import { decodeFullToken } from './platform/token.js'
import { generatedName } from './platform/names.js'
import * as runner from './runner.js'

/** The main step: one operation, its outputs, and for create the state that post needs. */
export async function runMain(): Promise<void> {
  try {
    const inputs = readInputs(runner.readInput, runner.mask)
    const client = createClient(inputs, runner.debug)
    switch (inputs.operation) {
      case 'create':
        return await create(client, inputs)
      case 'list':
        return await list(client)
      case 'get':
        return await get(client, inputs.name)
      case 'rm':
        return await rm(client, inputs.name)
    }
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error))
  }
}

async function create(client: PlatformClient, inputs: Inputs): Promise<void> {
  const target = await resolveTarget(client, inputs, inputs.credential.context)
  const name = inputs.name || generatedName(runner.runIdentity(), randomBytes(3).toString('hex'))
  const account = await createAccount(
    client,
    { name, default_cluster: target.cluster, default_project: target.project, default_org: target.org },
    { nameIsGenerated: !inputs.name, maxCreates: inputs.maxAttempts, warn: runner.warning }
  )
  // Mask both forms of the new credential before anything else touches them.
  const authToken = decodeFullToken(account.token)?.authToken ?? ''
  runner.mask(account.token)
  runner.mask(authToken)
  runner.saveState(runner.STATE.accountId, account.id)
  runner.saveState(runner.STATE.cleanup, String(inputs.cleanup))
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  runner.setOutput('token', account.token)
  runner.setOutput('auth-token', authToken)
  runner.info(
    `Created service account ${account.name ?? ''} (${account.id}) on cluster ${account.default_cluster}, ` +
      `project ${account.default_project}${account.default_org ? `, org ${account.default_org}` : ''}`
  )
  runner.info(inputs.cleanup ? 'The post step will remove it.' : 'cleanup is false: it will be kept.')
}

async function list(client: PlatformClient): Promise<void> {
  const accounts = await client.list()
  runner.setOutput('accounts', JSON.stringify(accounts))
  runner.info(`Found ${accounts.length} service account${accounts.length === 1 ? '' : 's'}`)
}

async function get(client: PlatformClient, idOrName: string): Promise<void> {
  const account = await client.get(idOrName)
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  runner.info(`Found service account ${account.name ?? ''} (${account.id})`)
}

async function rm(client: PlatformClient, idOrName: string): Promise<void> {
  // Looked up first so that the id of what is removed can be reported.
  const account = await client.get(idOrName)
  await client.rm(account.id)
  runner.setOutput('id', account.id)
  runner.info(`Removed service account ${account.name ?? ''} (${account.id})`)
}
