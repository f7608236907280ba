// Answers the client refuses or reads into known shapes (SECURITY.md, "Threat model"): against a
// loopback server that answers whatever a test says.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { Agent } from 'undici'
import { PlatformClient } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import { startHostileServer, type Answer, type HostileServer } from './helpers/hostile-server.js'

const ACCOUNT = {
  id: 'service-account-1',
  name: 'ci',
  role: 'alice/service-accounts/ci',
  owner: 'alice',
  default_cluster: 'default',
  default_project: 'p',
  default_org: 'o',
  created_at: '2026-11-28T10:00:00+00:00',
  role_deleted: false
}

let server: HostileServer
let answer: () => Answer
let dispatcher: Agent

beforeAll(async () => {
  server = await startHostileServer(() => answer())
  dispatcher = new Agent()
})
afterEach(() => {
  server.requests.length = 0
})
afterAll(async () => {
  await dispatcher.close()
  await server.close()
})

const client = (maxAttempts = 1) =>
  new PlatformClient({
    apiUrl: server.url,
    authToken: 'eyJh.eyJz.c2ln',
    userAgent: 'answers-test',
    dispatcher,
    maxAttempts,
    sleep: () => Promise.resolve()
  })
const json = (value: unknown, status = 200, type = 'application/json'): Answer => ({
  status,
  headers: { 'content-type': type },
  body: typeof value === 'string' ? value : JSON.stringify(value)
})
async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(PlatformError)
  return error as PlatformError
}

describe('accounts', () => {
  test('only the known fields are read, each of its type', async () => {
    answer = () =>
      json({ ...ACCOUNT, name: 7, owner: null, default_org: 3, role_deleted: 'yes', token: 'x', extra: '::x' })
    expect(await client().get(ACCOUNT.id)).toEqual({
      ...ACCOUNT,
      name: null,
      owner: '',
      default_org: null,
      role_deleted: false
    })
    answer = () => json({ ...ACCOUNT, role_deleted: true })
    expect((await client().get(ACCOUNT.id)).role_deleted).toBe(true)
  })

  test('an answer about another account is refused', async () => {
    answer = () => json({ ...ACCOUNT, id: 'service-account-2', name: 'other' })
    expect((await failure(client().get(ACCOUNT.id))).message).toContain(
      'the answer is another account (service-account-2)'
    )
    expect((await client().get('other')).id).toBe('service-account-2')
  })

  test('an answer that is no account, or whose id is not one, is refused', async () => {
    for (const body of [[ACCOUNT], { ...ACCOUNT, id: 5 }, { ...ACCOUNT, role: undefined }, null]) {
      answer = () => json(body)
      expect((await failure(client().get(ACCOUNT.id))).message).toContain('the answer is not a service account')
    }
    answer = () => json({ ...ACCOUNT, id: '../x' })
    expect((await failure(client().get('../x'))).message).toContain('an account id that is not one')
  })

  test('an answer that is not JSON is unreadable, and a read is tried again', async () => {
    answer = () => json('{"id": ')
    const error = await failure(client(2).get(ACCOUNT.id))
    expect(error.message).toContain('the answer is not valid JSON')
    expect(error.unreadable).toBe(true)
    expect(server.requests).toHaveLength(2)
  })

  test('a create answer without a token is unreadable: the account may exist', async () => {
    answer = () => json(ACCOUNT, 201)
    const error = await failure(client().create({ name: 'ci', default_cluster: 'default', default_project: 'p' }))
    expect(error.message).toContain('the answer holds no token')
    expect(error.unreadable).toBe(true)
  })

  test('a create sends only the fields it has', async () => {
    answer = () => json({ ...ACCOUNT, token: 'eyJ0' }, 201)
    await client().create({ name: '', default_cluster: 'c', default_project: 'p', default_org: '' })
    await client().create({ name: 'ci', default_cluster: 'c', default_project: 'p', default_org: 'o' })
    expect(server.requests.map(r => JSON.parse(r.body) as unknown)).toEqual([
      { default_cluster: 'c', default_project: 'p' },
      { default_cluster: 'c', default_project: 'p', name: 'ci', default_org: 'o' }
    ])
  })
})

describe('lists', () => {
  test('a JSON array is read when the server ignores Accept', async () => {
    answer = () => json([ACCOUNT, { ...ACCOUNT, id: 'service-account-2' }])
    expect((await client().list()).map(a => a.id)).toEqual([ACCOUNT.id, 'service-account-2'])
    expect(server.requests).toHaveLength(1)
  })

  test('a JSON answer that is no array, or an NDJSON line that is no JSON, is refused', async () => {
    answer = () => json({ accounts: [] })
    expect((await failure(client().list())).message).toContain('the answer is not a list of accounts')
    answer = () => json(`${JSON.stringify(ACCOUNT)}\n{oops\n`, 200, 'application/x-ndjson')
    expect((await failure(client().list())).message).toContain('the answer is not a list of accounts')
  })
})

describe('grants', () => {
  test('the granted permissions are read from a list; anything else is refused', async () => {
    answer = () => json([{ uri: 'storage://c/o/p', action: 'read' }, 'junk', { uri: 3 }], 201)
    expect(await client().grant('alice/service-accounts/ci', [])).toEqual([
      { uri: 'storage://c/o/p', action: 'read' },
      { uri: '', action: '' }
    ])
    expect(server.requests[0].path).toBe('/users/alice%3Aservice-accounts%3Aci/permissions')
    answer = () => json({ uri: 'x' }, 201)
    expect((await failure(client().grant('alice/service-accounts/ci', []))).message).toContain(
      'the answer is not a list'
    )
  })
})

describe('redirects', () => {
  test('name where they lead, without query or credentials, and are never followed', async () => {
    answer = () => ({ status: 302, headers: { location: 'https://user:pw@evil.example/steal?token=eyJabc#x' } })
    const error = await failure(client(3).get(ACCOUNT.id))
    expect(error.message).toContain('redirected to https://evil.example/steal;')
    expect(error.message).not.toContain('pw')
    expect(server.requests).toHaveLength(1)
    answer = () => ({ status: 301 })
    expect((await failure(client().get(ACCOUNT.id))).message).toContain('redirected to an unnamed location')
    answer = () => ({ status: 307, headers: { location: 'not a url' } })
    expect((await failure(client().get(ACCOUNT.id))).message).toContain('redirected to not a url;')
  })
})

describe('errors', () => {
  test('the status text stands in when an error body holds no message', async () => {
    answer = () => ({ status: 403, headers: { 'content-type': 'text/html' }, body: '<h1>no</h1>' })
    expect((await failure(client().get(ACCOUNT.id))).message).toBe(
      `get service account ${ACCOUNT.id} failed: HTTP 403: Forbidden`
    )
  })

  test("an error body's message: error, description or message; anything else gives the status text", async () => {
    const messages: string[] = []
    for (const body of [
      '{"error": "e1"}',
      '{"description": "d1"}',
      '{"message": "m1"}',
      '{"error": 5}',
      '{"error": ',
      '  ',
      'one line\n'
    ]) {
      answer = () => json(body, 409, body.startsWith('{') ? 'application/json' : 'text/plain')
      messages.push((await failure(client().get(ACCOUNT.id))).serverMessage)
    }
    expect(messages).toEqual(['e1', 'd1', 'm1', 'Conflict', 'Conflict', 'Conflict', 'one line'])
  })

  test('a refused connection names the request and is tried again', async () => {
    const closed = new PlatformClient({
      apiUrl: 'http://127.0.0.1:9/api/v1',
      authToken: 'eyJh.eyJz.c2ln',
      userAgent: 'answers-test',
      dispatcher,
      maxAttempts: 2,
      sleep: () => Promise.resolve()
    })
    const error = await failure(closed.get('x'))
    expect(error.status).toBe(0)
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).toContain('(GET http://127.0.0.1:9/api/v1/service_accounts/x)')
  })
})
