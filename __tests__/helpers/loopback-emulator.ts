// One emulator and one undici Agent for a whole unit-test file, for tests that call the client
// or a step in this process. Nothing from src is imported here: each test file loads src when
// it chooses to (helpers/fresh-import.ts), which Stryker's per-test coverage depends on.
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { Agent } from 'undici'
import { startEmulator, type EmulatorOptions } from '../../emulator/server.js'
import type { Emulator } from './suite.js'

export interface LoopbackEmulator {
  emulator: Emulator
  /** The first user's token. */
  token: string
  /** For the file's clients; it opens no socket until one of them sends a request. */
  dispatcher: Agent
}

/**
 * Starts the emulator (users default to alice) and the Agent before the file's first test;
 * `started` receives them and the first user's token. Call it before the file's own hooks that
 * use them: hooks run in the order they are registered. Faults and the request log are emptied
 * after each test, so that no test depends on those before it (Stryker runs only the tests
 * that cover a mutant); the Agent and the emulator are closed after the last test.
 */
export function useLoopbackEmulator(
  started: (loopback: LoopbackEmulator) => void,
  options: EmulatorOptions = {}
): void {
  let loopback: LoopbackEmulator
  beforeAll(async () => {
    const users = options.users ?? ['alice']
    const emulator = await startEmulator({ ...options, users })
    loopback = { emulator, token: emulator.issueToken(users[0]), dispatcher: new Agent() }
    started(loopback)
  })
  afterEach(() => {
    loopback.emulator.clearFaults()
    loopback.emulator.resetLog()
  })
  afterAll(async () => {
    await loopback.dispatcher.close()
    await loopback.emulator.close()
  })
}
