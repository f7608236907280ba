import type { ConnectionInputs } from './inputs.js'
import { PlatformClient } from './platform/client.js'
import { createDispatcher } from './platform/http.js'
import { ThrottleMemory, type ThrottleRecord } from './platform/retry.js'
import { warning } from './runner.js'
import { USER_AGENT } from './version.js'

/**
 * `tokenAccepted`: the platform has accepted this credential earlier in the job;
 * `throttled`: what an earlier step of the job heard of throttling.
 */
export async function createClient(
  inputs: ConnectionInputs,
  log: (line: string) => void,
  tokenAccepted = false,
  throttled?: ThrottleRecord
): Promise<PlatformClient> {
  warnOfUncheckedTls(process.env)
  const openDispatcher = (connections: number) =>
    createDispatcher(inputs.timeoutMs, inputs.apiUrl, inputs.caCertificates, process.env, connections)
  return new PlatformClient({
    apiUrl: inputs.apiUrl,
    authToken: inputs.credential.authToken,
    userAgent: USER_AGENT,
    timeoutMs: inputs.timeoutMs,
    maxAttempts: inputs.maxAttempts,
    tokenAccepted,
    throttling: new ThrottleMemory(throttled),
    dispatcher: await openDispatcher(1),
    openDispatcher,
    log
  })
}

/**
 * The action's own requests check certificates whatever this says (platform/http.ts), but
 * other tools of the job may not, and whoever set it may believe the action does not either.
 */
function warnOfUncheckedTls(env: NodeJS.ProcessEnv): void {
  const value = env.NODE_TLS_REJECT_UNAUTHORIZED
  if (!value || value === '1') return
  warning(
    'NODE_TLS_REJECT_UNAUTHORIZED is set in the environment (at 0 Node skips certificate checks): ' +
      "this action still checks the platform's and any proxy's certificates, other tools of this job may not. " +
      'Trust a private CA with ca-certificate or NODE_EXTRA_CA_CERTS instead.'
  )
}
