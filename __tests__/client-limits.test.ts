// The client's limits (docs/reliability.md and docs/cleanup.md), each
// against a loopback server, with a fake clock where time matters.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { Agent } from 'undici'
import { PlatformClient, type PlatformClientOptions } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import { ThrottleMemory } from '../src/platform/retry.js'
import { startHostileServer, type Answer, type HostileServer } from './helpers/hostile-server.js'

const ACCOUNT = {
  id: 'service-account-2f0c1b8e-2b7a-4c1e-9c55-8d1f0e6a7b3c',
  name: 'ci',
  role: 'alice/service-accounts/ci',
  owner: 'alice',
  default_cluster: 'default',
  default_project: 'p',
  default_org: null,
  created_at: '2026-11-28T10:00:00+00:00',
  role_deleted: false
}

let server: HostileServer
let answer: () => Answer
let dispatcher: Agent
/** The fake clock: the client's `now`, moved on by its `sleep`. */
let clock = 0
let sleeps: number[] = []

beforeAll(async () => {
  server = await startHostileServer(() => answer())
  dispatcher = new Agent()
})
afterEach(() => {
  server.requests.length = 0
  sleeps = []
  clock = 0
})
afterAll(async () => {
  await dispatcher.close()
  await server.close()
})

function client(options: Partial<PlatformClientOptions> = {}): PlatformClient {
  return new PlatformClient({
    apiUrl: server.url,
    authToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln',
    userAgent: 'limits-test',
    dispatcher,
    now: () => clock,
    sleep: ms => {
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    },
    random: () => 0.5,
    ...options
  })
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(PlatformError)
  return error as PlatformError
}

const unavailable = (retryAfterSeconds: number) => (): Answer => ({
  status: 503,
  headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'application/json' },
  body: '{"error": "busy"}'
})
const json = (value: unknown): Answer => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value)
})

describe('the time budget', () => {
  test('is 3 × max-attempts × timeout-seconds: at 1 s and 3 attempts, a wait that ends at 8 s is taken', async () => {
    answer = unavailable(4)
    // No random share on top of Retry-After: each wait is exactly what it asks.
    await failure(client({ timeoutMs: 1_000, maxAttempts: 3, random: () => 0 }).get(ACCOUNT.id))
    expect(sleeps).toEqual([4_000, 4_000])
    expect(server.requests).toHaveLength(3)
  })

  test('is 3 × max-attempts × timeout-seconds: at 1 s and 3 attempts, a wait that would end at 10 s is not', async () => {
    answer = unavailable(5)
    const error = await failure(client({ timeoutMs: 1_000, maxAttempts: 3, random: () => 0 }).get(ACCOUNT.id))
    expect(sleeps).toEqual([5_000])
    expect(server.requests).toHaveLength(2)
    expect(error.message).toContain('gave up')
  })

  test('a backoff wait that would end past the deadline is not taken: the request gives up at once', async () => {
    answer = unavailable(30)
    const error = await failure(client({ timeoutMs: 2_000, maxAttempts: 5, maxDelayMs: 60_000 }).get(ACCOUNT.id))
    expect(sleeps).toEqual([])
    expect(server.requests).toHaveLength(1)
    expect(error.status).toBe(503)
    expect(error.message).toContain('gave up')
  })

  test("an attempt's timeout is cut to the time left in the budget", async () => {
    answer = () => ({ status: 200, hang: true })
    const slow = client({ timeoutMs: 20_000, maxAttempts: 1 })
    clock = 20_000 * 3 - 300 // 0.3 s of the 60 s budget left
    const started = Date.now()
    const error = await failure(slow.get(ACCOUNT.id))
    expect(error.message).toContain('timed out after 0.3 s')
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  test('once the budget is spent no request is sent', async () => {
    answer = () => json(ACCOUNT)
    const spent = client({ timeoutMs: 1_000, maxAttempts: 1 })
    clock = 3_000
    await failure(spent.get(ACCOUNT.id))
    expect(server.requests).toEqual([])
  })

  test('what is left of the budget counts down with the clock and stops at zero', () => {
    const timed = client({ budgetMs: 10_000 })
    expect(timed.timeLeftMs()).toBe(10_000)
    clock = 4_000
    expect(timed.timeLeftMs()).toBe(6_000)
    clock = 12_000
    expect(timed.timeLeftMs()).toBe(0)
  })

  test('a backoff wait that would end exactly at the deadline is not taken; the error says why, after the last answer', async () => {
    answer = unavailable(4)
    const error = await failure(client({ budgetMs: 4_000, random: () => 0 }).get(ACCOUNT.id))
    expect(sleeps).toEqual([])
    expect(server.requests).toHaveLength(1)
    expect(error.message).toMatch(
      new RegExp(
        `^get service account ${ACCOUNT.id} failed: HTTP 503: busy; ` +
          `gave up after 1 attempt over \\d+\\.\\d s: these requests had 4 s in all \\(docs/reliability\\.md, "Time limits"\\)$`
      )
    )
  })

  test('once the budget is spent, the error says so with a code of its own', async () => {
    answer = () => json(ACCOUNT)
    const spent = client({ budgetMs: 3_000 })
    clock = 3_000
    const error = await failure(spent.get(ACCOUNT.id))
    expect([error.status, error.code]).toEqual([0, 'OUT_OF_TIME'])
    expect(error.message).toBe(
      `get service account ${ACCOUNT.id} failed: gave up: these requests had 3 s in all (docs/reliability.md, "Time limits") (OUT_OF_TIME)`
    )
  })

  test("giving up keeps the last failure's code: a refused connection stays one", async () => {
    const refused = client({ apiUrl: 'http://127.0.0.1:9/api/v1', budgetMs: 200 })
    const error = await failure(refused.get(ACCOUNT.id))
    expect([error.status, error.code]).toEqual([0, 'ECONNREFUSED'])
    expect(error.message).toMatch(/; gave up after 1 attempt over \d+\.\d s: these requests had 0 s in all /)
  })

  test('after throttling, a first wait is taken when it ends before the deadline, skipped when it would end at it', async () => {
    answer = () => json(ACCOUNT)
    const throttling = new ThrottleMemory()
    // Asked for 4 s just now: the next request waits half of twice that (random 0.5).
    throttling.record(0, 4_000)
    await client({ throttling, budgetMs: 10_000 }).get(ACCOUNT.id)
    expect(sleeps).toEqual([4_000])
    clock = 0
    expect((await client({ throttling, budgetMs: 4_000 }).get(ACCOUNT.id)).id).toBe(ACCOUNT.id)
    expect(sleeps).toEqual([4_000])
    expect(server.requests).toHaveLength(2)
  })

  test('a client made with as() has a budget of its own, counted from when it is made', async () => {
    answer = () => json(ACCOUNT)
    const spent = client({ timeoutMs: 1_000, maxAttempts: 1 })
    clock = 3_000
    expect((await spent.as(undefined, {}).get(ACCOUNT.id)).id).toBe(ACCOUNT.id)
    expect(server.requests).toHaveLength(1)
  })
})

describe('bounded answers', () => {
  const MiB = 1024 * 1024
  /** An account answer of exactly `bytes` bytes. */
  const accountOfSize = (bytes: number): Answer => {
    const base = JSON.stringify({ ...ACCOUNT, padding: '' })
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ACCOUNT, padding: 'x'.repeat(bytes - base.length) })
    }
  }

  test('a JSON answer of 4 MiB is read', async () => {
    answer = () => accountOfSize(4 * MiB)
    expect((await client({ maxAttempts: 1 }).get(ACCOUNT.id)).id).toBe(ACCOUNT.id)
  })

  test('a JSON answer over 4 MiB is refused', async () => {
    answer = () => accountOfSize(4 * MiB + 1)
    const error = await failure(client({ maxAttempts: 1 }).get(ACCOUNT.id))
    expect(error.code).toBe('BODY_TOO_LARGE')
    expect(error.message).toContain('4096 KiB')
  })
})

describe('bounded lists', () => {
  test('a list of more than 100,000 accounts is refused, not cut', async () => {
    // The limit counts accounts, so one account repeated will do.
    const one = '{"id":"a","role":"alice/service-accounts/a"}'
    answer = () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: `[${`${one},`.repeat(100_000)}${one}]`
    })
    const error = await failure(client({ maxAttempts: 1 }).list())
    expect(error.message).toBe(
      'list service accounts failed: HTTP 200: the list holds more than 100,000 accounts, more than this action reads'
    )
  })
})

describe('path segments', () => {
  test.each(['', '.', '..'])('no request is ever sent for an id or name of %j', async value => {
    answer = () => json(ACCOUNT)
    const alice = client({ maxAttempts: 1 })
    await expect(alice.get(value)).rejects.toThrow(/not an id or name/)
    await expect(alice.rm(value)).rejects.toThrow(/not an id or name/)
    // A role must be <owner>/service-accounts/<name> before any request, so these never get that far.
    await expect(alice.grant(value, [{ uri: 'storage://default/o/p', action: 'read' }])).rejects.toThrow(
      /not a role of the shape/
    )
    await expect(alice.grant(`alice/service-accounts/${value}`, [])).rejects.toThrow(/not a role of the shape/)
    expect(server.requests).toEqual([])
  })

  test('an id with slashes or dots inside stays one encoded segment; a role becomes one with ":"', async () => {
    answer = () => ({ status: 204 })
    await client({ maxAttempts: 1 }).rm('a/../b')
    answer = () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '[]' })
    await client({ maxAttempts: 1 }).grant('alice/service-accounts/ci.v2', [])
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'DELETE /service_accounts/a%2F..%2Fb',
      'POST /users/alice%3Aservice-accounts%3Aci.v2/permissions'
    ])
  })
})
