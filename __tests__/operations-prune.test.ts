// Prune's rules (src/operations/prune.ts, removal.ts): which accounts are old enough, how removals go on
// past failures, and how the failures are named. The property test is seeded; the seed is
// printed, and FC_SEED=<seed> replays a run.
import { beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import type { Agent } from 'undici'
import { prune } from '../src/operations/prune.js'
import { createdBy, failureLines, removeEach, type RemovalResult } from '../src/operations/removal.js'
import { PlatformClient } from '../src/platform/client.js'
import type { ServiceAccount } from '../src/platform/types.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
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
