import { setTimeout as sleep } from 'node:timers/promises'
import { removeConfigDir } from '../config-dir.js'
import { readConnection } from '../inputs.js'
import { applyJobSummary } from '../job-summary.js'
import { findByName } from '../operations/lost-create.js'
import type { PlatformClient } from '../platform/client.js'
import { errorMessage, isNotFound } from '../platform/errors.js'
import * as runner from '../runner.js'
import { loadAccount, loadConfigDir, loadThrottled, removedInJob, type AccountRecord } from '../state.js'
import { removedSummary } from '../summary.js'

/**
 * Waits between looks for an account whose create main never saw the end of: it may show
 * up a moment after the create's answer was lost (docs/cleanup.md, "When an answer is lost").
 */
const PENDING_LOOKUP_DELAYS_MS = [1_000, 2_000, 4_000]

/** The post step: removes what main created, when asked to. Runs even when the job failed. */
export async function runPost(): Promise<void> {
  honourJobSummary()
  cleanConfigDir()
  const record = loadAccount()
  switch (record.kind) {
    case 'absent':
      // list, get, rm and prune make nothing; nor does a create stopped before its first request.
      return
    case 'none':
      runner.info('No service account was created by this step: nothing to remove.')
      return
    case 'invalid':
      runner.warning('The saved state is not one this action writes: nothing is removed.')
      return
    case 'created':
      if (!record.cleanup && record.delivered) {
        runner.info(`cleanup is false: service account ${record.id} is kept.`)
        await runner.writeSummary(removedSummary(record.id, 'kept'))
        return
      }
      // An account whose token never reached the workflow is removed whatever cleanup says.
      // Main's create worked with this token, so a 401 to the removal is retried.
      // Stryker disable next-line BooleanLiteral: a 401 to a removal is retried either way (retry.ts, isAuthHiccup)
      return withClient(record.id, true, client => removeAccount(client, record.id))
    case 'pending':
      return withClient(record.name, record.tokenAccepted, client => removePending(client, record))
  }
}

/** Runs `work` with a client; if anything fails, the step fails naming the account to remove by hand. */
async function withClient(
  target: string,
  tokenAccepted: boolean,
  work: (client: PlatformClient) => Promise<void>
): Promise<void> {
  try {
    const connection = readConnection(runner.readInput, runner.mask)
    const { createClient } = await import('../client-factory.js')
    // Main's last throttled answer paces post's first request, as main's own next would be.
    await work(await createClient(connection, runner.debug, tokenAccepted, loadThrottled()))
  } catch (error) {
    await runner.writeSummary(removedSummary(target, 'NOT removed'))
    runner.setFailed(
      `Service account ${target} could not be removed and its token may still be valid: ${errorMessage(error)}. ` +
        `Remove it by hand: apolo service-account rm ${target}`
    )
  }
}

async function removeAccount(client: PlatformClient, id: string): Promise<void> {
  try {
    await client.rm(id)
  } catch (error) {
    if (!isNotFound(error)) throw error
    await confirmGone(client, id)
    if (removedInJob().includes(id)) {
      runner.info(`Service account ${id} was removed earlier in this job (operation: rm); its token is revoked.`)
      await runner.writeSummary(removedSummary(id, 'removed earlier in this job'))
    } else {
      runner.warning(`Service account ${id} was already gone.`)
      await runner.writeSummary(removedSummary(id, 'already gone'))
    }
    return
  }
  runner.info(`Removed service account ${id}; its token is revoked.`)
  await runner.writeSummary(removedSummary(id, 'removed'))
}

/**
 * A 404 to a DELETE may be a gateway's error page rather than the platform's answer, so the
 * account counts as gone only when a GET of its id is answered 404 too. Throws otherwise.
 */
async function confirmGone(client: PlatformClient, id: string): Promise<void> {
  try {
    await client.get(id)
  } catch (error) {
    if (isNotFound(error)) return
    throw error
  }
  throw new Error('the platform (or a proxy in between) answered 404 to its removal, but it is still there')
}

/** Main never saw the create's answer: find what it made, if anything, and remove it if provably this run's. */
async function removePending(
  client: PlatformClient,
  record: Extract<AccountRecord, { kind: 'pending' }>
): Promise<void> {
  if (!record.generated) {
    // A name the workflow chose may be another job's: what holds it is never removed on a guess.
    const account = await findByName(client, record.name)
    if (!account) {
      runner.info(`The create of "${record.name}" made no account: nothing to remove.`)
      return
    }
    runner.warning(
      `Main stopped before it saw the create of "${record.name}" finish. An account of that name exists (${account.id}); ` +
        `it may be this run's or another job's, so it is left. If it is this run's, remove it: apolo service-account rm ${account.id}`
    )
    await runner.writeSummary(removedSummary(account.id, 'left'))
    return
  }
  for (const delay of [0, ...PENDING_LOOKUP_DELAYS_MS]) {
    if (delay) await sleep(delay)
    // A generated name is this run's alone: whatever holds it is the lost create's account.
    const account = await findByName(client, record.name)
    if (account) {
      runner.warning(
        `Main stopped before it saw the create finish; removing ${account.id} ("${record.name}") made by it`
      )
      return removeAccount(client, account.id)
    }
  }
  runner.info(`The create of "${record.name}" made no account: nothing to remove.`)
}

function honourJobSummary(): void {
  try {
    applyJobSummary()
  } catch {
    // Main has failed on this input already: the summary stays on.
  }
}

function cleanConfigDir(): void {
  const dir = loadConfigDir()
  // Stryker disable next-line ConditionalExpression: removeConfigDir('') finds nothing there and leaves it
  if (!dir) return
  try {
    const refused = removeConfigDir(dir, runner.runnerTemp())
    if (refused) runner.warning(`Left the folder ${dir}: ${refused}`)
  } catch (error) {
    runner.warning(`Could not remove the CLI config folder ${dir}: ${errorMessage(error)}`)
  }
}
