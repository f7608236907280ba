import { INPUT_DEFAULTS, readInputs, type PruneInputs } from './inputs.js'
import { applyJobSummary } from './job-summary.js'
import { failureLines, prune } from './operations/prune.js'
import { accountOutputs, oversizedOutput, removedOutput } from './outputs.js'
import type { PlatformClient } from './platform/client.js'
import { errorMessage } from './platform/errors.js'
import { loadTlsEarly } from './platform/tls-early.js'
import * as runner from './runner.js'
import { forgetSavedAccount, savedAccount } from './state.js'
import { accountsSummary, failedSummary, leftBehind, pruneSummary } from './summary.js'

/** The main step: one operation, its outputs, and for create the state that post needs. */
export async function runMain(): Promise<void> {
  try {
    forgetSavedAccount()
    applyJobSummary()
    const inputs = readInputs(runner.readInput, runner.mask)
    loadTlsEarly(inputs.apiUrl)
    // The client (and undici with it) and the create step load only once the inputs are good.
    const { createClient } = await import('./client-factory.js')
    const client = await createClient(inputs, runner.debug)
    runner.setOutput('api-url', inputs.apiUrl)
    switch (inputs.operation) {
      case 'create': {
        const { runCreate } = await import('./create-step.js')
        return await runCreate(client, inputs)
      }
      case 'list':
        return await list(client)
      case 'get':
        return await get(client, inputs.name)
      case 'rm':
        return await rm(client, inputs.name)
      case 'prune':
        return await pruneStale(client, inputs)
    }
  } catch (error) {
    const operation = runner.readInput('operation') || INPUT_DEFAULTS.operation
    runner.writeSummary(failedSummary(operation, errorMessage(error), leftBehind(operation, savedAccount())))
    runner.setFailed(errorMessage(error))
  }
}

async function list(client: PlatformClient): Promise<void> {
  const accounts = await client.list()
  const json = JSON.stringify(accounts)
  runner.info(`Found ${accounts.length} service account${accounts.length === 1 ? '' : 's'}`)
  const oversized = oversizedOutput('accounts', json)
  const rest = oversized ? 'nor in the accounts output: it would be over 1 MB, so it is not set' : undefined
  runner.writeSummary(accountsSummary('Apolo service accounts', accounts, rest))
  if (oversized) {
    throw new Error(
      `${oversized}: remove the accounts no longer needed (operation: prune), or read one account by name (operation: get)`
    )
  }
  runner.setOutput('accounts', json)
}

async function get(client: PlatformClient, idOrName: string): Promise<void> {
  const account = await client.get(idOrName)
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  runner.info(`Found service account ${account.name ?? ''} (${account.id})`)
  runner.writeSummary(accountsSummary('Apolo service account', [account]))
}

async function rm(client: PlatformClient, idOrName: string): Promise<void> {
  // Looked up first so that the id of what is removed can be reported.
  const account = await client.get(idOrName)
  await client.rm(account.id)
  runner.setOutput('id', account.id)
  runner.info(`Removed service account ${account.name ?? ''} (${account.id})`)
  runner.writeSummary(accountsSummary('Removed Apolo service account', [account]))
}

async function pruneStale(client: PlatformClient, inputs: PruneInputs): Promise<void> {
  const result = await prune(client, {
    namePrefix: inputs.namePrefix,
    olderThanMs: inputs.olderThanMs,
    dryRun: inputs.dryRun
  })
  const verb = inputs.dryRun ? 'Would remove' : 'Removed'
  const { olderThan } = inputs
  const rule = `starting with "${inputs.namePrefix}" created over ${olderThan} ago`
  if (result.removed.length) {
    runner.group(`${verb} ${result.removed.length} service account(s) ${rule}`, () => {
      for (const account of result.removed)
        runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`)
    })
  } else runner.info(`No service account ${rule}: nothing to remove`)
  runner.info(`Kept ${result.kept} newer service account(s) starting with "${inputs.namePrefix}"`)
  const problems = result.failed.length
    ? [`Could not remove ${result.failed.length} account(s): ${failureLines(result.failed).join('; ')}`]
    : []
  const removed = removedOutput(result.removed)
  const oversized = oversizedOutput('removed', removed)
  const rest = oversized ? 'nor in the removed output: it would be over 1 MB, so it is not set' : undefined
  runner.writeSummary(
    pruneSummary(result.removed, result.kept, { namePrefix: inputs.namePrefix, olderThan, dryRun: inputs.dryRun }, rest)
  )
  if (oversized) problems.push(`${verb} ${result.removed.length} accounts (each named above), but ${oversized}`)
  else runner.setOutput('removed', removed)
  if (problems.length) throw new Error(problems.join('. '))
}
