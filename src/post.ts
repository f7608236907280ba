import { rmSync } from 'node:fs'
import { createClient } from './client-factory.js'
import { readConnection } from './inputs.js'
import { findCreatedSince } from './operations/create.js'
import type { PlatformClient } from './platform/client.js'
import { PlatformError } from './platform/errors.js'
import * as runner from './runner.js'
import { removedSummary } from './summary.js'

/** The post step: removes what main created, when asked to. Runs even when the job failed. */
export async function runPost(): Promise<void> {
  removeConfigDir()
  const cleanup = runner.getState(runner.STATE.cleanup) === 'true'
  const accountId = runner.getState(runner.STATE.accountId)
  const pendingName = runner.getState(runner.STATE.pendingName)
  if (!accountId && !pendingName) {
    runner.info('No service account was created by this step: nothing to remove.')
    return
  }
  // An account whose create main never saw the end of has a token nobody holds: it goes
  // whatever cleanup says.
  if (!cleanup && accountId) {
    runner.info(`cleanup is false: service account ${accountId} is kept.`)
    await runner.writeSummary(removedSummary(accountId, 'kept'))
    return
  }
  let target = accountId || pendingName
  try {
    const client = await createClient(readConnection(runner.readInput, runner.mask), runner.debug)
    if (!accountId) {
      const found = await lookUpPending(client, pendingName)
      if (!found) return
      target = found
    }
    await client.rm(target)
    runner.info(`Removed service account ${target}; its token is revoked.`)
    await runner.writeSummary(removedSummary(target, 'removed'))
  } catch (error) {
    if (error instanceof PlatformError && error.status === 404) {
      runner.warning(`Service account ${target} was already gone.`)
      await runner.writeSummary(removedSummary(target, 'already gone'))
      return
    }
    const reason = error instanceof Error ? error.message : String(error)
    await runner.writeSummary(removedSummary(target, 'NOT removed'))
    runner.setFailed(
      `Service account ${target} could not be removed and its token may still be valid: ${reason}. ` +
        `Remove it by hand: apolo service-account rm ${target}`
    )
  }
}

/** Main was stopped before it saw the create's answer: find what that create made, if anything. */
async function lookUpPending(client: PlatformClient, name: string): Promise<string | undefined> {
  const since = Number(runner.getState(runner.STATE.pendingSince)) || Date.now()
  const account = await findCreatedSince(client, name, since)
  if (!account) {
    runner.info(`The create of "${name}" made no account: nothing to remove.`)
    return undefined
  }
  runner.warning(`Main stopped before it saw the create finish; removing ${account.id} ("${name}") made by it`)
  return account.id
}

function removeConfigDir(): void {
  const dir = runner.getState(runner.STATE.configDir)
  if (!dir) return
  try {
    rmSync(dir, { recursive: true, force: true })
  } catch (error) {
    runner.warning(`Could not remove the CLI config folder ${dir}: ${(error as Error).message}`)
  }
}
