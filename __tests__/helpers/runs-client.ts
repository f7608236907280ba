// Clients of the emulator's GitHub (src/github/runs.ts): the client alone, its waits on a
// virtual clock and recorded, and the asker a sweep or prune is given; the requests are real.
import { openRunsClient, type RunsClientOptions } from '../../src/github/runs.js'
import { MAX_ASKED, type FinishedRunsOptions } from '../../src/operations/finished-runs.js'
import { VirtualClock } from './create-step.js'
import type { Emulator } from './suite.js'

export async function runsClient(emulator: Emulator, options: Partial<RunsClientOptions> = {}) {
  const clock = new VirtualClock()
  const waits: number[] = []
  const runs = await openRunsClient({
    token: emulator.github.token,
    apiUrl: emulator.githubUrl,
    repository: 'octo-org/octo-repo',
    userAgent: 'github-runs-test',
    timeoutMs: 2_000,
    maxAttempts: 3,
    deadline: 60_000,
    maxRequests: 50,
    now: clock.now,
    sleep: ms => {
      waits.push(ms)
      return clock.sleep(ms)
    },
    random: () => 0.5,
    ...options
  })
  return { runs, waits, clock }
}

/** What a sweep or prune needs to ask the emulator's GitHub through the real client; its waits pass at once. */
export function askingEmulator(
  emulator: Emulator,
  scope: Pick<FinishedRunsOptions, 'repository' | 'current'>,
  options: Partial<RunsClientOptions> = {}
): Omit<FinishedRunsOptions, 'ageInput'> {
  return {
    ...scope,
    openAsker: async () => {
      const client = await openRunsClient({
        token: emulator.github.token,
        apiUrl: emulator.githubUrl,
        repository: scope.repository.repository,
        userAgent: 'finished-runs-test',
        timeoutMs: 1_000,
        maxAttempts: 2,
        deadline: Date.now() + 20_000,
        maxRequests: MAX_ASKED,
        sleep: () => Promise.resolve(),
        ...options
      })
      return run => client.attemptStatus(run)
    }
  }
}
