// A client of the emulator's GitHub (src/github/runs.ts): its waits pass on a virtual clock
// and are recorded, its requests are real.
import { openRunsClient, type RunsClientOptions } from '../../src/github/runs.js'
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
