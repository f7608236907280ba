import type { ConnectionInputs } from './inputs.js'
import { PlatformClient } from './platform/client.js'
import { createDispatcher } from './platform/http.js'
import { USER_AGENT } from './version.js'

export async function createClient(inputs: ConnectionInputs, log: (line: string) => void): Promise<PlatformClient> {
  return new PlatformClient({
    apiUrl: inputs.apiUrl,
    authToken: inputs.credential.authToken,
    userAgent: USER_AGENT,
    timeoutMs: inputs.timeoutMs,
    maxAttempts: inputs.maxAttempts,
    dispatcher: await createDispatcher(inputs.timeoutMs, inputs.apiUrl, inputs.caCertificates),
    log
  })
}
