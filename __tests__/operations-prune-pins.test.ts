// What prune counts as kept, and how many removals run at once (src/operations/prune.ts,
// removal.ts), against the emulator as platform and GitHub.
import { describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { openRunsClient } from '../src/github/runs.js'
import { MAX_ASKED } from '../src/operations/finished-runs.js'
import { prune } from '../src/operations/prune.js'
import { removeEach } from '../src/operations/removal.js'
import { PlatformClient } from '../src/platform/client.js'
import { generatedName, randomNamePart } from '../src/platform/names.js'
import { emulatorClient } from './helpers/create-step.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

const REPOSITORY = { repository: 'octo-org/octo-repo', repositoryId: '77' }
const HOURS_6 = 6 * 3_600_000
const OLD = '2020-01-01T00:00:00+00:00'

/** A client that notes how many removals it has in flight at once. */
class CountingClient extends PlatformClient {
  inFlight = 0
  mostAtOnce = 0
  override async rm(id: string): Promise<void> {
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.inFlight)
    try {
      await super.rm(id)
    } finally {
      this.inFlight--
    }
  }
}
const countingClient = (user: string) =>
  new CountingClient({
    apiUrl: emulator.url,
    authToken: emulator.issueToken(user),
    userAgent: 'prune-pins-test',
    dispatcher,
    timeoutMs: 2_000,
    maxAttempts: 1
  })

describe('prune', () => {
  test('counts as kept the newer accounts, and apart the old ones whose run is still going', async () => {
    const user = 'prune-pins-kept'
    const client = emulatorClient(emulator, emulator.issueToken(user), dispatcher, { maxAttempts: 1 })
    const running = generatedName({ ...REPOSITORY, runId: '301', runAttempt: '1', job: 'build' }, randomNamePart())
    emulator.seedAccount(user, { name: running, created_at: OLD })
    emulator.github.setRun(REPOSITORY.repository, 301, 1, 'in_progress')
    const old = emulator.seedAccount(user, { name: 'gha-octo-repo-old-by-hand', created_at: OLD })
    emulator.seedAccount(user, { name: 'gha-octo-repo-new-by-hand', created_at: new Date().toISOString() })
    const result = await prune(client, {
      namePrefix: 'gha-octo-repo-',
      olderThanMs: HOURS_6,
      dryRun: true,
      finishedRuns: {
        repository: REPOSITORY,
        current: { runId: '500', attempt: '1' },
        openAsker: async () => {
          const runs = await openRunsClient({
            token: emulator.github.token,
            apiUrl: emulator.githubUrl,
            repository: REPOSITORY.repository,
            userAgent: 'prune-pins-test',
            timeoutMs: 1_000,
            maxAttempts: 1,
            deadline: Date.now() + 20_000,
            maxRequests: MAX_ASKED,
            sleep: () => Promise.resolve()
          })
          return run => runs.attemptStatus(run)
        }
      }
    })
    expect(result.removed.map(account => account.id)).toEqual([old.id])
    expect([result.kept, result.keptRunning]).toEqual([1, 1])
  })
})

describe('removeEach', () => {
  test('removes one account at a time by default, and at most `concurrency` at once', async () => {
    const user = 'prune-pins-pace'
    let seeded = 0
    const seed = () => emulator.seedAccount(user, { name: `pace-${++seeded}`, created_at: OLD })
    const one = countingClient(user)
    const first = [seed(), seed(), seed()]
    expect((await removeEach(one, first)).removed).toEqual(first)
    expect(one.mostAtOnce).toBe(1)
    const two = countingClient(user)
    const second = [seed(), seed(), seed(), seed(), seed()]
    expect((await removeEach(two, second, 2)).removed).toEqual(second)
    expect(two.mostAtOnce).toBe(2)
    expect([...first, ...second].filter(account => emulator.account(account.id))).toEqual([])
  })
})
