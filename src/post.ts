import { createClient } from './client-factory.js'
import { readConnection } from './inputs.js'
import { PlatformError } from './platform/errors.js'
import * as runner from './runner.js'

/** The post step: removes the account that main created, when asked to. */
export async function runPost(): Promise<void> {
  const accountId = runner.getState(runner.STATE.accountId)
  if (!accountId) {
    runner.info('No service account was created by this step: nothing to remove.')
    return
  }
  if (runner.getState(runner.STATE.cleanup) !== 'true') {
    runner.info(`cleanup is false: service account ${accountId} is kept.`)
    return
  }
  try {
    const client = createClient(readConnection(runner.readInput, runner.mask), runner.debug)
    await client.rm(accountId)
    runner.info(`Removed service account ${accountId}; its token is revoked.`)
  } catch (error) {
    if (error instanceof PlatformError && error.status === 404) {
      runner.warning(`Service account ${accountId} was already gone.`)
      return
    }
    const reason = error instanceof Error ? error.message : String(error)
    runner.setFailed(
      `Service account ${accountId} could not be removed and its token is still valid: ${reason}. ` +
        `Remove it by hand: apolo service-account rm ${accountId}`
    )
  }
}
