import { join } from 'node:path'
import type { Dispatcher } from 'undici'
import { makeConfigDir } from '../config-dir.js'
import type { CreateInputs } from '../inputs.js'
import { createAccount, UnresolvedCreateError } from '../operations/lost-create.js'
import { failureLines } from '../operations/removal.js'
import { sweep, type SweepResult } from '../operations/sweep.js'
import { grantLines } from '../operations/grant.js'
import { resolveTarget, type Target } from '../operations/target.js'
import { registryHost, verifyCredential } from '../operations/verify.js'
import { accountOutputs } from '../outputs.js'
import type { PlatformClient } from '../platform/client.js'
import { errorMessage } from '../platform/errors.js'
import { generatedName, randomNamePart, type RunIdentity } from '../platform/names.js'
import { decodeFullToken, FULL_TOKEN_MAX_CHARS, tokenMasks } from '../platform/token.js'
import type { CreatedServiceAccount, DiscoveryConfig, Permission } from '../platform/types.js'
import * as runner from '../runner.js'
import { recordCreated, recordDelivered, recordNothing, recordPending, saveConfigDir, saveThrottled } from '../state.js'
import { accountsSummary, createdSummary } from '../summary.js'
import { askingGitHub, reportJudgement } from './finished-runs.js'
import { refusedOutput, setRemovedOutput } from './removed.js'

/** The create operation as a step: the account, its grants, outputs, CLI login and state for post. */
export async function runCreate(client: PlatformClient, inputs: CreateInputs): Promise<void> {
  const run = runner.runIdentity()
  // Alongside the create, on connections of its own, so its requests never queue behind the
  // create's; a 429 it hears still paces the create, as any throttling of the platform would.
  const sweeping = inputs.sweepOlderThanMs || inputs.sweepFinishedRuns ? sweepLeftovers(client, run, inputs) : undefined
  try {
    await createAccountStep(client, inputs, run)
  } finally {
    if (sweeping) await reportSweep(await sweeping, run)
    // Post goes on from what main heard of throttling (the sweep's included), as a later request of main would.
    const throttled = client.throttledLately()
    if (throttled) saveThrottled(throttled)
  }
}

async function createAccountStep(client: PlatformClient, inputs: CreateInputs, run: RunIdentity): Promise<void> {
  // The step's warnings, for the summary as well as the log.
  const warnings: string[] = []
  const warn = (message: string) => {
    warnings.push(message)
    runner.warning(message)
  }
  const target = await resolveTarget(client, inputs, inputs.credential.context)
  const generated = !inputs.name
  const name = inputs.name || generatedName(run, randomNamePart())
  const cleanup = inputs.cleanup
  // Saved before the request, so that post can find the account even if main never sees the answer.
  const pending = { name, generated, cleanup }
  recordPending({ ...pending, tokenAccepted: client.tokenWasAccepted })
  // What the create met on the way: a warning if it failed, else one notice.
  const retries: string[] = []
  const { result, signal } = await settleThroughSignals(
    createAccount(
      client,
      { name, default_cluster: target.cluster, default_project: target.project, default_org: target.org },
      { nameIsGenerated: generated, warn: message => retries.push(message) }
    )
  )
  if (result.status === 'fulfilled' && retries.length)
    runner.notice(`The create succeeded after trouble: ${retries.join('; ')}`)
  else retries.forEach(warn)
  if (result.status === 'rejected') {
    // A clear failure made nothing, so post has nothing to look for; an unresolved one leaves
    // the pending name for post to find, saying whether the create's own answer was a success.
    const unresolved = result.reason instanceof UnresolvedCreateError
    if (unresolved) recordPending({ ...pending, tokenAccepted: client.tokenWasAccepted })
    else recordNothing()
    throw result.reason
  }
  const account = result.value
  // The new credential is masked before anything else touches it; its shape is checked first,
  // so that a hostile answer can neither flood the log with masks nor mask the account's id.
  const { masks, whole } = tokenMasks(account.token, account.id)
  for (const form of masks) runner.mask(form)
  recordCreated(account.id, cleanup)
  if (signal) throw new Error(`Received ${signal}: the create finished and the post step will remove ${account.id}`)
  runner.info(
    `Created service account ${name} (${account.id}) on cluster ${account.default_cluster}, ` +
      `project ${account.default_project}${account.default_org ? `, org ${account.default_org}` : ''}`
  )

  const decoded = whole ? decodeFullToken(account.token) : undefined
  if (!decoded) {
    return removeUndelivered(
      client,
      account,
      'the platform answered with a token that is not a full token ' +
        `(base64 JSON holding an auth JWT, at most ${FULL_TOKEN_MAX_CHARS / 1024} KiB)`
    )
  }
  const { granted, registry } = await grantAndVerify(client, account, decoded.authToken, inputs, target, warn)
  for (const [key, value] of Object.entries(accountOutputs(account))) runner.setOutput(key, value)
  if (inputs.outputToken) {
    runner.setOutput('token', account.token)
    runner.setOutput('auth-token', decoded.authToken)
  }
  runner.setOutput('permissions', JSON.stringify(granted))
  runner.setOutput('registry', registry)
  if (inputs.exportEnv) exportCliEnvironment(account.token)
  recordDelivered(account.id, cleanup)
  runner.info(cleanup ? 'The post step will remove it.' : 'cleanup is false: it will be kept.')
  await runner.writeSummary(
    createdSummary(account, granted, cleanup, {
      apiUrl: client.apiUrl,
      registry,
      verified: inputs.verifySeconds > 0,
      warnings
    })
  )
}

/**
 * The grants and the verification together, as neither needs the other's answer. A
 * half-configured credential is worse than none, and one handed out must work: if a grant
 * fails or the platform never accepts the token, the account goes. Only what /config shows
 * of the account's cluster can depend on the grants (a platform may show an account only
 * the clusters it holds a grant on): when it shows none while grants were made, /config is
 * asked once more, so that `registry` and the warning are what they were with the grants first.
 */
async function grantAndVerify(
  client: PlatformClient,
  account: CreatedServiceAccount,
  authToken: string,
  { permissions, verifySeconds }: CreateInputs,
  target: Target,
  warn: (message: string) => void
): Promise<{ granted: Permission[]; registry: string }> {
  // Each try is one request and verifyCredential decides on the next; while the platform
  // throttles or fails, it may ask for the rest of the step's budget.
  const budgetMs = Math.max(client.timeLeftMs(), verifySeconds * 1000 + client.timeoutMs)
  const asNewAccount = client.as(authToken, { maxAttempts: 1, budgetMs })
  const stop = new AbortController()
  // The grant first: a read may follow it on the connection, never the other way round.
  const granting = permissions.length ? grantLines(client, account.role, permissions, target) : Promise.resolve([])
  const verifying = verifySeconds
    ? verifyCredential(asNewAccount, { seconds: verifySeconds, signal: stop.signal })
    : Promise.resolve(undefined)
  // Its failure is read below, after the grants' answer: until then it must not go unhandled.
  verifying.catch(() => undefined)
  let granted: Permission[]
  try {
    granted = await granting
  } catch (error) {
    stop.abort()
    return removeUndelivered(client, account, errorMessage(error))
  }
  for (const p of granted) runner.info(`Granted ${p.action} on ${p.uri} to ${account.role}`)
  let config: DiscoveryConfig | undefined
  try {
    config = await verifying
    if (config && granted.length && !seesCluster(config, account))
      config = await verifyCredential(asNewAccount, { seconds: verifySeconds })
  } catch (error) {
    return removeUndelivered(client, account, errorMessage(error))
  }
  if (!config) return { granted, registry: '' }
  if (!seesCluster(config, account)) {
    warn(
      `The new account is accepted but sees no cluster "${account.default_cluster}": a CLI login (export-env) will fail with ` +
        `"No clusters configured". Grant it a permission on that cluster, e.g. a "permissions" line ` +
        `"storage://${account.default_cluster}/<org>/<project> read"`
    )
  }
  return { granted, registry: registryHost(config, account.default_cluster) }
}

const seesCluster = (config: DiscoveryConfig, account: CreatedServiceAccount) =>
  config.clusters.some(c => c.name === account.default_cluster)

/** Leftovers the sweep may remove at once. */
const SWEEP_CONNECTIONS = 4

/**
 * Removes what runs of this repository left behind, on connections of its own, up to
 * SWEEP_CONNECTIONS removals at once; a failure here never fails the create.
 */
async function sweepLeftovers(
  client: PlatformClient,
  run: RunIdentity,
  inputs: CreateInputs
): Promise<SweepResult | Error> {
  let dispatcher: Dispatcher | undefined
  try {
    dispatcher = await client.openDispatcher(SWEEP_CONNECTIONS)
    // A budget of its own, a third of create's, so that a slow sweep never starves the create.
    const sweeping = client.as(undefined, { budgetMs: client.timeoutMs * client.maxAttempts, dispatcher })
    return await sweep(sweeping, {
      repository: run,
      runId: run.runId,
      olderThanMs: inputs.sweepOlderThanMs,
      finishedRuns: askingGitHub(inputs, run, () => sweeping.timeLeftMs()),
      concurrency: SWEEP_CONNECTIONS
    })
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  } finally {
    await dispatcher?.close()
  }
}

/** What the sweep did: the log, a warning for what it could not do, the `removed` output and the summary. */
async function reportSweep(result: SweepResult | Error, run: RunIdentity): Promise<void> {
  if (result instanceof Error) {
    runner.warning(`Could not sweep earlier runs' leftover accounts: ${errorMessage(result)}`)
    return
  }
  const byRuns = await reportJudgement(result.judgement, result, run.repository, 'Swept')
  const byAge = result.removed.filter(account => !byRuns.has(account))
  for (const account of byAge)
    runner.info(`Swept ${account.name} (${account.id}, created ${account.created_at}), left by an earlier run`)
  if (result.failed.length) {
    runner.warning(`Could not sweep ${result.failed.length} account(s): ${failureLines(result.failed).join('; ')}`)
  }
  const oversized = setRemovedOutput(result.removed)
  if (oversized) runner.warning(`Swept ${result.removed.length} accounts, but ${oversized}`)
  if (byAge.length) {
    const rest = oversized ? refusedOutput('removed') : undefined
    await runner.writeSummary(accountsSummary("Swept earlier runs' leftover Apolo service accounts", byAge, rest))
  }
}

/** Removes an account whose token never reached the workflow, and fails the step. */
async function removeUndelivered(
  client: PlatformClient,
  account: CreatedServiceAccount,
  reason: string
): Promise<never> {
  try {
    // A fresh budget: whatever went before, this removal deserves every attempt.
    await client.as(undefined, {}).rm(account.id)
  } catch (removal) {
    // The saved record still says undelivered, so the post step removes it whatever cleanup says.
    throw new Error(
      `${reason}; removing service account ${account.id} failed too, the post step will try again: ${errorMessage(removal)}`,
      {
        cause: removal
      }
    )
  }
  recordNothing()
  throw new Error(`${reason}; service account ${account.id} was removed again`)
}

/**
 * Logs later `apolo` and `neuro` steps in as the new account. Their config folders point at a
 * fresh folder, since the passed config is ignored where a config already exists.
 */
function exportCliEnvironment(fullToken: string): void {
  const dir = makeConfigDir(runner.runnerTemp())
  saveConfigDir(dir)
  runner.exportVariable('APOLO_PASSED_CONFIG', fullToken)
  runner.exportVariable('NEURO_PASSED_CONFIG', fullToken)
  runner.exportVariable('APOLO_CONFIG', join(dir, 'apolo'))
  runner.exportVariable('NEUROMATION_CONFIG', join(dir, 'neuro'))
  runner.info(`Later apolo and neuro steps run as the new account (config in ${dir}).`)
}

/**
 * A cancelled run (SIGINT, then SIGTERM from the runner) must not lose an account being made:
 * while `work` is in flight a signal is only noted, and the caller learns of it once `work`
 * has settled and can save what it made.
 */
async function settleThroughSignals<T>(
  work: Promise<T>
): Promise<{ result: PromiseSettledResult<T>; signal?: NodeJS.Signals }> {
  let signal: NodeJS.Signals | undefined
  const onSignal = (received: NodeJS.Signals) => {
    signal = received
    runner.warning(`Received ${received}: finishing the create in flight so its account can be removed`)
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
  try {
    const [result] = await Promise.allSettled([work])
    return { result, signal }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}
