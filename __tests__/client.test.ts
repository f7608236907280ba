// The platform client alone, over real HTTP on loopback against the emulator.
import { afterEach, describe, expect, test } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Agent } from 'undici'
import { startEmulator } from '../emulator/server.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'
import { PlatformClient, type PlatformClientOptions } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import { isTransient, mayHaveActed } from '../src/platform/retry.js'
import { decodeFullToken } from '../src/platform/token.js'

let emulator: Emulator
let dispatcher: Agent
const sleeps: number[] = []

useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback), { users: ['alice', 'bob'] })
afterEach(() => {
  sleeps.length = 0
})

function client(user = 'alice', options: Partial<PlatformClientOptions> = {}): PlatformClient {
  return new PlatformClient({
    apiUrl: `${emulator.url}/`,
    authToken: emulator.issueToken(user),
    userAgent: 'client-test/1.0',
    dispatcher,
    timeoutMs: 2_000,
    sleep: ms => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    ...options
  })
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError)
    return error as PlatformError
  }
  throw new Error('expected a PlatformError')
}

const target = { default_cluster: 'default', default_project: 'test-project' }

describe('operations', () => {
  test('create returns the account and a full token whose JWT works as a bearer', async () => {
    const alice = client()
    const created = await alice.create({ name: 'client-create', ...target, default_org: 'test-org' })
    expect(created).toMatchObject({
      name: 'client-create',
      owner: 'alice',
      role: 'alice/service-accounts/client-create',
      default_org: 'test-org',
      role_deleted: false
    })
    expect(created.id).toMatch(/^service-account-[0-9a-f-]{36}$/)
    const inner = decodeFullToken(created.token)
    expect(inner?.context).toEqual({ url: emulator.url, cluster: 'default', project: 'test-project', org: 'test-org' })
    const asAccount = new PlatformClient({
      apiUrl: emulator.url,
      authToken: inner!.authToken,
      userAgent: 'x',
      dispatcher
    })
    expect((await asAccount.config()).authorized).toBe(true)
    await alice.rm(created.id)
    expect((await asAccount.config()).authorized).toBe(false)
  })

  test('create sends only the fields it has: no org, no empty strings', async () => {
    emulator.resetLog()
    const created = await client().create({ name: 'client-no-org', ...target })
    expect(created.default_org ?? null).toBeNull()
    await client().rm(created.id)
  })

  test('list, get by id and by name, rm', async () => {
    const alice = client()
    const a = await alice.create({ name: 'client-a', ...target })
    const b = await alice.create({ name: 'client-b', ...target })
    await client('bob').create({ name: 'client-a', ...target })
    const listed = await alice.list()
    expect(listed.map(x => x.id).sort()).toEqual(expect.arrayContaining([a.id, b.id].sort()))
    expect(listed.every(x => x.owner === 'alice' && !('token' in x))).toBe(true)
    expect((await alice.get(a.id)).name).toBe('client-a')
    expect((await alice.get('client-b')).id).toBe(b.id)
    await alice.rm('client-a')
    await alice.rm(b.id)
    expect((await failure(alice.get('client-a'))).status).toBe(404)
  })

  test('grant gives the role permissions', async () => {
    const alice = client()
    const created = await alice.create({ name: 'client-grant', ...target })
    const granted = await alice.grant(created.role, [
      { uri: 'storage://default/test-org/test-project/data', action: 'read' }
    ])
    expect(granted).toEqual([{ uri: 'storage://default/test-org/test-project/data', action: 'read' }])
    expect(emulator.grants(created.role)).toEqual(granted)
    await alice.rm(created.id)
  })

  test("a service account's token creates an account it owns: its answer is believed", async () => {
    const alice = client()
    const parent = await alice.create({ name: 'client-parent', ...target })
    const asParent = client('alice', { authToken: decodeFullToken(parent.token)!.authToken })
    const child = await asParent.create({ name: 'client-child', ...target })
    expect([child.name, child.owner, child.role]).toEqual([
      'client-child',
      parent.role,
      `${parent.role}/service-accounts/client-child`
    ])
    await asParent.rm(child.id)
    await alice.rm(parent.id)
  })

  test.each([
    'alice',
    'alice/service-accounts',
    'alice:x/service-accounts/ci',
    'alice/../service-accounts/ci',
    '/service-accounts/ci',
    'alice/service-accounts/Bad_Name',
    'alice/users/ci'
  ])('grant refuses the role %j before any request: only <owner>/service-accounts/<name> is sent', async role => {
    emulator.resetLog()
    const error = await failure(client().grant(role, [{ uri: 'storage://default/x', action: 'read' }]))
    expect(error.message).toContain('not a role of the shape <owner>/service-accounts/<name>')
    expect(emulator.requests).toEqual([])
  })
})

describe('errors carry the status and the server message', () => {
  test('400 invalid name', async () => {
    const error = await failure(client().create({ name: 'Bad_Name', ...target }))
    expect(error.status).toBe(400)
    expect(error.message).toBe("create service account failed: HTTP 400: {'name': ['Invalid service account name']}")
  })

  test('409 taken name, never retried', async () => {
    const alice = client()
    const created = await alice.create({ name: 'client-taken', ...target })
    emulator.resetLog()
    const error = await failure(alice.create({ name: 'client-taken', ...target }))
    expect(error.status).toBe(409)
    expect(error.serverMessage).toBe('Service Account with such name exists')
    expect(mayHaveActed(error)).toBe(false)
    expect(emulator.requests).toHaveLength(1)
    await alice.rm(created.id)
  })

  test('401 bad token', async () => {
    const error = await failure(
      new PlatformClient({ apiUrl: emulator.url, authToken: 'a.b.c', userAgent: 'x', dispatcher }).list()
    )
    expect(error.status).toBe(401)
    expect(error.message).toBe('list service accounts failed: HTTP 401: 401: Unauthorized')
  })

  test('404 on get and rm', async () => {
    expect((await failure(client().get('nobody'))).message).toBe(
      'get service account nobody failed: HTTP 404: Service account nobody not found'
    )
    expect((await failure(client().rm('nobody'))).message).toBe(
      'remove service account nobody failed: HTTP 404: Service account nobody not found'
    )
  })

  test('500 with the server error text, not retried', async () => {
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 500,
      body: '{"error": "Unexpected exception: auth down"}',
      headers: { 'content-type': 'application/json' }
    })
    emulator.resetLog()
    const error = await failure(client().list())
    expect(error.message).toBe('list service accounts failed: HTTP 500: Unexpected exception: auth down')
    expect(emulator.requests).toHaveLength(1)
  })
})

describe('retries', () => {
  test('503 then success: retried with backoff, full jitter under the ceiling', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 503, times: 2 })
    const alice = client('alice', { random: () => 0.5, baseDelayMs: 100 })
    await alice.list()
    expect(sleeps).toEqual([50, 100])
  })

  test('429 waits at least what Retry-After asks, plus a random share, capped', async () => {
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3' }
    })
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3600' }
    })
    await client('alice', { maxDelayMs: 10_000, random: () => 0.5 }).list()
    expect(sleeps).toEqual([8_000, 10_000])
  })

  test('throttling is waited out however many answers it takes; max-attempts bounds only other failures', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 429, times: 6 })
    emulator.resetLog()
    await client('alice', { maxAttempts: 2, budgetMs: 60_000, random: () => 0.5 }).list()
    expect(emulator.requests.map(r => r.status)).toEqual([429, 429, 429, 429, 429, 429, 200])
  })

  test('a create answered 429 made nothing, so it is simply sent again', async () => {
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'status', status: 429, times: 3 })
    emulator.resetLog()
    const created = await client('alice', { maxAttempts: 1 }).create({ name: 'client-429', ...target })
    expect(emulator.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'POST 429',
      'POST 429',
      'POST 429',
      'POST 201'
    ])
    await client().rm(created.id)
  })

  test('after a throttled answer, the next request, of this client or a clone, waits a share of Retry-After first', async () => {
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '2' }
    })
    const alice = client('alice', { random: () => 0.25 })
    await alice.list()
    expect(sleeps).toEqual([4_000])
    await alice.as(undefined, {}).config()
    expect(sleeps).toEqual([4_000, 1_000])
    await client('alice', { random: () => 0.25 }).config()
    expect(sleeps).toEqual([4_000, 1_000])
  })

  test('throttling stops at the time budget with the last status', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 429, times: Infinity })
    let clock = 0
    const error = await failure(
      client('alice', {
        budgetMs: 10_000,
        random: () => 0.5,
        now: () => clock,
        sleep: ms => {
          clock += ms
          return Promise.resolve()
        }
      }).list()
    )
    expect(error.status).toBe(429)
    expect(error.message).toMatch(/; gave up after \d+ attempts over \d+\.\d s: these requests had 10 s in all/)
    expect(clock).toBeLessThanOrEqual(10_000)
  })

  test('a 401 after the platform accepted the token is a hiccup: retried', async () => {
    const alice = client()
    await alice.list()
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 401,
      times: 2,
      body: '401: Unauthorized',
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    })
    emulator.resetLog()
    await alice.list()
    expect(emulator.requests.map(r => r.status)).toEqual([401, 401, 200])
  })

  test('a 401 on the first request is a verdict: it fails at once', async () => {
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 401,
      times: Infinity,
      body: '401: Unauthorized',
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    })
    emulator.resetLog()
    const error = await failure(client().list())
    expect(error.message).toBe('list service accounts failed: HTTP 401: 401: Unauthorized')
    expect(emulator.requests).toHaveLength(1)
  })

  const unauthorizedOnce = (path: string) =>
    emulator.addFault({
      method: 'GET',
      path,
      kind: 'status',
      status: 401,
      times: 1,
      body: '401: Unauthorized',
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    })

  test('a clone speaking as itself keeps what the platform accepted; one given another token starts unproven', async () => {
    const alice = client()
    await alice.list()
    unauthorizedOnce('/config')
    emulator.resetLog()
    await alice.as(undefined, {}).config()
    expect(emulator.requests.map(r => r.status)).toEqual([401, 200])
    unauthorizedOnce('/config')
    emulator.resetLog()
    const error = await failure(alice.as(emulator.issueToken('alice'), {}).config())
    expect(error.status).toBe(401)
    expect(emulator.requests.map(r => r.status)).toEqual([401])
  })

  test('only a 2xx proves the token accepted: after a redirect, a 401 is still a verdict', async () => {
    const alice = client()
    emulator.addFault({ method: 'GET', path: '/config', kind: 'status', status: 300, times: 1 })
    expect((await failure(alice.config())).status).toBe(300)
    unauthorizedOnce('/config')
    emulator.resetLog()
    expect((await failure(alice.config())).status).toBe(401)
    expect(emulator.requests.map(r => r.status)).toEqual([401])
  })

  test('a removal survives a 401 hiccup and removes the account', async () => {
    const alice = client()
    const created = await alice.create({ name: 'client-hiccup', ...target })
    emulator.addFault({ method: 'DELETE', kind: 'status', status: 401, times: 2, body: '401: Unauthorized' })
    await alice.rm(created.id)
    expect(emulator.accounts().some(a => a.id === created.id)).toBe(false)
  })

  test('gives up after max attempts with the last status', async () => {
    emulator.addFault({
      method: 'GET',
      path: '/service_accounts',
      kind: 'status',
      status: 502,
      times: Infinity,
      body: '<html>bad gateway</html>',
      headers: { 'content-type': 'text/html' }
    })
    emulator.resetLog()
    const error = await failure(client('alice', { maxAttempts: 3 }).list())
    expect(error.message).toMatch(
      /^list service accounts failed: HTTP 502: Bad Gateway \(after 3 attempts over \d\.\d s\)$/
    )
    expect(emulator.requests).toHaveLength(3)
  })

  test('max-attempts 1 turns retries off', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 503, times: Infinity })
    emulator.resetLog()
    await failure(client('alice', { maxAttempts: 1 }).list())
    expect(emulator.requests).toHaveLength(1)
  })

  test('a reset is retried for GET; a POST reset after acting is reported as maybe acted, not retried', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'reset-before' })
    await client().list()
    expect(sleeps).toHaveLength(1)
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-after' })
    emulator.resetLog()
    const error = await failure(client().create({ name: 'client-reset', ...target }))
    expect(mayHaveActed(error)).toBe(true)
    expect(emulator.requests.filter(r => r.method === 'POST')).toHaveLength(1)
    await client().rm('client-reset')
  })

  test('a POST answered 503 is not repeated by the client: a gateway may answer so after the platform acted', async () => {
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'status', status: 503 })
    emulator.resetLog()
    const error = await failure(client().create({ name: 'client-503', ...target }))
    expect([error.status, mayHaveActed(error), isTransient(error)]).toEqual([503, true, true])
    expect(emulator.requests.filter(r => r.method === 'POST')).toHaveLength(1)
  })

  test('a POST refused before it was sent is repeated by the client', async () => {
    const closed = await new Promise<number>(done => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => done(port))
      })
    })
    const error = await failure(
      client('alice', { apiUrl: `http://127.0.0.1:${closed}/api/v1`, maxAttempts: 3 }).create({ name: 'x', ...target })
    )
    expect(error.code).toBe('ECONNREFUSED')
    expect(sleeps).toHaveLength(2)
  })

  test('a hanging server times out with an error that says where', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'hang', times: Infinity })
    const started = Date.now()
    const error = await failure(client('alice', { timeoutMs: 300, maxAttempts: 2 }).list())
    const where = `timed out after 0.3 s waiting for GET ${emulator.url}/service_accounts`
    expect(error.message.startsWith(`list service accounts failed: ${where} (after 2 attempts over `)).toBe(true)
    expect(error.message).toMatch(/ over \d\.\d s\) \(TIMEOUT\)$/)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  test('a slow body is cut at the attempt limit', async () => {
    emulator.addFault({ method: 'GET', path: '/config', kind: 'slow-body', ms: 200, times: Infinity })
    const error = await failure(client('alice', { timeoutMs: 500, maxAttempts: 1 }).config())
    expect(error.message).toContain('timed out after 0.5 s')
  })
})

describe('redirects are never followed', () => {
  test('a 307 to another origin is an error naming it, and the sink never sees the credential', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'redirect' })
    const error = await failure(client().list())
    expect(error.status).toBe(307)
    expect(error.message).toContain(`redirected to ${emulator.sink.origin}`)
    expect(emulator.sink.requests).toEqual([])
  })
})

describe('scale', () => {
  test('10,000 accounts stream as NDJSON', async () => {
    const big = await startEmulator({ users: ['dora'], logRequests: false })
    try {
      big.seedAccounts('dora', 10_000, { namePrefix: 'bulk-' })
      const dora = new PlatformClient({
        apiUrl: big.url,
        authToken: big.issueToken('dora'),
        userAgent: 'x',
        dispatcher
      })
      const accounts = await dora.list()
      expect(accounts).toHaveLength(10_000)
      expect(new Set(accounts.map(a => a.name)).size).toBe(10_000)
    } finally {
      await big.close()
    }
  })
})

describe('removal tries harder', () => {
  test('a 500 on DELETE is retried, since giving up leaves a live credential', async () => {
    const alice = client()
    const created = await alice.create({ name: 'client-rm-500', ...target })
    emulator.addFault({ method: 'DELETE', path: /^\/service_accounts\//, kind: 'status', status: 500 })
    await alice.rm(created.id)
    expect(sleeps).toHaveLength(1)
    expect(emulator.account(created.id)).toBeUndefined()
  })
})

describe('failures that no retry mends', () => {
  test('a TLS handshake with a plain-HTTP server fails at once, naming the cause', async () => {
    const error = await failure(client('alice', { apiUrl: emulator.url.replace('http:', 'https:') }).list())
    expect(error.status).toBe(0)
    expect(isTransient(error)).toBe(false)
    expect(sleeps).toEqual([])
    expect(error.message).toMatch(
      /^list service accounts failed: .+\(GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/service_accounts\) \(\w+\)$/
    )
  })
})
