// The create step called directly, with a client the test builds: its clock can be virtual
// and its limits small, where main would build one from the inputs as given.
import type { Dispatcher } from 'undici'
import { INPUT_DEFAULTS, readInputs, type CreateInputs } from '../../src/inputs.js'
import { PlatformClient, type PlatformClientOptions } from '../../src/platform/client.js'
import { createDispatcher } from '../../src/platform/http.js'
import type { Emulator } from './suite.js'

/** The create inputs as the runner would give them, with action.yml's defaults. */
export function createInputs(values: Record<string, string>): CreateInputs {
  const given: Record<string, string> = { ...INPUT_DEFAULTS, ...values }
  return readInputs(
    name => given[name] ?? '',
    () => undefined
  ) as CreateInputs
}

/**
 * Time that passes only when a client waits, or when a test moves it on: budgets and
 * backoff then add up exactly, whatever the machine's load.
 */
export class VirtualClock {
  ms = 0
  readonly now = () => this.ms
  readonly sleep = (ms: number) => {
    this.ms += ms
    return Promise.resolve()
  }
}

/** A client of the emulator as `token`'s owner; `options` override the defaults. */
export function emulatorClient(
  emulator: Emulator,
  token: string,
  dispatcher: Dispatcher,
  options: Partial<PlatformClientOptions> = {}
): PlatformClient {
  return new PlatformClient({
    apiUrl: emulator.url,
    authToken: token,
    userAgent: 'create-step-test',
    dispatcher,
    // The sweep's own connections, opened as the action opens them (client-factory.ts).
    openDispatcher: connections => createDispatcher(2_000, emulator.url, [], {}, connections),
    timeoutMs: 2_000,
    maxAttempts: 2,
    ...options
  })
}
