// A list cut off mid-body and read again: the accounts of the attempt that was cut off are
// dropped, so each account is listed once and prune removes each once.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { prune } from '../src/operations/prune.js'
import { PlatformClient } from '../src/platform/client.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

/** A client as `owner`: each test lists an owner of its own, so no other test's accounts are in its list. */
const client = (owner: string) =>
  new PlatformClient({
    apiUrl: emulator.url,
    authToken: emulator.issueToken(owner),
    userAgent: 'list-retry-test',
    dispatcher,
    maxAttempts: 2,
    sleep: () => Promise.resolve()
  })

/** Seeds `count` accounts of `owner` and returns their ids, sorted. */
function seed(owner: string, count: number, createdAt?: string): string[] {
  emulator.seedAccounts(owner, count, { namePrefix: 'retry-', createdAt })
  return emulator
    .accounts()
    .filter(a => a.owner === owner)
    .map(a => a.id)
    .sort()
}

/** The list's first answer sends half its NDJSON body, whole lines among it, and closes. */
function cutOffOnce() {
  emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'truncated' })
}

const listRequests = () => emulator.requests.filter(r => r.method === 'GET' && r.path.endsWith('/service_accounts'))

test('a list retried after a cut-off answer gives each account once', async () => {
  const seeded = seed('list-owner', 20)
  cutOffOnce()
  const listed = await client('list-owner').list()
  expect(listRequests()).toHaveLength(2)
  expect(listRequests()[0].headers.accept).toContain('application/x-ndjson')
  expect(listed.map(a => a.id).sort()).toEqual(seeded)
})

test('prune after a cut-off list deletes each stale account once', async () => {
  const seeded = seed('prune-owner', 12, '2020-01-01T00:00:00+00:00')
  cutOffOnce()
  const result = await prune(client('prune-owner'), { namePrefix: 'retry-', olderThanMs: 0, dryRun: false })
  expect(listRequests()).toHaveLength(2)
  expect(result.failed).toEqual([])
  expect(result.removed.map(a => a.id).sort()).toEqual(seeded)
  const deletes = emulator.requests.filter(r => r.method === 'DELETE').map(r => r.path)
  expect(deletes).toHaveLength(seeded.length)
  expect(new Set(deletes).size).toBe(seeded.length)
  for (const id of seeded) expect(emulator.account(id)).toBeUndefined()
})
