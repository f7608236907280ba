// The built action's steps against a hostile server that each test starts, for the
// end-to-end files that pin what a platform's answers can and cannot make the action do.
import { afterEach, expect } from '@jest/globals'
import { findLeaks, runStep, type StepOptions, type StepResult } from './action.js'
import { startHostileServer, type Answer, type HostileServer, type Request } from './hostile-server.js'

export interface HostileSteps {
  /** Starts the test's server; it is closed after the test. */
  serve: (respond: (request: Request) => Answer) => Promise<HostileServer>
  /** The test's server: `serve` must have started it. */
  readonly server: HostileServer
  /** Runs a step against the server as `token`'s owner, in cluster `default` and project `p` unless the inputs say otherwise. */
  step: (
    kind: 'main' | 'post',
    inputs: Record<string, string>,
    options?: Omit<StepOptions, 'inputs'>
  ) => Promise<StepResult>
}

/** After each test, everything its steps printed is scanned for every one of `secrets`. */
export function useHostileSteps(token: string, secrets: string[]): HostileSteps {
  let current: HostileServer | undefined
  const runs: StepResult[] = []
  afterEach(async () => {
    await current?.close()
    current = undefined
    expect(findLeaks(runs.splice(0), secrets)).toEqual([])
  })
  const steps: HostileSteps = {
    serve: async respond => (current = await startHostileServer(respond)),
    get server() {
      if (!current) throw new Error('no hostile server: the test must call serve first')
      return current
    },
    step: async (kind, inputs, options = {}) => {
      const apiUrl = steps.server.url
      const result = await runStep(kind, {
        ...options,
        inputs: { 'api-url': apiUrl, token, cluster: 'default', project: 'p', ...inputs }
      })
      runs.push(result)
      return result
    }
  }
  return steps
}
