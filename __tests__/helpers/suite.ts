// What every end-to-end file shares: an emulator for the file, steps run against it, and a
// final scan of everything those steps printed for every secret they saw.
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { findLeaks, runStep, type StepOptions, type StepResult } from './action.js'

export type Emulator = Awaited<ReturnType<typeof startEmulator>>
export type Fault = Parameters<Emulator['addFault']>[0]

export interface Suite {
  /** Runs a step with the emulator's URL and the first user's token unless the inputs say otherwise. */
  step(
    kind: 'main' | 'post',
    inputs: Record<string, string>,
    options?: Omit<StepOptions, 'inputs'>
  ): Promise<StepResult>
  /** Adds a step run some other way to the leak scan. */
  record(result: StepResult): StepResult
  /** Adds a secret to look for. */
  secret(value: string): string
}

/** Starts an emulator for the file; `started` receives it and the first user's token. */
export function useEmulator(started: (emulator: Emulator, token: string) => void, users = ['alice']): Suite {
  let emulator: Emulator
  let token: string
  const runs: StepResult[] = []
  const secrets: string[] = []
  beforeAll(async () => {
    emulator = await startEmulator({ users })
    token = emulator.issueToken(users[0])
    secrets.push(token)
    started(emulator, token)
  })
  afterEach(() => emulator.clearFaults())
  afterAll(async () => {
    expect(findLeaks(runs, secrets)).toEqual([])
    await emulator.close()
  })
  const record = (result: StepResult) => {
    runs.push(result)
    if (result.outputs.token) secrets.push(result.outputs.token)
    return result
  }
  return {
    record,
    secret: value => {
      secrets.push(value)
      return value
    },
    step: async (kind, inputs, options = {}) =>
      record(await runStep(kind, { ...options, inputs: { 'api-url': emulator.url, token, ...inputs } }))
  }
}
