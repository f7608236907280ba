import type { ConnectionInputs } from './inputs.js'
import { PlatformClient } from './platform/client.js'
import { createDispatcher } from './platform/http.js'
import { USER_AGENT } from './version.js'

/** `tokenAccepted`: the platform has accepted this credential earlier in the job. */
export async function createClient(
  inputs: ConnectionInputs,
  log: (line: string) => void,
  tokenAccepted = false
): Promise<PlatformClient> {
  return new PlatformClient({
    apiUrl: inputs.apiUrl,
    authToken: inputs.credential.authToken,
    userAgent: USER_AGENT,
    timeoutMs: inputs.timeoutMs,
    maxAttempts: inputs.maxAttempts,
    tokenAccepted,
    dispatcher: await createDispatcher(inputs.timeoutMs, inputs.apiUrl, inputs.caCertificates),
    log
  })
}
