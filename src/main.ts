import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from './client-factory.js'
import { readInputs, type Inputs } from './inputs.js'
import { createAccount, UnresolvedCreateError } from './operations/create.js'
import { prune } from './operations/prune.js'
import { resolveTarget } from './operations/target.js'
import { accountOutputs } from './outputs.js'
import type { PlatformClient } from './platform/client.js'
import { generatedName } from './platform/names.js'
import { decodeFullToken } from './platform/token.js'
import type { CreatedServiceAccount, Permission } from './platform/types.js'
import * as runner from './runner.js'
import { accountsSummary, createdSummary } from './summary.js'

/** The main step: one operation, its outputs, and for create the state that post needs. */
export async function runMain(): Promise<void> {
  try {
    const inputs = readInputs(runner.readInput, runner.mask)
    const client = await createClient(inputs, runner.debug)
    await operations[inputs.operation](client, inputs)
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error))
  }
}

const operations: Record<Inputs['operation'], (client: PlatformClient, inputs: Inputs) => Promise<void>> = {
  create,
  list: client => list(client),
  get: (client, inputs) => get(client, inputs.name),
  rm: (client, inputs) => rm(client, inputs.name),
  prune: pruneStale
}

async function create(client: PlatformClient, inputs: Inputs): Promise<void> {
  const target = await resolveTarget(client, inputs, inputs.credential.context)
  const name = inputs.name || generatedName(runner.runIdentity(), randomBytes(3).toString('hex'))
  // Saved before the request, so that post can find the account even if main never sees the answer.
  runner.saveState(runner.STATE.cleanup, String(inputs.cleanup))
  runner.saveState(runner.STATE.pendingName, name)
  runner.saveState(runner.STATE.pendingSince, String(Date.now()))
  let account: CreatedServiceAccount
  try {
    account = await untilSettled(
      createAccount(
        client,
        { name, default_cluster: target.cluster, default_project: target.project, default_org: target.org },
        { nameIsGenerated: !inputs.name, maxCreates: inputs.maxAttempts, warn: runner.warning }
      )
    )
  } catch (error) {
    // A clear failure made nothing, so post has nothing to look for; an unresolved one leaves
    // the pending name for post to find.
    if (!(error instanceof UnresolvedCreateError)) runner.saveState(runner.STATE.pendingName, '')
    throw error
  }
  // Mask both forms of the new credential before anything else touches them.
  const authToken = decodeFullToken(account.token)?.authToken ?? ''
  runner.mask(account.token)
  runner.mask(authToken)
  runner.saveState(runner.STATE.accountId, account.id)
  runner.saveState(runner.STATE.pendingName, '')

  const granted = await grantOrRemove(client, account, inputs.permissions)
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  runner.setOutput('token', account.token)
  runner.setOutput('auth-token', authToken)
  runner.setOutput('permissions', JSON.stringify(granted))
  if (inputs.exportEnv) exportCliEnvironment(account.token)
  runner.info(
    `Created service account ${account.name ?? ''} (${account.id}) on cluster ${account.default_cluster}, ` +
      `project ${account.default_project}${account.default_org ? `, org ${account.default_org}` : ''}`
  )
  runner.info(inputs.cleanup ? 'The post step will remove it.' : 'cleanup is false: it will be kept.')
  await runner.writeSummary(createdSummary(account, granted, inputs.cleanup))
}

/** A half-configured credential is worse than none: if a grant fails, the account goes. */
async function grantOrRemove(
  client: PlatformClient,
  account: CreatedServiceAccount,
  permissions: Permission[]
): Promise<Permission[]> {
  if (!permissions.length) return []
  try {
    const granted = await client.grant(account.role, permissions)
    for (const p of granted) runner.info(`Granted ${p.action} on ${p.uri} to ${account.role}`)
    return granted
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    try {
      await client.rm(account.id)
    } catch (removal) {
      // The saved id stays, so the post step tries again.
      throw new Error(`${reason}; removing service account ${account.id} failed too: ${(removal as Error).message}`)
    }
    runner.saveState(runner.STATE.accountId, '')
    throw new Error(`${reason}; service account ${account.id} was removed again`)
  }
}

/**
 * Logs later `apolo` and `neuro` steps in as the new account. Their config folders point at a
 * fresh folder, since the passed config is ignored where a config already exists.
 */
function exportCliEnvironment(fullToken: string): void {
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'apolo-service-account-'))
  runner.saveState(runner.STATE.configDir, dir)
  runner.exportVariable('APOLO_PASSED_CONFIG', fullToken)
  runner.exportVariable('NEURO_PASSED_CONFIG', fullToken)
  runner.exportVariable('APOLO_CONFIG', join(dir, 'apolo'))
  runner.exportVariable('NEUROMATION_CONFIG', join(dir, 'neuro'))
  runner.info(`Later apolo and neuro steps run as the new account (config in ${dir}).`)
}

// GitHub keeps at most 1 MB of one output.
const OUTPUT_LIMIT_BYTES = 1024 * 1024

async function list(client: PlatformClient): Promise<void> {
  const accounts = await client.list()
  const json = JSON.stringify(accounts)
  runner.setOutput('accounts', json)
  if (Buffer.byteLength(json) > OUTPUT_LIMIT_BYTES) {
    runner.warning(
      `The accounts output is ${(Buffer.byteLength(json) / OUTPUT_LIMIT_BYTES).toFixed(1)} MB, over the 1 MB GitHub keeps of one output: later steps may not see it whole`
    )
  }
  runner.info(`Found ${accounts.length} service account${accounts.length === 1 ? '' : 's'}`)
  await runner.writeSummary(accountsSummary('Apolo service accounts', accounts))
}

async function get(client: PlatformClient, idOrName: string): Promise<void> {
  const account = await client.get(idOrName)
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  runner.info(`Found service account ${account.name ?? ''} (${account.id})`)
  await runner.writeSummary(accountsSummary('Apolo service account', [account]))
}

async function rm(client: PlatformClient, idOrName: string): Promise<void> {
  // Looked up first so that the id of what is removed can be reported.
  const account = await client.get(idOrName)
  await client.rm(account.id)
  runner.setOutput('id', account.id)
  runner.info(`Removed service account ${account.name ?? ''} (${account.id})`)
  await runner.writeSummary(accountsSummary('Removed Apolo service account', [account]))
}

async function pruneStale(client: PlatformClient, inputs: Inputs): Promise<void> {
  const result = await prune(client, {
    namePrefix: inputs.namePrefix,
    olderThanMs: inputs.olderThanMs,
    dryRun: inputs.dryRun
  })
  const verb = inputs.dryRun ? 'Would remove' : 'Removed'
  for (const account of result.removed) runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`)
  runner.setOutput(
    'removed',
    JSON.stringify(result.removed.map(a => ({ id: a.id, name: a.name, created_at: a.created_at })))
  )
  runner.info(`${verb} ${result.removed.length} stale service account(s) starting with "${inputs.namePrefix}"`)
  await runner.writeSummary(accountsSummary(`${verb} stale Apolo service accounts`, result.removed))
  if (result.failed.length) {
    throw new Error(
      `Could not remove ${result.failed.length} account(s): ` +
        result.failed.map(f => `${f.account.id}: ${f.reason}`).join('; ')
    )
  }
}

/**
 * A cancelled run (SIGINT, then SIGTERM from the runner) must not lose an account being made:
 * while `work` is in flight a signal only marks the step failed, and the step ends once
 * `work` settles and its state is saved.
 */
async function untilSettled<T>(work: Promise<T>): Promise<T> {
  let signalled = ''
  const onSignal = (signal: NodeJS.Signals) => {
    signalled = signal
    runner.warning(`Received ${signal}: finishing the create in flight so its account can be removed`)
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
  try {
    return await work
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
    // The caller saves the account's state synchronously right after this returns.
    if (signalled) setImmediate(() => process.exit(1))
  }
}
