// Prune's rules (src/operations/prune.ts, removal.ts): which accounts are old enough, what is
// counted as kept, how removals go on past failures and how many run at once, and how the
// failures are named. The property test is seeded; the seed is printed, and FC_SEED=<seed>
// replays a run.
import { beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import type { Agent } from 'undici'
import { prune } from '../src/operations/prune.js'
import { createdBy, failureLines, type RemovalResult, removeEach } from '../src/operations/removal.js'
import { PlatformClient } from '../src/platform/client.js'
import { generatedName, randomNamePart } from '../src/platform/names.js'
import type { ServiceAccount } from '../src/platform/types.js'
import { emulatorClient } from './helpers/create-step.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import { askingEmulator } from './helpers/runs-client.js'
import type { Emulator } from './helpers/suite.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)

let emulator: Emulator
let dispatcher: Agent

beforeAll(() => console.log(`prune: seed ${SEED} (replay with FC_SEED=${SEED})`))
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

const client = () =>
  new PlatformClient({
    apiUrl: emulator.url,
    authToken: emulator.issueToken('alice'),
    userAgent: 'operations-prune-test',
    dispatcher,
    timeoutMs: 2_000,
    maxAttempts: 1
  })
const ids = (accounts: ServiceAccount[]) => accounts.map(account => account.id)

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
    userAgent: 'prune-test',
    dispatcher,
    timeoutMs: 2_000,
    maxAttempts: 1
  })

describe('old enough to prune', () => {
  test('an account created at the very cutoff is old enough; a second later it is not', async () => {
    const created = '2024-01-01T00:00:00+00:00'
    const atCutoff = emulator.seedAccount('alice', { name: 'prune-edge-at', created_at: created })
    emulator.seedAccount('alice', { name: 'prune-edge-after', created_at: '2024-01-01T00:00:01+00:00' })
    const hour = 3_600_000
    const result = await prune(client(), {
      namePrefix: 'prune-edge-',
      olderThanMs: hour,
      dryRun: true,
      now: Date.parse(created) + hour
    })
    expect(ids(result.removed)).toEqual([atCutoff.id])
  })

  test('whatever the times: created at or before the cutoff, to the millisecond', () => {
    const year2000 = Date.UTC(2000, 0, 1)
    const year2100 = Date.UTC(2100, 0, 1)
    fc.assert(
      fc.property(
        fc.integer({ min: year2000, max: year2100 }),
        fc.integer({ min: -5_000, max: 5_000 }),
        (created, offset) => {
          const account = { created_at: new Date(created).toISOString() } as ServiceAccount
          expect(createdBy(account, created + offset)).toBe(offset >= 0)
        }
      ),
      { seed: SEED }
    )
  })

  test('counts as kept the newer accounts, and apart the old ones whose run is still going', async () => {
    const user = 'prune-kept'
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
      finishedRuns: askingEmulator(
        emulator,
        { repository: REPOSITORY, current: { runId: '500', attempt: '1' } },
        { maxAttempts: 1 }
      )
    })
    expect(result.removed.map(account => account.id)).toEqual([old.id])
    expect([result.kept, result.keptRunning]).toEqual([1, 1])
  })
})

describe('removing one by one', () => {
  test('an account already gone is neither removed nor failed; a refused one is named, and the rest go on', async () => {
    const refused = emulator.seedAccount('alice', { name: 'prune-refused' })
    const gone = emulator.seedAccount('alice', { name: 'prune-gone' })
    const removable = emulator.seedAccount('alice', { name: 'prune-removable' })
    await client().rm(gone.id)
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${refused.id}`, kind: 'status', status: 403 })
    const result = await removeEach(client(), [refused, gone, removable])
    expect(ids(result.removed)).toEqual([removable.id])
    expect(result.failed.map(({ account, reason }) => [account.id, reason])).toEqual([
      [refused.id, expect.stringContaining('HTTP 403')]
    ])
    expect(emulator.account(refused.id)).toBeDefined()
    expect(emulator.account(removable.id)).toBeUndefined()
  })

  test('removes one account at a time by default, and at most `concurrency` at once', async () => {
    const user = 'prune-pace'
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

describe('naming the failures', () => {
  const failures = (count: number): RemovalResult['failed'] =>
    Array.from({ length: count }, (_, i) => ({ account: { id: `id-${i}` } as ServiceAccount, reason: `reason ${i}` }))

  test('each failure as "<id>: <reason>", ten at most', () => {
    const ten = failureLines(failures(10))
    expect(ten).toHaveLength(10)
    expect(ten[0]).toBe('id-0: reason 0')
    expect(ten[9]).toBe('id-9: reason 9')
  })

  test('past ten, the rest are counted', () => {
    expect(failureLines(failures(11)).slice(9)).toEqual(['id-9: reason 9', 'and 1 more'])
    expect(failureLines(failures(25)).slice(9)).toEqual(['id-9: reason 9', 'and 15 more'])
  })
})
