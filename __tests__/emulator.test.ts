// The emulator must speak the platform's contract (as read from the platform server's
// api.py and schema.py), or every other test proves little. Raw HTTP on loopback, independent
// of the action's client: fetch for most, node:http where fetch hides the wire.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { AUTH_SERVICE_URL, REGISTRY_DOMAIN, registryUrl, startEmulator } from '../emulator/server.js'
import type { Emulator } from './helpers/suite.js'

type Reply = { status: number; text: string; headers: Headers }
type CallOptions = {
  token?: string
  body?: unknown
  raw?: string
  headers?: Record<string, string>
  signal?: AbortSignal
}

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const CREATED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/
const RECORD_KEYS = [
  'name',
  'default_cluster',
  'default_project',
  'default_org',
  'id',
  'role',
  'owner',
  'created_at',
  'role_deleted'
]
const CLI = fileURLToPath(new URL('../emulator/cli.js', import.meta.url))

let emulator: Emulator
let counter = 0

beforeAll(async () => {
  emulator = await startEmulator({ users: ['alice', 'bob'], serviceVersion: '9.8.7' })
})
afterEach(() => emulator.clearFaults())
afterAll(() => emulator.close())

/** A fresh user per test keeps tests independent of each other's accounts. */
function user(): { name: string; token: string } {
  const name = `user${++counter}`
  return { name, token: emulator.issueToken(name) }
}

async function call(method: string, path: string, options: CallOptions = {}, base = emulator.url): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual', signal: options.signal })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

const create = (token: string, fields: Record<string, unknown> = {}) =>
  call('POST', '/service_accounts', { token, body: { default_cluster: 'default', default_project: 'p', ...fields } })

async function made(
  token: string,
  fields: Record<string, unknown> = {}
): Promise<Record<string, string> & { token: string }> {
  const reply = await create(token, fields)
  expect(reply.status).toBe(201)
  return JSON.parse(reply.text)
}

const decode = (base64: string, kind: 'base64' | 'base64url' = 'base64url') =>
  Buffer.from(base64, kind).toString('utf8')
const jwtOf = (fullToken: string): string => JSON.parse(decode(fullToken, 'base64')).token
const claimsOf = (jwt: string) => JSON.parse(decode(jwt.split('.')[1]))
const errorBody = (error: string) => `{"error": ${JSON.stringify(error)}}`

/** A raw HTTP exchange, for what fetch does not show: chunks as they come, a short body. */
function raw(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; chunks: Buffer[]; error?: Error }>(resolve => {
    const chunks: Buffer[] = []
    const req = request(`${emulator.origin}${path}`, { method, headers, agent: false }, res => {
      res.on('data', chunk => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }))
      res.on('error', error => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, error }))
    })
    req.on('error', error => resolve({ status: 0, headers: {}, chunks, error }))
    req.end()
  })
}

describe('the server', () => {
  test('keeps an idle connection 75 s, as aiohttp does, and says so; keepAliveMs sets it, checked', async () => {
    const keepAlive = async () =>
      (await raw('GET', '/api/v1/config', { connection: 'keep-alive' })).headers['keep-alive']
    expect(emulator.settings.keepAliveMs).toBe(75_000)
    expect(await keepAlive()).toBe('timeout=75')
    try {
      emulator.updateSettings({ keepAliveMs: 3_000 })
      expect(await keepAlive()).toBe('timeout=3')
      for (const bad of [0, -1, 1.5, '75000', null]) {
        expect(() => emulator.updateSettings({ keepAliveMs: bad })).toThrow(/keepAliveMs must be a whole number/)
      }
      expect(emulator.settings.keepAliveMs).toBe(3_000)
    } finally {
      emulator.updateSettings({ keepAliveMs: 75_000 })
    }
    const own = await startEmulator({ keepAliveMs: 5_000 })
    try {
      expect(own.settings.keepAliveMs).toBe(5_000)
      const reply = await fetch(`${own.origin}/_emulator/settings`, { method: 'PATCH', body: '{"keepAliveMs": 9000}' })
      expect(((await reply.json()) as { keepAliveMs: number }).keepAliveMs).toBe(9_000)
    } finally {
      await own.close()
    }
  })

  test('url, origin and port; every answer carries X-Service-Version', async () => {
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}/api/v1`)
    expect(emulator.origin).toBe(`http://127.0.0.1:${emulator.port}`)
    const { token } = user()
    const answers = await Promise.all([
      call('GET', '/service_accounts', { token }),
      create(token, { name: 'versioned' }),
      call('GET', '/service_accounts'),
      call('GET', '/service_accounts/none', { token }),
      call('PUT', '/service_accounts'),
      call('GET', '/nothing-here'),
      call('GET', '/config')
    ])
    expect(answers.map(a => a.status)).toEqual([200, 201, 401, 404, 405, 404, 200])
    for (const answer of answers)
      expect(answer.headers.get('x-service-version')).toBe('platform-service-accounts-api/9.8.7')
    expect((await call('DELETE', '/service_accounts/versioned', { token })).headers.get('x-service-version')).toBe(
      'platform-service-accounts-api/9.8.7'
    )
  })

  test('unknown paths answer 404 and wrong methods 405 with Allow, before any token check', async () => {
    for (const path of ['/nothing-here', '/service_accounts/', '/service_accounts/a/b', '/users/x']) {
      expect(await call('GET', path)).toMatchObject({ status: 404, text: '404: Not Found' })
    }
    expect(await call('GET', '/', {}, emulator.origin)).toMatchObject({ status: 404, text: '404: Not Found' })
    const put = await call('PUT', '/service_accounts')
    expect(put).toMatchObject({ status: 405, text: '405: Method Not Allowed' })
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST')
    expect(put.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect((await call('PATCH', '/service_accounts/x')).headers.get('allow')).toBe('DELETE, GET, HEAD')
    expect((await call('POST', '/config')).status).toBe(405)
    expect((await call('PUT', '/users/a:b/permissions')).status).toBe(405)
  })

  test('HEAD is GET without a body', async () => {
    const { token } = user()
    await made(token, { name: 'headed' })
    const authorization = `Bearer ${token}`
    const one = await raw('HEAD', '/api/v1/service_accounts/headed', { authorization })
    expect(one.status).toBe(200)
    expect(Number(one.headers['content-length'])).toBe(
      (await call('GET', '/service_accounts/headed', { token })).text.length
    )
    expect(one.chunks).toEqual([])
    const list = await raw('HEAD', '/api/v1/service_accounts', { authorization })
    expect(list.status).toBe(200)
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(list.chunks).toEqual([])
  })
})

describe('tokens and authentication', () => {
  test('tokens are HS256 JWTs naming the user, issued at start for options.users', async () => {
    expect(Object.keys(emulator.tokens)).toEqual(['alice', 'bob'])
    const [header, payload, signature] = emulator.tokens.alice.split('.')
    expect(JSON.parse(decode(header))).toEqual({ alg: 'HS256', typ: 'JWT' })
    const claims = JSON.parse(decode(payload))
    expect(claims).toEqual({
      'https://platform.neuromation.io/user': 'alice',
      iat: expect.any(Number),
      jti: expect.any(String)
    })
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60)
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(claimsOf(emulator.issueToken('alice')).jti).not.toBe(claims.jti)
    expect((await call('GET', '/service_accounts', { token: emulator.tokens.bob })).status).toBe(200)
  })

  test('401 text for a missing, malformed, forged or revoked token', async () => {
    const { token } = user()
    const missing = await call('GET', '/service_accounts')
    expect(missing).toMatchObject({ status: 401, text: '401: Unauthorized' })
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const [header, , signature] = token.split('.')
    const forgedPayload = Buffer.from(
      JSON.stringify({ 'https://platform.neuromation.io/user': 'alice', iat: 1, jti: 'x' })
    ).toString('base64url')
    for (const bad of ['nonsense', 'a.b.c', `${header}.${forgedPayload}.${signature}`, `${token}x`, `${token}.extra`]) {
      expect(await call('GET', '/service_accounts', { token: bad })).toMatchObject({
        status: 401,
        text: '401: Unauthorized'
      })
    }
    const other = await startEmulator()
    try {
      expect((await call('GET', '/service_accounts', { token: other.issueToken('alice') })).status).toBe(401)
    } finally {
      await other.close()
    }
    emulator.revoke(token)
    expect((await call('GET', '/service_accounts', { token })).status).toBe(401)
  })

  test('revoke takes a full token too', async () => {
    const full = emulator.fullTokenFor('revokee')
    const jwt = jwtOf(full)
    expect((await call('GET', '/service_accounts', { token: jwt })).status).toBe(200)
    emulator.revoke(full)
    expect((await call('GET', '/service_accounts', { token: jwt })).status).toBe(401)
  })

  test('a header that is not "Bearer <token>" is a 400 with a JSON error, as neuro_auth_client answers', async () => {
    const { token } = user()
    const basic = await call('GET', '/service_accounts', { headers: { authorization: 'Basic eDp5' } })
    expect(basic).toMatchObject({ status: 400, text: '{"error": "Unexpected authorization scheme"}' })
    expect(basic.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await call('GET', '/service_accounts', { headers: { authorization: 'Bearer' } })).toMatchObject({
      status: 400,
      text: '{"error": "No credentials"}'
    })
    expect(
      await call('POST', '/service_accounts', { headers: { authorization: `Token ${token}` }, body: {} })
    ).toMatchObject({ status: 400 })
    // The scheme is case-insensitive.
    expect((await call('GET', '/service_accounts', { headers: { authorization: `bearer ${token}` } })).status).toBe(200)
  })
})

describe('create', () => {
  test("201 with the record in the server's field order, written as Python writes JSON, plus the full token", async () => {
    const { name: owner, token } = user()
    const reply = await create(token, { name: 'emu-create', default_org: 'o' })
    expect(reply.status).toBe(201)
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(reply.text).toMatch(
      /^\{"name": "emu-create", "default_cluster": "default", "default_project": "p", "default_org": "o", "id": "service-account-/
    )
    const account = JSON.parse(reply.text)
    expect(Object.keys(account)).toEqual([...RECORD_KEYS, 'token'])
    expect(account).toMatchObject({
      name: 'emu-create',
      default_cluster: 'default',
      default_project: 'p',
      default_org: 'o',
      role: `${owner}/service-accounts/emu-create`,
      owner,
      role_deleted: false
    })
    expect(account.id.slice('service-account-'.length)).toMatch(UUID4)
    expect(account.created_at).toMatch(CREATED_AT)
    expect(Math.abs(Date.parse(account.created_at) - Date.now())).toBeLessThan(60_000)
    expect(emulator.account(account.id)).toEqual({ ...account, token: undefined })
  })

  test("the full token is base64 of json.dumps output, token first; its JWT is the account's own bearer", async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-full', default_org: 'o' })
    expect(account.token.startsWith('eyJ0b2tlbiI6ICJ')).toBe(true)
    expect(Buffer.from(decode(account.token, 'base64')).toString('base64')).toBe(account.token)
    const jwt = jwtOf(account.token)
    expect(decode(account.token, 'base64')).toBe(
      `{"token": "${jwt}", "cluster": "default", "url": "${emulator.url}", "project_name": "p", "org_name": "o"}`
    )
    expect(claimsOf(jwt)['https://platform.neuromation.io/user']).toBe(account.role)
    const plain = await made(token, { name: 'emu-no-org' })
    expect(JSON.parse(decode(plain.token, 'base64'))).toEqual({
      token: jwtOf(plain.token),
      cluster: 'default',
      url: emulator.url,
      project_name: 'p'
    })
    expect(plain.default_org).toBeNull()
  })

  test('unnamed (name absent or null): name null and a 16-hex role; several may coexist', async () => {
    const { name: owner, token } = user()
    const first = await made(token)
    const second = await made(token, { name: null })
    for (const account of [first, second]) {
      expect(account.name).toBeNull()
      expect(account.role).toMatch(new RegExp(`^${owner}/service-accounts/[0-9a-f]{16}$`))
    }
    expect(first.role).not.toBe(second.role)
  })

  test.each(['test-name', 'test--name', 'test.name', 'a', '0', 'a1.b-2.c', 'x'.repeat(300)])(
    'accepts the name %s',
    async name => {
      const { token } = user()
      expect((await made(token, { name })).name).toBe(name)
    }
  )

  test.each([
    'test_name',
    'test/name',
    'test..name',
    'test-.name',
    'test.-name',
    '-test',
    'test-',
    '.test',
    'test.',
    'Test',
    '',
    'te st',
    ' test',
    'tést',
    'test\n'
  ])('rejects the name %j: 400, nothing made', async name => {
    const { name: owner, token } = user()
    const reply = await create(token, { name })
    expect(reply.status).toBe(400)
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(reply.text).toBe(errorBody("{'name': ['Invalid service account name']}"))
    expect(emulator.accounts().filter(a => a.owner === owner)).toEqual([])
  })

  test.each([
    ['no default_cluster', { default_project: 'p' }, "{'default_cluster': ['Missing data for required field.']}"],
    [
      'nothing at all',
      {},
      "{'default_cluster': ['Missing data for required field.'], 'default_project': ['Missing data for required field.']}"
    ],
    [
      'a null cluster',
      { default_cluster: null, default_project: 'p' },
      "{'default_cluster': ['Field may not be null.']}"
    ],
    [
      'a number for a project',
      { default_cluster: 'c', default_project: 42 },
      "{'default_project': ['Not a valid string.']}"
    ],
    [
      'a number for a name',
      { name: 5, default_cluster: 'c', default_project: 'p' },
      "{'name': ['Not a valid string.']}"
    ],
    [
      'a null org (the server has no allow_none there)',
      { default_cluster: 'c', default_project: 'p', default_org: null },
      "{'default_org': ['Field may not be null.']}"
    ],
    ['the old role field', { default_cluster: 'c', default_project: 'p', role: 'x' }, "{'role': ['Unknown field.']}"],
    [
      'everything wrong, in schema order then unknown fields',
      { zeta: 1, name: 'Bad', "it's": 2, default_org: [] },
      "{'name': ['Invalid service account name'], 'default_cluster': ['Missing data for required field.'], 'default_project': ['Missing data for required field.'], 'default_org': ['Not a valid string.'], 'zeta': ['Unknown field.'], \"it's\": ['Unknown field.']}"
    ]
  ])("400 for %s, with marshmallow's message as a Python repr", async (_, body, error) => {
    const { name: owner, token } = user()
    const reply = await call('POST', '/service_accounts', { token, body })
    expect(reply).toMatchObject({ status: 400, text: errorBody(error) })
    expect(emulator.accounts().filter(a => a.owner === owner)).toEqual([])
  })

  test.each([
    ['an array', '[]', "{'_schema': ['Invalid input type.']}"],
    ['a string', '"x"', "{'_schema': ['Invalid input type.']}"],
    ['null', 'null', "{'_schema': ['Invalid input type.']}"],
    ['empty', '', 'Expecting value: line 1 column 1 (char 0)']
  ])('400 for a body that is %s', async (_, body, error) => {
    const { token } = user()
    expect(await call('POST', '/service_accounts', { token, raw: body })).toMatchObject({
      status: 400,
      text: errorBody(error)
    })
  })

  test('400 with a JSON error for a body that is not JSON', async () => {
    const { token } = user()
    const reply = await call('POST', '/service_accounts', { token, raw: '{not json' })
    expect(reply.status).toBe(400)
    expect(typeof JSON.parse(reply.text).error).toBe('string')
  })

  test('the token is checked before the body', async () => {
    expect((await call('POST', '/service_accounts', { raw: '{not json' })).status).toBe(401)
  })

  test('names are unique per owner: 409, other owners may use it, and it is free again after rm', async () => {
    const alice = user()
    const bob = user()
    await made(alice.token, { name: 'emu-dup' })
    const again = await create(alice.token, { name: 'emu-dup', default_cluster: 'other' })
    expect(again).toMatchObject({
      status: 409,
      text: '{"code": "unique", "description": "Service Account with such name exists"}'
    })
    expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(emulator.accounts().filter(a => a.owner === alice.name)).toHaveLength(1)
    await made(bob.token, { name: 'emu-dup' })
    expect((await call('DELETE', '/service_accounts/emu-dup', { token: alice.token })).status).toBe(204)
    await made(alice.token, { name: 'emu-dup' })
  })
})

describe('list', () => {
  test("a JSON array of the caller's accounts only, without tokens; [] for none", async () => {
    const mine = user()
    const theirs = user()
    expect(await call('GET', '/service_accounts', { token: mine.token })).toMatchObject({ status: 200, text: '[]' })
    const a = await made(mine.token, { name: 'one' })
    const b = await made(mine.token)
    await made(theirs.token, { name: 'one' })
    const reply = await call('GET', '/service_accounts', { token: mine.token })
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(reply.text).toMatch(/^\[\{"name": "one", "default_cluster": "default", /)
    const accounts = JSON.parse(reply.text)
    expect(accounts).toEqual([a, b].map(({ token: _, ...account }) => account))
    expect(accounts.every((x: Record<string, unknown>) => Object.keys(x).join() === RECORD_KEYS.join())).toBe(true)
  })

  test('NDJSON on Accept: one record per line, every line ending with \\n; empty for none', async () => {
    const { token } = user()
    const accept = { accept: 'application/x-ndjson' }
    const empty = await call('GET', '/service_accounts', { token, headers: accept })
    expect(empty).toMatchObject({ status: 200, text: '' })
    expect(empty.headers.get('content-type')).toBe('application/x-ndjson')
    for (let i = 0; i < 3; i++) await made(token, { name: `nd-${i}` })
    const reply = await call('GET', '/service_accounts', {
      token,
      headers: { accept: 'application/json, application/x-ndjson;q=0.9' }
    })
    expect(reply.headers.get('content-type')).toBe('application/x-ndjson')
    expect(reply.text.endsWith('\n')).toBe(true)
    const lines = reply.text.slice(0, -1).split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^\{"name": "nd-0", /)
    expect(lines.map(line => JSON.parse(line))).toEqual(
      JSON.parse((await call('GET', '/service_accounts', { token })).text)
    )
  })
})

describe('get and rm', () => {
  test('get by id or by (URL-encoded) name: 200 with the record, never a token', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-get.x' })
    const { token: _, ...record } = account
    for (const key of [account.id, 'emu-get.x', 'emu%2Dget%2Ex']) {
      const reply = await call('GET', `/service_accounts/${key}`, { token })
      expect(reply.status).toBe(200)
      expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(JSON.parse(reply.text)).toEqual(record)
    }
  })

  test("404 text for a missing account or another owner's, by id or name", async () => {
    const owner = user()
    const stranger = user()
    const account = await made(owner.token, { name: 'emu-private' })
    for (const key of [account.id, 'emu-private', 'no-such']) {
      const reply = await call('GET', `/service_accounts/${encodeURIComponent(key)}`, { token: stranger.token })
      expect(reply).toMatchObject({ status: 404, text: `Service account ${key} not found` })
      expect(reply.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(
        (await call('DELETE', `/service_accounts/${encodeURIComponent(key)}`, { token: stranger.token })).status
      ).toBe(404)
    }
    expect(emulator.account(account.id)).toBeDefined()
    expect((await call('GET', '/service_accounts/a%20b', { token: stranger.token })).text).toBe(
      'Service account a b not found'
    )
    expect((await call('GET', '/service_accounts/%E0%A4%A', { token: stranger.token })).status).toBe(404)
  })

  test('an id is looked up first, across owners, as the server does', async () => {
    const alice = user()
    const bob = user()
    const bobs = await made(bob.token)
    // Alice names an account after Bob's id: the id wins, and it is not hers.
    await made(alice.token, { name: bobs.id })
    expect((await call('GET', `/service_accounts/${bobs.id}`, { token: alice.token })).status).toBe(404)
    expect((await call('GET', `/service_accounts/${bobs.id}`, { token: bob.token })).status).toBe(200)
  })

  test("rm: 204 with no body, by id or name; then 404; the account's token stops working", async () => {
    const { token } = user()
    const byName = await made(token, { name: 'emu-rm' })
    const byId = await made(token)
    const jwt = jwtOf(byName.token)
    expect((await call('GET', '/config', { token: jwt })).text).toContain('"authorized": true')
    const removed = await call('DELETE', '/service_accounts/emu-rm', { token })
    expect(removed).toMatchObject({ status: 204, text: '' })
    expect(removed.headers.get('content-length')).toBeNull()
    expect((await call('DELETE', `/service_accounts/${byId.id}`, { token })).status).toBe(204)
    expect(await call('DELETE', '/service_accounts/emu-rm', { token })).toMatchObject({
      status: 404,
      text: 'Service account emu-rm not found'
    })
    expect(emulator.account(byName.id)).toBeUndefined()
    expect(await call('GET', '/service_accounts', { token: jwt })).toMatchObject({
      status: 401,
      text: '401: Unauthorized'
    })
    expect((await call('GET', '/config', { token: jwt })).text).toContain('"authorized": false')
  })

  test("a service account's token is a bearer for its role: its own (empty) list, /config", async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-sa' })
    const jwt = jwtOf(account.token)
    expect(await call('GET', '/service_accounts', { token: jwt })).toMatchObject({ status: 200, text: '[]' })
    expect((await call('GET', `/service_accounts/${account.id}`, { token: jwt })).status).toBe(404)
  })
})

describe('GET /config', () => {
  test('with a working token: authorized, with the clusters and projects the SDK parses', async () => {
    const { token } = user()
    const reply = await call('GET', '/config', { token })
    expect(reply.status).toBe(200)
    const config = JSON.parse(reply.text)
    expect(config).toMatchObject({
      authorized: true,
      client_id: 'emulator',
      auth_url: expect.any(String),
      token_url: expect.any(String),
      logout_url: expect.any(String),
      audience: expect.any(String),
      headless_callback_url: expect.any(String),
      callback_urls: expect.arrayContaining([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]),
      projects: [{ name: 'test-project', role: 'owner', cluster_name: 'default', org_name: 'test-org' }]
    })
    // The SDK calls the admin API (quotas) only when /config names one; none is served here.
    expect(config).not.toHaveProperty('admin_url')
    expect(config.clusters).toHaveLength(1)
    expect(config.clusters[0]).toMatchObject({
      name: 'default',
      orgs: ['test-org'],
      resource_pool_types: expect.any(Array),
      resource_presets: expect.any(Array)
    })
    for (const key of ['storage_url', 'users_url', 'monitoring_url', 'secrets_url', 'disks_url', 'buckets_url']) {
      expect(config.clusters[0][key]).toMatch(/^http:\/\//)
    }
    // The registry is an origin of its own, as on the platform.
    expect(config.clusters[0].registry_url).toBe('https://registry.default.emulator.test')
  })

  test('without a token or with a bad one: 200, not authorized, no clusters or projects', async () => {
    for (const options of [{}, { token: 'x.y.z' }]) {
      const reply = await call('GET', '/config', options)
      expect(reply.status).toBe(200)
      const config = JSON.parse(reply.text)
      expect(config).toMatchObject({ authorized: false, client_id: 'emulator', auth_url: expect.any(String) })
      expect('clusters' in config || 'projects' in config).toBe(false)
    }
    expect((await call('GET', '/config', { headers: { authorization: 'Basic eDp5' } })).status).toBe(400)
  })

  test('the discovery data is configurable: none at all, or given clusters and projects', async () => {
    const lonely = await startEmulator({ clusters: [] })
    const custom = await startEmulator({
      clusters: [{ name: 'c1', orgs: ['o1', 'o2'] }, { name: 'c2' }],
      projects: [{ name: 'p9', role: 'writer', cluster_name: 'c2', org_name: 'o1' }]
    })
    try {
      const none = JSON.parse((await call('GET', '/config', { token: lonely.tokens.alice }, lonely.url)).text)
      expect(none).toMatchObject({ authorized: true, clusters: [], projects: [] })
      const some = JSON.parse((await call('GET', '/config', { token: custom.tokens.alice }, custom.url)).text)
      expect(some.clusters.map((c: { name: string; orgs: string[] }) => [c.name, c.orgs])).toEqual([
        ['c1', ['o1', 'o2']],
        ['c2', []]
      ])
      expect(some.projects).toEqual([{ name: 'p9', role: 'writer', cluster_name: 'c2', org_name: 'o1' }])
      // A user's full token defaults to the first discovered project.
      expect(JSON.parse(decode(custom.fullTokenFor('alice'), 'base64'))).toMatchObject({
        cluster: 'c2',
        project_name: 'p9',
        org_name: 'o1'
      })
    } finally {
      await Promise.all([lonely.close(), custom.close()])
    }
  })
})

describe('permissions', () => {
  test('grant (201, the array back), list, re-grant replaces, revoke (204)', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-perm' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    const wanted = [
      { uri: 'storage://default/o/p/data', action: 'read' },
      { uri: 'image://default/o/p/img', action: 'write' }
    ]
    const granted = await call('POST', path, { token, body: wanted })
    expect(granted.status).toBe(201)
    expect(granted.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(JSON.parse(granted.text)).toEqual(wanted)
    expect(emulator.grants(account.role)).toEqual(wanted)
    await call('POST', path, { token, body: [{ uri: 'storage://default/o/p/data', action: 'manage' }] })
    const listed = await call('GET', path, { token })
    expect(listed.status).toBe(200)
    expect(JSON.parse(listed.text)).toEqual([wanted[1], { uri: 'storage://default/o/p/data', action: 'manage' }])
    const revoked = await call('DELETE', `${path}?uri=${encodeURIComponent('image://default/o/p/img')}`, { token })
    expect(revoked).toMatchObject({ status: 204, text: '' })
    expect(emulator.grants(account.role)).toEqual([{ uri: 'storage://default/o/p/data', action: 'manage' }])
  })

  test.each([
    ['an unknown action', [{ uri: 'storage://x/y', action: 'own' }]],
    ['a missing action', [{ uri: 'storage://x/y' }]],
    ['a URI with no scheme', [{ uri: 'default/o/p', action: 'read' }]],
    ['a URI with an empty rest', [{ uri: 'storage://', action: 'read' }]],
    ['a number for a URI', [{ uri: 7, action: 'read' }]],
    ['an object, not an array', { uri: 'storage://x', action: 'read' }],
    ['an empty array', []],
    ['an array of strings', ['storage://x']]
  ])('grant: 400 with a JSON error for %s, nothing granted', async (_, body) => {
    const { token } = user()
    const account = await made(token, { name: 'emu-bad-perm' })
    const reply = await call('POST', `/users/${account.role.replaceAll('/', ':')}/permissions`, { token, body })
    expect(reply.status).toBe(400)
    expect(typeof JSON.parse(reply.text).error).toBe('string')
    expect(emulator.grants(account.role)).toEqual([])
  })

  test('400 for a body that is not JSON, and for a revoke without a uri', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-raw-perm' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    expect((await call('POST', path, { token, raw: '[{' })).status).toBe(400)
    expect((await call('DELETE', path, { token })).status).toBe(400)
  })

  test('404 "user ... was not found" for a role that is not one of the caller\'s accounts\' roles; 401 without a token', async () => {
    const owner = user()
    const stranger = user()
    const account = await made(owner.token, { name: 'emu-theirs' })
    const name = account.role.replaceAll('/', ':')
    const body = [{ uri: 'storage://default/o/p', action: 'read' }]
    const notFound = await call('POST', `/users/${name}/permissions`, { token: stranger.token, body })
    expect(notFound).toMatchObject({ status: 404, text: errorBody(`user "${account.role}" was not found`) })
    expect(notFound.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect((await call('GET', `/users/${name}/permissions`, { token: stranger.token })).status).toBe(404)
    expect((await call('POST', `/users/${owner.name}/permissions`, { token: owner.token, body })).status).toBe(404)
    expect(
      (await call('POST', `/users/${owner.name}:service-accounts:nope/permissions`, { token: owner.token, body }))
        .status
    ).toBe(404)
    expect((await call('POST', `/users/${name}/permissions`, { body })).status).toBe(401)
    expect(emulator.grants(account.role)).toEqual([])
  })

  test('removing the account removes its grants', async () => {
    const { token } = user()
    const account = await made(token, { name: 'emu-perm-gone' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    expect(
      (await call('POST', path, { token, body: [{ uri: 'secret://default/o/p/s', action: 'read' }] })).status
    ).toBe(201)
    await call('DELETE', `/service_accounts/${account.id}`, { token })
    expect(emulator.grants(account.role)).toEqual([])
    expect((await call('GET', path, { token })).status).toBe(404)
    // A new account with the same name starts with nothing.
    await made(token, { name: 'emu-perm-gone' })
    expect(JSON.parse((await call('GET', path, { token })).text)).toEqual([])
  })

  // How the SDK (apolo_sdk/_users.py) and the platform's e2e tests (test_e2e_share.py) see the
  // auth server; see emulator/README.md for where each fact comes from.
  describe("as the SDK and the platform's e2e tests see them", () => {
    async function granted(token: string, name: string, permissions: { uri: string; action: string }[]) {
      const account = await made(token, { name })
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      expect((await call('POST', path, { token, body: permissions })).status).toBe(201)
      return { account, path }
    }
    const acl = async (token: string, path: string, uri?: string) => {
      const reply = await call('GET', uri === undefined ? path : `${path}?uri=${encodeURIComponent(uri)}`, { token })
      expect(reply.status).toBe(200)
      return JSON.parse(reply.text)
    }

    test('list ?uri= filters to that URI and the tree below it; "storage:" is every storage grant', async () => {
      const { token } = user()
      const grants = [
        { uri: 'storage://default/o/p/data', action: 'read' },
        { uri: 'storage://default/o/p/data/sub', action: 'write' },
        { uri: 'storage://default/o/p/data2', action: 'manage' },
        { uri: 'image://default/o/p/img', action: 'read' },
        { uri: 'secret://default/o/p/key', action: 'read' }
      ]
      const { path } = await granted(token, 'emu-acl-filter', grants)
      expect(await acl(token, path)).toEqual(grants)
      expect(await acl(token, path, 'storage:')).toEqual(grants.slice(0, 3))
      expect(await acl(token, path, 'storage://')).toEqual(grants.slice(0, 3))
      // A path prefix is not enough: data2 is not below data.
      expect(await acl(token, path, 'storage://default/o/p/data')).toEqual(grants.slice(0, 2))
      expect(await acl(token, path, 'image:')).toEqual([grants[3]])
      expect(await acl(token, path, 'job:')).toEqual([])
      expect(await acl(token, path, 'storage://other')).toEqual([])
    })

    test('list ?uri= below a grant answers that URI with the strongest covering action', async () => {
      const { token } = user()
      const { path } = await granted(token, 'emu-acl-covered', [
        { uri: 'storage://default/o', action: 'read' },
        { uri: 'storage://default/o/p', action: 'manage' },
        { uri: 'storage://default/o/p/x/deep', action: 'write' }
      ])
      // `apolo acl ls <uri>` under a project the caller manages shows `<uri> manage`.
      expect(await acl(token, path, 'storage://default/o/p/x')).toEqual([
        { uri: 'storage://default/o/p/x', action: 'manage' },
        { uri: 'storage://default/o/p/x/deep', action: 'write' }
      ])
      expect(await acl(token, path, 'storage://default/o/q')).toEqual([
        { uri: 'storage://default/o/q', action: 'read' }
      ])
    })

    test("a service account reads its own role's grants with its own token (apolo acl ls), and nothing else", async () => {
      const owner = user()
      const { account, path } = await granted(owner.token, 'emu-acl-self', [
        { uri: 'storage://default/o/p', action: 'read' }
      ])
      const own = jwtOf(account.token)
      expect(await acl(own, path)).toEqual([{ uri: 'storage://default/o/p', action: 'read' }])
      expect(await acl(own, path, 'image:')).toEqual([])
      // Reading is all it may do with its role, and other roles stay hidden.
      expect(
        (await call('POST', path, { token: own, body: [{ uri: 'storage://default/o/p', action: 'manage' }] })).status
      ).toBe(404)
      expect((await call('DELETE', `${path}?uri=storage://default/o/p`, { token: own })).status).toBe(404)
      const sibling = await made(owner.token, { name: 'emu-acl-sibling' })
      const other = await call('GET', `/users/${sibling.role.replaceAll('/', ':')}/permissions`, { token: own })
      expect(other).toMatchObject({ status: 404, text: errorBody(`user "${sibling.role}" was not found`) })
      // A user reads their own role the same way.
      expect(await acl(owner.token, `/users/${owner.name}/permissions`)).toEqual([])
      expect(emulator.grants(account.role)).toEqual([{ uri: 'storage://default/o/p', action: 'read' }])
    })

    test('revoking what was never granted: 400 "Operation has no effect", nothing changes', async () => {
      const { token } = user()
      const grants = [
        { uri: 'storage://default/o/p/a', action: 'read' },
        { uri: 'storage://default/o/p/b', action: 'read' }
      ]
      const { account, path } = await granted(token, 'emu-revoke-none', grants)
      const none = await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/never')}`, { token })
      expect(none).toMatchObject({ status: 400, text: '{"error": "Operation has no effect"}' })
      expect(none.headers.get('content-type')).toBe('application/json; charset=utf-8')
      // Below a grant is not the grant.
      expect(
        (await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/a/sub')}`, { token })).status
      ).toBe(400)
      // Several uri parameters (neuro_auth_client sends them so): all granted, or nothing is revoked.
      const some = `${path}?uri=${encodeURIComponent('storage://default/o/p/a')}&uri=${encodeURIComponent('storage://default/o/p/never')}`
      expect((await call('DELETE', some, { token })).status).toBe(400)
      expect(emulator.grants(account.role)).toEqual(grants)
      const both = `${path}?uri=${encodeURIComponent('storage://default/o/p/a')}&uri=${encodeURIComponent('storage://default/o/p/b')}`
      expect(await call('DELETE', both, { token })).toMatchObject({ status: 204, text: '' })
      expect(emulator.grants(account.role)).toEqual([])
      expect(
        (await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/a')}`, { token })).status
      ).toBe(400)
    })

    test.each([
      'image://default/o/p/img:latest',
      'image://default/o/p/img@sha256:0123abcd',
      'IMAGE://default/o/p/img:1'
    ])('granting the tagged image %s: 400 "tag is not allowed", nothing granted', async uri => {
      const { token } = user()
      const account = await made(token, { name: 'emu-image-tag' })
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      const body = [
        { uri: 'storage://default/o/p', action: 'read' },
        { uri, action: 'read' }
      ]
      const reply = await call('POST', path, { token, body })
      expect(reply.status).toBe(400)
      expect(JSON.parse(reply.text).error).toContain('tag is not allowed')
      expect(emulator.grants(account.role)).toEqual([])
    })

    test('an image without a tag, and a ":" outside an image path, are granted', async () => {
      const { token } = user()
      const body = [
        { uri: 'image://default/o/p/img', action: 'read' },
        { uri: 'image://default/o/p/team/img', action: 'write' },
        { uri: 'storage://default/o/p/a:b', action: 'read' }
      ]
      const { account } = await granted(token, 'emu-image-plain', body)
      expect(emulator.grants(account.role)).toEqual(body)
    })
  })
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const OAUTH_KEYS = [
  'auth_url',
  'token_url',
  'logout_url',
  'client_id',
  'audience',
  'callback_urls',
  'headless_callback_url',
  'success_redirect_url'
]
type ClusterJson = Record<string, unknown> & { name: string }

/**
 * What the apolo SDK requires of a /config answer (apolo_sdk/_server_cfg.py, get_server_config
 * and _parse_cluster_config; _parsing_utils.py, _ImageNameParser; _images.py, _get_image_url):
 * the keys it reads with [] must be there, each URL must parse, and a registry URL must have a
 * host (the image parser refuses "Empty hostname in registry URL") and no path that matters
 * (the SDK replaces it with /v2/). Returns the problems found.
 */
function sdkProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = []
  const url = (where: string, value: unknown) => {
    try {
      return new URL(String(value))
    } catch {
      problems.push(`${where}: not a URL: ${String(value)}`)
      return undefined
    }
  }
  for (const key of ['auth_url', 'token_url', 'logout_url', 'headless_callback_url']) url(key, config[key])
  for (const key of ['client_id', 'audience']) if (typeof config[key] !== 'string') problems.push(`${key} missing`)
  for (const cluster of (config.clusters ?? []) as ClusterJson[]) {
    for (const key of [
      'registry_url',
      'storage_url',
      'users_url',
      'monitoring_url',
      'secrets_url',
      'disks_url',
      'buckets_url'
    ]) {
      if (!(key in cluster)) problems.push(`${cluster.name}.${key} missing`)
      else url(`${cluster.name}.${key}`, cluster[key])
    }
    const registry = url(`${cluster.name}.registry_url`, cluster.registry_url)
    if (registry && !registry.hostname) problems.push(`${cluster.name}: empty hostname in registry URL`)
    if (registry && registry.pathname !== '/')
      problems.push(`${cluster.name}: registry URL has a path the SDK would drop`)
    for (const pool of (cluster.resource_pool_types ??
      problems.push(`${cluster.name}.resource_pool_types missing`)) as Record<string, unknown>[]) {
      for (const key of ['name', 'min_size', 'max_size', 'cpu', 'memory', 'disk_size'])
        if (!(key in pool)) problems.push(`${cluster.name} pool: ${key} missing`)
    }
    for (const preset of (cluster.resource_presets ??
      problems.push(`${cluster.name}.resource_presets missing`)) as Record<string, unknown>[]) {
      for (const key of ['name', 'cpu', 'memory'])
        if (!(key in preset)) problems.push(`${cluster.name} preset: ${key} missing`)
      // Decimal(credits_per_hour): a decimal string.
      if (!/^-?\d+(\.\d+)?$/.test(String(preset.credits_per_hour)))
        problems.push(`${cluster.name} preset: credits_per_hour ${String(preset.credits_per_hour)}`)
    }
  }
  for (const project of (config.projects ?? []) as Record<string, unknown>[]) {
    for (const key of ['name', 'cluster_name', 'role'])
      if (typeof project[key] !== 'string') problems.push(`project ${String(project.name)}: ${key} missing`)
  }
  return problems
}

describe('GET /config: what the apolo SDK reads of each cluster', () => {
  test('every cluster carries the URLs and resource lists the SDK parses, and it finds nothing wrong', async () => {
    const own = await startEmulator({
      clusters: [
        { name: 'default', orgs: ['o'] },
        { name: 'gpu-west', orgs: ['o'] }
      ]
    })
    try {
      const config = JSON.parse((await call('GET', '/config', { token: own.tokens.alice }, own.url)).text)
      expect(sdkProblems(config)).toEqual([])
      expect(config.clusters.map((c: ClusterJson) => c.registry_url)).toEqual([
        'https://registry.default.emulator.test',
        'https://registry.gpu-west.emulator.test'
      ])
      // What the action outputs, and what `docker login` would be given: the host alone.
      expect(new URL(config.clusters[1].registry_url).host).toBe('registry.gpu-west.emulator.test')
    } finally {
      await own.close()
    }
  })

  test('registryUrl: one DNS label per cluster, whatever its name; a registry_url given for a cluster wins', async () => {
    expect(registryUrl('Team_A.prod')).toBe('https://registry.team-a-prod.emulator.test')
    expect(registryUrl('--')).toBe('https://registry.cluster.emulator.test')
    expect(new URL(registryUrl('x'.repeat(100))).hostname.split('.')[1]).toHaveLength(63)
    expect(REGISTRY_DOMAIN).toBe('emulator.test')
    const own = await startEmulator({
      clusters: [{ name: 'custom', registry_url: 'https://registry.example.test:5000' }]
    })
    try {
      const config = JSON.parse((await call('GET', '/config', { token: own.tokens.alice }, own.url)).text)
      expect(config.clusters[0].registry_url).toBe('https://registry.example.test:5000')
      expect(config.clusters[0].storage_url).toBe(`${own.origin}/clusters/custom/storage`)
      expect(sdkProblems(config)).toEqual([])
    } finally {
      await own.close()
    }
  })

  test('the SDK check catches what it would refuse', () => {
    const cluster = {
      name: 'c',
      registry_url: 'https://r.test/path',
      storage_url: 'nope',
      users_url: 'http://x',
      monitoring_url: 'http://x',
      secrets_url: 'http://x',
      disks_url: 'http://x',
      resource_pool_types: [],
      resource_presets: [{ name: 'p', cpu: 1, memory: 1, credits_per_hour: 'free' }]
    }
    const config = {
      auth_url: 'http://a',
      token_url: 'http://a',
      logout_url: 'http://a',
      headless_callback_url: 'http://a',
      client_id: 'c',
      audience: 'a',
      clusters: [cluster]
    }
    expect(sdkProblems(config)).toEqual([
      'c.storage_url: not a URL: nope',
      'c.buckets_url missing',
      'c: registry URL has a path the SDK would drop',
      'c preset: credits_per_hour free'
    ])
  })
})

describe("a new account's token that works only after a delay (newTokenDelayMs)", () => {
  const DELAY = 1500

  test('until the delay has passed: /config not authorized (OAuth keys only), the API 401, as for an unknown token; then it works', async () => {
    const own = await startEmulator({ newTokenDelayMs: DELAY })
    try {
      expect(own.newTokenDelayMs).toBe(DELAY)
      const owner = own.tokens.alice
      const started = Date.now()
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: owner, body: { name: 'slow', default_cluster: 'default', default_project: 'p' } },
            own.url
          )
        ).text
      )
      // The server started the clock between `started` and now.
      const answered = Date.now()
      const jwt = jwtOf(account.token)
      const early = await call('GET', '/config', { token: jwt }, own.url)
      expect(early.status).toBe(200)
      expect(early.text).toBe((await call('GET', '/config', { token: 'x.y.z' }, own.url)).text)
      expect(Object.keys(JSON.parse(early.text))).toEqual(['authorized', ...OAUTH_KEYS])
      expect(JSON.parse(early.text).authorized).toBe(false)
      expect(await call('GET', '/service_accounts', { token: jwt }, own.url)).toMatchObject({
        status: 401,
        text: '401: Unauthorized'
      })
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      expect((await call('GET', path, { token: jwt }, own.url)).status).toBe(401)
      // The owner's token is not delayed, and the owner can already grant to the new role.
      expect((await call('GET', '/service_accounts/slow', { token: owner }, own.url)).status).toBe(200)
      expect(
        (await call('POST', path, { token: owner, body: [{ uri: 'storage://default/o/p', action: 'read' }] }, own.url))
          .status
      ).toBe(201)
      expect(Date.now() - started).toBeLessThan(DELAY)

      await sleep(answered + DELAY + 50 - Date.now())
      const late = JSON.parse((await call('GET', '/config', { token: jwt }, own.url)).text)
      expect(late).toMatchObject({ authorized: true, clusters: [expect.objectContaining({ name: 'default' })] })
      expect((await call('GET', '/service_accounts', { token: jwt }, own.url)).status).toBe(200)
      expect(JSON.parse((await call('GET', path, { token: jwt }, own.url)).text)).toEqual([
        { uri: 'storage://default/o/p', action: 'read' }
      ])
    } finally {
      await own.close()
    }
  })

  test('"never" (or Infinity): the token is never accepted; rm and revoke still work on it', async () => {
    const own = await startEmulator({ newTokenDelayMs: 'never' })
    try {
      expect(own.newTokenDelayMs).toBe(Infinity)
      expect(own.settings).toEqual({ newTokenDelayMs: 'never', clustersNeedGrant: false, keepAliveMs: 75_000 })
      const owner = own.tokens.alice
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: owner, body: { name: 'never', default_cluster: 'default', default_project: 'p' } },
            own.url
          )
        ).text
      )
      await sleep(300)
      expect(JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) }, own.url)).text).authorized).toBe(
        false
      )
      expect((await call('GET', '/service_accounts', { token: jwtOf(account.token) }, own.url)).status).toBe(401)
      expect((await call('DELETE', '/service_accounts/never', { token: owner }, own.url)).status).toBe(204)
      own.setNewTokenDelay(Infinity)
      expect(own.newTokenDelayMs).toBe(Infinity)
    } finally {
      await own.close()
    }
  })

  test("each token keeps the delay in force when its account was made; users' tokens are never delayed; a removed or revoked one never starts to work", async () => {
    const own = await startEmulator()
    const make = async (name: string) =>
      jwtOf(
        JSON.parse(
          (
            await call(
              'POST',
              '/service_accounts',
              { token: own.tokens.alice, body: { name, default_cluster: 'default', default_project: 'p' } },
              own.url
            )
          ).text
        ).token
      )
    const works = async (jwt: string) =>
      (await call('GET', '/service_accounts', { token: jwt }, own.url)).status === 200
    try {
      expect(own.newTokenDelayMs).toBe(0)
      const before = await make('before')
      own.setNewTokenDelay('never')
      const pending = await make('pending')
      own.setNewTokenDelay(300)
      const removed = await make('removed')
      const revoked = await make('revoked')
      const later = await make('later')
      own.setNewTokenDelay(0)
      const after = await make('after')
      expect(await Promise.all([before, pending, removed, revoked, later, after].map(works))).toEqual([
        true,
        false,
        false,
        false,
        false,
        true
      ])
      expect(await works(own.issueToken('carol'))).toBe(true)
      expect(await works(jwtOf(own.fullTokenFor('carol')))).toBe(true)
      expect((await call('DELETE', '/service_accounts/removed', { token: own.tokens.alice }, own.url)).status).toBe(204)
      own.revoke(revoked)
      await sleep(350)
      expect(await Promise.all([pending, removed, revoked, later].map(works))).toEqual([false, false, false, true])
    } finally {
      await own.close()
    }
  })

  test('bad values are refused, at start and at run time, and change nothing', async () => {
    for (const bad of [-1, 1.5, Number.NaN, 'soon', '100', null]) {
      await expect(startEmulator({ newTokenDelayMs: bad as number })).rejects.toThrow(
        /newTokenDelayMs must be a whole number/
      )
      expect(() => emulator.setNewTokenDelay(bad as number)).toThrow(/newTokenDelayMs must be a whole number/)
    }
    expect(() => emulator.setClustersNeedGrant('yes' as unknown as boolean)).toThrow(/true or false/)
    expect(() => emulator.updateSettings({ newTokenDelayMs: 5, clustersNeedGrant: 1 })).toThrow(/true or false/)
    expect(() => emulator.updateSettings({ newTokenDelay: 5 })).toThrow(/unknown setting: newTokenDelay/)
    expect(emulator.settings).toEqual({ newTokenDelayMs: 0, clustersNeedGrant: false, keepAliveMs: 75_000 })
  })
})

describe('clusters that a new account sees only once granted (clustersNeedGrant)', () => {
  const clusters = [
    { name: 'c1', orgs: ['o1'] },
    { name: 'c2', orgs: ['o2'] }
  ]
  const projects = [
    { name: 'p1', role: 'owner', cluster_name: 'c1', org_name: 'o1' },
    { name: 'p2', role: 'owner', cluster_name: 'c2', org_name: 'o2' },
    { name: 'p3', role: 'writer', cluster_name: 'c2', org_name: 'o2' }
  ]

  test('a service account sees the clusters its role holds a grant on, and their projects; users see everything', async () => {
    const own = await startEmulator({ clusters, projects, clustersNeedGrant: true })
    const owner = own.tokens.alice
    const configOf = async (token: string) => JSON.parse((await call('GET', '/config', { token }, own.url)).text)
    const seen = async (token: string) => {
      const config = await configOf(token)
      expect(config.authorized).toBe(true)
      return [config.clusters.map((c: ClusterJson) => c.name), config.projects.map((p: { name: string }) => p.name)]
    }
    try {
      expect(own.clustersNeedGrant).toBe(true)
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: owner, body: { name: 'ci', default_cluster: 'c2', default_project: 'p2' } },
            own.url
          )
        ).text
      )
      const jwt = jwtOf(account.token)
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      const grant = (uri: string) => call('POST', path, { token: owner, body: [{ uri, action: 'read' }] }, own.url)

      expect(await seen(owner)).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
      expect(await seen(jwt)).toEqual([[], []])
      expect((await grant('storage://c2/o2/p2/data')).status).toBe(201)
      expect(await seen(jwt)).toEqual([['c2'], ['p2', 'p3']])
      // The cluster as everyone else sees it, the SDK's keys and all.
      expect((await configOf(jwt)).clusters[0]).toEqual((await configOf(owner)).clusters[1])
      // A grant on a cluster that does not exist shows nothing more; one on another cluster does.
      await grant('storage://elsewhere/o/p')
      expect(await seen(jwt)).toEqual([['c2'], ['p2', 'p3']])
      await grant('image://c1/o1/p1/img')
      expect(await seen(jwt)).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
      expect(
        (
          await call(
            'DELETE',
            `${path}?uri=${encodeURIComponent('storage://c2/o2/p2/data')}`,
            { token: owner },
            own.url
          )
        ).status
      ).toBe(204)
      expect(await seen(jwt)).toEqual([['c1'], ['p1']])

      own.setClustersNeedGrant(false)
      expect(await seen(jwt)).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
      own.setClustersNeedGrant(true)
      expect(await seen(jwt)).toEqual([['c1'], ['p1']])
      // Users are never filtered, whatever they hold.
      expect(await seen(own.issueToken('bob'))).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
    } finally {
      await own.close()
    }
  })

  test('off by default: a new account sees every cluster at once', async () => {
    const { token } = user()
    const account = await made(token, { name: 'sees-all' })
    const config = JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) })).text)
    expect(emulator.clustersNeedGrant).toBe(false)
    expect(config.clusters.map((c: ClusterJson) => c.name)).toEqual(['default'])
    expect(config.projects).toHaveLength(1)
  })
})

describe('the in-process API', () => {
  test("accounts() holds every owner's accounts as copies; account(id)", async () => {
    const a = user()
    const b = user()
    const one = await made(a.token, { name: 'mine' })
    const two = await made(b.token, { name: 'mine' })
    const all = emulator.accounts()
    expect(all.find(x => x.id === one.id)).toMatchObject({ owner: a.name, name: 'mine' })
    expect(all.find(x => x.id === two.id)).toMatchObject({ owner: b.name, name: 'mine' })
    expect(all.every(x => !('token' in x))).toBe(true)
    all.find(x => x.id === one.id)!.name = 'changed'
    expect(emulator.account(one.id)?.name).toBe('mine')
    expect(emulator.account('service-account-none')).toBeUndefined()
  })

  test('seedAccounts: distinct names, the given age or time, cluster, project and org; a clash throws', async () => {
    const { name: owner, token } = user()
    emulator.seedAccounts(owner, 3, {
      namePrefix: 'old-',
      ageSeconds: 48 * 3600,
      cluster: 'c',
      project: 'pr',
      org: 'og'
    })
    emulator.seedAccounts(owner, 2, { namePrefix: 'fixed-', createdAt: '2020-01-01T00:00:00+00:00' })
    const listed = JSON.parse((await call('GET', '/service_accounts', { token })).text) as Record<string, string>[]
    expect(listed.map(a => a.name)).toEqual(['old-0', 'old-1', 'old-2', 'fixed-0', 'fixed-1'])
    const age = Date.now() - Date.parse(listed[0].created_at)
    expect(age).toBeGreaterThan(48 * 3600_000 - 60_000)
    expect(age).toBeLessThan(48 * 3600_000 + 60_000)
    expect(listed[0]).toMatchObject({
      default_cluster: 'c',
      default_project: 'pr',
      default_org: 'og',
      role: `${owner}/service-accounts/old-0`,
      owner,
      role_deleted: false
    })
    expect(listed[3]).toMatchObject({
      created_at: '2020-01-01T00:00:00+00:00',
      default_cluster: 'default',
      default_project: 'test-project',
      default_org: null
    })
    expect(listed.every(a => a.created_at.match(CREATED_AT) && a.id.startsWith('service-account-'))).toBe(true)
    expect(() => emulator.seedAccounts(owner, 4, { namePrefix: 'old-' })).toThrow(/already has an account named old-0/)
    expect(() => emulator.seedAccounts(owner, 1.5)).toThrow(/whole number/)
    expect(emulator.accounts().filter(a => a.owner === owner)).toHaveLength(5)
    // Seeded names collide with created ones like any other.
    expect((await create(token, { name: 'old-1' })).status).toBe(409)
  })

  test('seedAccount: any fields; the same id replaces the record and keeps its token and grants', async () => {
    const { name: owner, token } = user()
    const legacy = emulator.seedAccount(owner, { name: 'legacy', created_at: '2021-05-06T07:08:09+00:00' })
    expect(legacy).toMatchObject({
      name: 'legacy',
      owner,
      role: `${owner}/service-accounts/legacy`,
      created_at: '2021-05-06T07:08:09+00:00'
    })
    const account = await made(token, { name: 'aged' })
    const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
    await call('POST', path, { token, body: [{ uri: 'storage://d/o/p', action: 'read' }] })
    emulator.seedAccount(owner, { ...emulator.account(account.id), created_at: '2020-01-01T00:00:00+00:00' })
    expect(emulator.accounts().filter(a => a.owner === owner)).toHaveLength(2)
    expect(JSON.parse((await call('GET', '/service_accounts/aged', { token })).text).created_at).toBe(
      '2020-01-01T00:00:00+00:00'
    )
    expect((await call('GET', '/service_accounts', { token: jwtOf(account.token) })).status).toBe(200)
    expect(emulator.grants(account.role)).toHaveLength(1)
    expect(() => emulator.seedAccount(owner, { name: 'aged' })).toThrow(/already has an account named aged/)
  })

  test('fullTokenFor: the create format, for any context', () => {
    const full = emulator.fullTokenFor('alice', { cluster: 'c', project: 'p', org: 'o' })
    const jwt = jwtOf(full)
    expect(decode(full, 'base64')).toBe(
      `{"token": "${jwt}", "cluster": "c", "url": "${emulator.url}", "project_name": "p", "org_name": "o"}`
    )
    expect(claimsOf(jwt)['https://platform.neuromation.io/user']).toBe('alice')
    expect(JSON.parse(decode(emulator.fullTokenFor('alice', { org: null }), 'base64'))).not.toHaveProperty('org_name')
    expect(JSON.parse(decode(emulator.fullTokenFor('alice'), 'base64'))).toMatchObject({
      cluster: 'default',
      project_name: 'test-project',
      org_name: 'test-org'
    })
  })

  test('requests: method, full path, query, lower-case headers and status of every API request', async () => {
    const { token } = user()
    emulator.resetLog()
    await call('GET', '/service_accounts?x=1', { token, headers: { 'X-Custom': 'yes' } })
    await call('GET', '/nothing')
    await fetch(`${emulator.origin}/_emulator/accounts`)
    expect(emulator.requests).toEqual([
      {
        method: 'GET',
        path: '/api/v1/service_accounts',
        query: '?x=1',
        headers: expect.objectContaining({ authorization: `Bearer ${token}`, 'x-custom': 'yes' }),
        status: 200
      },
      { method: 'GET', path: '/api/v1/nothing', query: '', headers: expect.any(Object), status: 404 }
    ])
    emulator.resetLog()
    expect(emulator.requests).toEqual([])
  })

  test('logRequests: false keeps no log; log() gets a line per request', async () => {
    const lines: string[] = []
    const quiet = await startEmulator({ logRequests: false, log: line => lines.push(line) })
    try {
      await call('GET', '/service_accounts', { token: quiet.tokens.alice }, quiet.url)
      expect(quiet.requests).toEqual([])
      expect(lines).toEqual(['GET /api/v1/service_accounts 200'])
    } finally {
      await quiet.close()
    }
  })
})

describe('faults', () => {
  test('status: answers without acting, as often as asked, for the matching method and path only', async () => {
    const { token } = user()
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status',
      status: 503,
      times: 2,
      headers: { 'retry-after': '7' },
      body: 'busy'
    })
    expect((await call('GET', '/service_accounts', { token })).status).toBe(200)
    const first = await create(token, { name: 'faulted' })
    expect(first).toMatchObject({ status: 503, text: 'busy' })
    expect(first.headers.get('retry-after')).toBe('7')
    expect((await create(token, { name: 'faulted' })).status).toBe(503)
    expect(emulator.accounts().some(a => a.name === 'faulted')).toBe(false)
    expect((await create(token, { name: 'faulted' })).status).toBe(201)
  })

  test('a RegExp path, Infinity times, the first matching rule wins, clearFaults ends it', async () => {
    const { token } = user()
    await made(token, { name: 'target' })
    emulator.addFault({
      path: /^\/service_accounts\/[^/]+$/,
      kind: 'status',
      status: 500,
      times: Infinity,
      body: '{"error": "Unexpected exception: boom"}',
      headers: { 'content-type': 'application/json' }
    })
    emulator.addFault({ path: /^\/service_accounts\/[^/]+$/, kind: 'status', status: 429 })
    for (let i = 0; i < 5; i++) expect((await call('GET', '/service_accounts/target', { token })).status).toBe(500)
    expect((await call('DELETE', '/service_accounts/target', { token })).text).toBe(
      '{"error": "Unexpected exception: boom"}'
    )
    expect((await call('GET', '/service_accounts', { token })).status).toBe(200)
    emulator.clearFaults()
    expect((await call('GET', '/service_accounts/target', { token })).status).toBe(200)
  })

  test('status-after: acts, then answers the given status (an ambiguous create)', async () => {
    const { name: owner, token } = user()
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status-after',
      status: 502,
      body: '<html>502</html>',
      headers: { 'content-type': 'text/html' }
    })
    const reply = await create(token, { name: 'ambiguous' })
    expect(reply).toMatchObject({ status: 502, text: '<html>502</html>' })
    expect(reply.headers.get('content-type')).toBe('text/html')
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['ambiguous'])
  })

  test('reset-before does not act; reset-after does; neither answers', async () => {
    const { name: owner, token } = user()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-before' })
    await expect(create(token, { name: 'reset-before' })).rejects.toThrow()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-after' })
    await expect(create(token, { name: 'reset-after' })).rejects.toThrow()
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['reset-after'])
    expect(emulator.requests.slice(-2).map(r => r.status)).toEqual([0, 0])
  })

  test('hang never answers and does not act; hang-after acts; clearFaults lets go of the connection', async () => {
    const { name: owner, token } = user()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'hang' })
    await expect(
      call('POST', '/service_accounts', {
        token,
        body: { name: 'hung', default_cluster: 'c', default_project: 'p' },
        signal: AbortSignal.timeout(300)
      })
    ).rejects.toThrow()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'hang-after' })
    const pending = create(token, { name: 'hung-after' })
    await new Promise(done => setTimeout(done, 200))
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['hung-after'])
    emulator.clearFaults()
    await expect(pending).rejects.toThrow()
  })

  test('close() ends hung connections, so nothing waits for ever', async () => {
    const own = await startEmulator()
    own.addFault({ kind: 'hang', times: Infinity })
    const pending = call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)
    await new Promise(done => setTimeout(done, 100))
    const started = Date.now()
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('close() did not finish')), 2000).unref()
    )
    await Promise.race([own.close(), timeout])
    await expect(pending).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1000)
    await own.close()
  })

  test('delay: the real answer, late', async () => {
    const { token } = user()
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'delay', ms: 300 })
    const started = Date.now()
    expect((await call('GET', '/service_accounts', { token })).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  test('slow-body: headers at once, then the body in small pieces', async () => {
    const { token } = user()
    emulator.addFault({ method: 'GET', path: '/config', kind: 'slow-body', ms: 20 })
    const started = Date.now()
    const response = await fetch(`${emulator.url}/config`, { headers: { authorization: `Bearer ${token}` } })
    const headersAfter = Date.now() - started
    const body = await response.text()
    const total = Date.now() - started
    expect(response.status).toBe(200)
    expect(JSON.parse(body).authorized).toBe(true)
    expect(headersAfter).toBeLessThan(total / 4)
    expect(total).toBeGreaterThanOrEqual(Math.ceil(body.length / 8) * 20 * 0.9)
  })

  test('truncated: acts, declares more than it sends, cuts the connection', async () => {
    const { name: owner, token } = user()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'truncated' })
    await expect(create(token, { name: 'cut' }).then(r => r.text)).rejects.toThrow()
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['cut'])
    const whole = Buffer.byteLength((await call('GET', '/service_accounts', { token })).text)
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'truncated' })
    const reply = await raw('GET', '/api/v1/service_accounts', { authorization: `Bearer ${token}` })
    expect(reply.status).toBe(200)
    const received = Buffer.concat(reply.chunks).length
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThan(whole)
    expect(Number(reply.headers['content-length'])).toBeGreaterThan(received)
    expect(reply.error).toBeDefined()
  })

  test('malformed-json: acts, answers the real status with a JSON type and a body that is not JSON', async () => {
    const { name: owner, token } = user()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'malformed-json' })
    const reply = await create(token, { name: 'garbled' })
    expect(reply.status).toBe(201)
    expect(reply.headers.get('content-type')).toBe('application/json')
    expect(() => JSON.parse(reply.text)).toThrow()
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['garbled'])
  })

  test('redirect: 307 to the sink (another origin that records what reaches it) without acting, or to a given location', async () => {
    const { name: owner, token } = user()
    expect(emulator.sink.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(emulator.sink.origin).not.toBe(emulator.origin)
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'redirect' })
    const reply = await create(token, { name: 'redirected' })
    expect(reply.status).toBe(307)
    const location = reply.headers.get('location') ?? ''
    expect(location).toBe(`${emulator.sink.origin}/api/v1/service_accounts`)
    expect(emulator.accounts().some(a => a.owner === owner)).toBe(false)
    const before = emulator.sink.requests.length
    const followed = await fetch(location, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{}'
    })
    expect(followed.status).toBe(200)
    expect(await followed.json()).toEqual({})
    expect(emulator.sink.requests.slice(before)).toEqual([
      {
        method: 'POST',
        url: '/api/v1/service_accounts',
        headers: expect.objectContaining({ authorization: `Bearer ${token}` })
      }
    ])
    emulator.addFault({ method: 'GET', kind: 'redirect', status: 302, location: 'https://example.invalid/x' })
    const custom = await call('GET', '/service_accounts', { token })
    expect(custom.status).toBe(302)
    expect(custom.headers.get('location')).toBe('https://example.invalid/x')
  })

  test('no-token: acts, answers 201 with the account but no token', async () => {
    const { name: owner, token } = user()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'no-token' })
    const reply = await create(token, { name: 'tokenless', default_org: 'o' })
    expect(reply.status).toBe(201)
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(reply.text).toMatch(/^\{"name": "tokenless", "default_cluster": "default", /)
    const account = JSON.parse(reply.text)
    expect(Object.keys(account)).toEqual(RECORD_KEYS)
    expect(emulator.account(account.id)).toEqual(account)
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['tokenless'])
    // An answer with no token passes as it was (here the 409 of a second create).
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'no-token' })
    expect((await create(token, { name: 'tokenless' })).text).toBe(
      '{"code": "unique", "description": "Service Account with such name exists"}'
    )
  })

  test("status and status-after answer any status, headers and body (a 201 that is not the platform's, say)", async () => {
    const { name: owner, token } = user()
    const body = '{"id": "service-account-made-up", "token": "not-a-real-one"}'
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status',
      status: 201,
      body,
      headers: { 'content-type': 'application/json', 'x-extra': '1' }
    })
    const made = await create(token, { name: 'respond' })
    expect(made).toMatchObject({ status: 201, text: body })
    expect(made.headers.get('x-extra')).toBe('1')
    expect(emulator.accounts().some(a => a.owner === owner)).toBe(false)
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status-after',
      status: 200,
      body: 'ok',
      headers: { 'content-type': 'text/plain' }
    })
    expect(await create(token, { name: 'respond-after' })).toMatchObject({ status: 200, text: 'ok' })
    expect(
      emulator
        .accounts()
        .filter(a => a.owner === owner)
        .map(a => a.name)
    ).toEqual(['respond-after'])
  })

  test('auth-hiccup: a working token answered 401 as the server answers an unknown one, N times, nothing done; then it works', async () => {
    const { name: owner, token } = user()
    const target = await made(token, { name: 'hiccup-target' })
    emulator.addFault({ method: 'DELETE', path: '/service_accounts/hiccup-target', kind: 'auth-hiccup', times: 2 })
    for (let i = 0; i < 2; i++) {
      const refused = await call('DELETE', '/service_accounts/hiccup-target', { token })
      expect(refused).toMatchObject({ status: 401, text: '401: Unauthorized' })
      expect(refused.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(emulator.account(target.id)).toBeDefined()
    }
    expect((await call('DELETE', '/service_accounts/hiccup-target', { token })).status).toBe(204)

    // A create is refused before it acts; a hiccup on one path leaves the others alone.
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'auth-hiccup' })
    expect((await call('GET', '/service_accounts', { token })).status).toBe(200)
    expect(await create(token, { name: 'hiccup-create' })).toMatchObject({ status: 401, text: '401: Unauthorized' })
    expect(emulator.accounts().filter(a => a.owner === owner)).toEqual([])
    expect((await create(token, { name: 'hiccup-create' })).status).toBe(201)
  })

  test('auth-hiccup on GET /config: not authorized (OAuth keys only), as platform-api answers when it cannot check the token', async () => {
    const { token } = user()
    emulator.addFault({ path: '/config', kind: 'auth-hiccup' })
    const hiccup = await call('GET', '/config', { token })
    expect(hiccup.status).toBe(200)
    const body = JSON.parse(hiccup.text)
    expect(body.authorized).toBe(false)
    expect(body).not.toHaveProperty('clusters')
    expect(body).toHaveProperty('auth_url')
    expect(JSON.parse((await call('GET', '/config', { token })).text).authorized).toBe(true)
  })

  test('auth-hiccup keeps what comes before the auth service: 404, 405 and a malformed header', async () => {
    const { token } = user()
    emulator.addFault({ kind: 'auth-hiccup', times: Infinity })
    expect((await call('GET', '/nowhere', { token })).status).toBe(404)
    expect((await call('PUT', '/service_accounts', { token })).status).toBe(405)
    expect(await call('GET', '/service_accounts', { headers: { authorization: 'Basic abc' } })).toMatchObject({
      status: 400,
      text: errorBody('Unexpected authorization scheme')
    })
    expect((await call('GET', '/service_accounts', { token })).status).toBe(401)
  })

  test("auth-error in create: 500 with the server's message naming the auth service's internal URL; nothing made", async () => {
    const { name: owner, token } = user()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'auth-error' })
    const failed = await create(token, { name: 'auth-error' })
    expect(failed.status).toBe(500)
    expect(failed.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(failed.text).toBe(
      errorBody(
        "Unexpected exception: 503, message='Service Unavailable', " +
          `url='${AUTH_SERVICE_URL}/api/v1/users/${owner}:service-accounts:auth-error/token'. ` +
          'Path with query: /api/v1/service_accounts.'
      )
    )
    expect(AUTH_SERVICE_URL).toBe('http://platform-auth:8080')
    expect(emulator.accounts().filter(a => a.owner === owner)).toEqual([])
    // The name is free: the server rolled its record back.
    expect((await create(token, { name: 'auth-error' })).status).toBe(201)

    // Unnamed: the role the server would have made, 16 hex digits.
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'auth-error' })
    expect((await create(token)).text).toMatch(
      new RegExp(`users/${owner}:service-accounts:[0-9a-f]{16}/token'\\. Path with query: /api/v1/service_accounts\\.`)
    )
  })

  test('auth-error in create comes after validation and the name check, as in the server', async () => {
    const { token } = user()
    await made(token, { name: 'taken' })
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'auth-error', times: 2 })
    expect((await create(token, { name: 'taken' })).status).toBe(409)
    expect((await create(token, { name: 'Bad Name' })).status).toBe(400)
    expect((await create(token, { name: 'fresh' })).status).toBe(201)
  })

  test('auth-error in delete: 500 naming the role on the auth service; the account stays; 404 first for a missing one', async () => {
    const { name: owner, token } = user()
    const account = await made(token, { name: 'stays' })
    emulator.addFault({ method: 'DELETE', path: /^\/service_accounts\//, kind: 'auth-error', times: 2 })
    expect((await call('DELETE', '/service_accounts/missing', { token })).status).toBe(404)
    const failed = await call('DELETE', `/service_accounts/${account.id}`, { token })
    expect(failed.status).toBe(500)
    expect(failed.text).toBe(
      errorBody(
        `Unexpected exception: 503, message='Service Unavailable', url='http://platform-auth:8080/api/v1/users/${owner}:service-accounts:stays'. ` +
          `Path with query: /api/v1/service_accounts/${account.id}.`
      )
    )
    expect(emulator.account(account.id)).toBeDefined()
    // Its token still works: nothing was revoked.
    expect(JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) })).text).authorized).toBe(true)
    expect((await call('DELETE', `/service_accounts/${account.id}`, { token })).status).toBe(204)
    expect(emulator.account(account.id)).toBeUndefined()
  })

  test('auth-error elsewhere (get, list, /config) changes nothing: only create and delete call the auth service', async () => {
    const { token } = user()
    await made(token, { name: 'readable' })
    emulator.addFault({ method: 'GET', kind: 'auth-error', times: 3 })
    expect((await call('GET', '/service_accounts/readable', { token })).status).toBe(200)
    expect((await call('GET', '/service_accounts', { token })).status).toBe(200)
    expect(JSON.parse((await call('GET', '/config', { token })).text).authorized).toBe(true)
  })

  test('an unknown kind is refused', () => {
    expect(() => emulator.addFault({ kind: 'explode' } as unknown as Parameters<Emulator['addFault']>[0])).toThrow(
      /Unknown fault kind/
    )
  })
})

describe('the throttle', () => {
  /** `count` list requests at once; the statuses in the order sent. */
  async function burst(target: Emulator, count: number) {
    const token = target.tokens.alice
    return Promise.all(Array.from({ length: count }, () => call('GET', '/service_accounts', { token }, target.url)))
  }

  test('off by default', async () => {
    expect(emulator.throttle).toBeUndefined()
    expect((await burst(emulator, 20)).every(r => r.status === 200)).toBe(true)
  })

  test('past maxInFlight at once: 429, Retry-After and a JSON error, without acting; fine again once they finish', async () => {
    const own = await startEmulator({ throttle: { maxInFlight: 2, retryAfterSeconds: 7, holdMs: 300 } })
    try {
      expect(own.throttle).toEqual({ maxInFlight: 2, retryAfterSeconds: 7, holdMs: 300 })
      const token = own.tokens.alice
      const started = Date.now()
      const first = Array.from({ length: 2 }, () => call('GET', '/service_accounts', { token }, own.url))
      // Sent while the first two are held: over the limit.
      await new Promise(done => setTimeout(done, 100))
      const body = (i: number) => ({ name: `throttled-${i}`, default_cluster: 'c', default_project: 'p' })
      const more = Array.from({ length: 3 }, (_, i) =>
        call('POST', '/service_accounts', { token, body: body(i) }, own.url)
      )
      const replies = await Promise.all([...first, ...more])
      expect(replies.map(r => r.status)).toEqual([200, 200, 429, 429, 429])
      for (const reply of replies.slice(2)) {
        expect(reply.text).toBe('{"error": "Too many requests"}')
        expect(reply.headers.get('retry-after')).toBe('7')
        expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8')
        expect(reply.headers.get('x-service-version')).toBe('platform-service-accounts-api/0.0.0+emulator')
      }
      expect(own.accounts()).toEqual([])
      // Admitted requests were held for holdMs; refused ones were not.
      expect(Date.now() - started).toBeGreaterThanOrEqual(290)
      expect(own.requests.map(r => r.status).sort()).toEqual([200, 200, 429, 429, 429])
      expect((await call('POST', '/service_accounts', { token, body: body(0) }, own.url)).status).toBe(201)
    } finally {
      await own.close()
    }
  })

  test('a request that ends early (reset, hang let go) leaves room for the next', async () => {
    const own = await startEmulator({ throttle: { maxInFlight: 1, holdMs: 0 } })
    try {
      own.addFault({ kind: 'reset-before' })
      await expect(call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)).rejects.toThrow()
      own.addFault({ kind: 'hang' })
      const hung = call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)
      await new Promise(done => setTimeout(done, 100))
      expect((await burst(own, 1))[0].status).toBe(429)
      own.clearFaults()
      await expect(hung).rejects.toThrow()
      expect((await burst(own, 1))[0].status).toBe(200)
    } finally {
      await own.close()
    }
  })

  test('setThrottle changes it at run time, undefined turns it off; 0 refuses every request; bad values throw', async () => {
    const own = await startEmulator()
    try {
      own.setThrottle({ maxInFlight: 0 })
      expect(own.throttle).toEqual({ maxInFlight: 0, retryAfterSeconds: 1, holdMs: 50 })
      const [refused] = await burst(own, 1)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('1')
      own.setThrottle({ maxInFlight: 3, holdMs: 200 })
      expect((await burst(own, 5)).map(r => r.status).sort()).toEqual([200, 200, 200, 429, 429])
      own.setThrottle(undefined)
      expect(own.throttle).toBeUndefined()
      expect((await burst(own, 5)).every(r => r.status === 200)).toBe(true)
      for (const bad of [
        { maxInFlight: -1 },
        { maxInFlight: 1.5 },
        { maxInFlight: 2, retryAfterSeconds: -3 },
        { maxInFlight: 2, holdMs: Number.NaN },
        {} as { maxInFlight: number }
      ]) {
        expect(() => own.setThrottle(bad)).toThrow(/whole number/)
      }
      expect(own.throttle).toBeUndefined()
    } finally {
      await own.close()
    }
  })
})

describe('the per-owner rate limit', () => {
  const list = (target: Emulator, token: string) => call('GET', '/service_accounts', { token }, target.url)

  test('off by default', async () => {
    expect(emulator.rateLimit).toBeUndefined()
    const { token } = user()
    const replies = await Promise.all(Array.from({ length: 20 }, () => list(emulator, token)))
    expect(replies.every(r => r.status === 200)).toBe(true)
  })

  test('a burst, then 429 with Retry-After (whole seconds until a token is back) and a JSON error, without acting', async () => {
    const own = await startEmulator({ users: ['alice'], rateLimit: { perSecond: 0.25, burst: 2 } })
    try {
      expect(own.rateLimit).toEqual({ perSecond: 0.25, burst: 2 })
      const token = own.tokens.alice
      expect((await list(own, token)).status).toBe(200)
      expect((await list(own, token)).status).toBe(200)
      const refused = await call(
        'POST',
        '/service_accounts',
        { token, body: { default_cluster: 'c', default_project: 'p' } },
        own.url
      )
      expect(refused.status).toBe(429)
      expect(refused.text).toBe('{"error": "Too many requests"}')
      expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8')
      // 0.25 a second: the next token is about 4 s away.
      expect(refused.headers.get('retry-after')).toBe('4')
      expect(own.accounts()).toEqual([])
      expect(own.requests.map(r => r.status)).toEqual([200, 200, 429])
      expect(own.load).toMatchObject({ requests: 3, throttled: 0, rateLimited: 1 })
    } finally {
      await own.close()
    }
  })

  test("per owner: another user has a bucket of their own; a service account's requests draw from its owner's", async () => {
    const own = await startEmulator({ users: ['alice', 'bob'] })
    try {
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: own.tokens.alice, body: { default_cluster: 'default', default_project: 'p' } },
            own.url
          )
        ).text
      )
      own.setRateLimit({ perSecond: 1, burst: 2 })
      expect((await call('GET', '/config', { token: jwtOf(account.token) }, own.url)).status).toBe(200)
      expect((await list(own, own.tokens.alice)).status).toBe(200)
      // alice's bucket is empty, her service account's with it; bob's is full.
      expect((await call('GET', '/config', { token: jwtOf(account.token) }, own.url)).status).toBe(429)
      const refused = await list(own, own.tokens.alice)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('1')
      expect((await list(own, own.tokens.bob)).status).toBe(200)
      // Requests with no working token draw from no bucket.
      expect((await call('GET', '/config', {}, own.url)).status).toBe(200)
      expect((await list(own, 'not-a-token')).status).toBe(401)
    } finally {
      await own.close()
    }
  })

  test('the bucket refills at perSecond; setRateLimit changes it (full buckets) or turns it off; bad values throw', async () => {
    const own = await startEmulator({ rateLimit: { perSecond: 5, burst: 1 } })
    try {
      const token = own.tokens.alice
      expect((await list(own, token)).status).toBe(200)
      const refused = await list(own, token)
      expect(refused.status).toBe(429)
      // At least 1 s, whatever the rate.
      expect(refused.headers.get('retry-after')).toBe('1')
      await new Promise(done => setTimeout(done, 250))
      expect((await list(own, token)).status).toBe(200)
      own.setRateLimit({ perSecond: 1, burst: 3 })
      expect((await Promise.all([1, 2, 3, 4].map(() => list(own, token)))).map(r => r.status).sort()).toEqual([
        200, 200, 200, 429
      ])
      own.setRateLimit(undefined)
      expect(own.rateLimit).toBeUndefined()
      expect((await Promise.all([1, 2, 3, 4].map(() => list(own, token)))).every(r => r.status === 200)).toBe(true)
      for (const bad of [
        { perSecond: 0, burst: 1 },
        { perSecond: -1, burst: 1 },
        { perSecond: Infinity, burst: 1 },
        { perSecond: 1, burst: 0 },
        { perSecond: 1, burst: 1.5 },
        {} as { perSecond: number; burst: number }
      ]) {
        expect(() => own.setRateLimit(bad)).toThrow(/perSecond|burst/)
      }
      expect(own.rateLimit).toBeUndefined()
    } finally {
      await own.close()
    }
  })

  test('with the throttle: a request the throttle refuses takes no token from the bucket', async () => {
    const own = await startEmulator({
      throttle: { maxInFlight: 1, holdMs: 300 },
      rateLimit: { perSecond: 0.1, burst: 2 }
    })
    try {
      const token = own.tokens.alice
      const held = list(own, token)
      await new Promise(done => setTimeout(done, 100))
      expect((await list(own, token)).status).toBe(429)
      expect((await held).status).toBe(200)
      expect((await list(own, token)).status).toBe(200)
      const limited = await list(own, token)
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBe('10')
      expect(own.load).toMatchObject({ requests: 4, throttled: 1, rateLimited: 1 })
    } finally {
      await own.close()
    }
  })
})

describe('the start gate (for herds run on one machine)', () => {
  test('API requests wait until `count` have come, then go on spread over spreadMs; later ones pass at once; control requests never wait', async () => {
    const own = await startEmulator({ startGate: { count: 3, spreadMs: 400 } })
    try {
      const token = own.tokens.alice
      const answeredAt: number[] = []
      const list = () =>
        call('GET', '/service_accounts', { token }, own.url).then(reply => {
          answeredAt.push(Date.now())
          return reply.status
        })
      const first = [list(), list()]
      await new Promise(done => setTimeout(done, 300))
      expect(answeredAt).toEqual([])
      expect(own.startGate).toMatchObject({ count: 3, spreadMs: 400, waiting: 2, held: 2, openedAt: null })
      expect((await fetch(`${own.origin}/_emulator/accounts`)).status).toBe(200)
      const opened = Date.now()
      expect(await Promise.all([...first, list()])).toEqual([200, 200, 200])
      // Let go at 0, 133 and 267 ms after the third came.
      expect(Math.max(...answeredAt) - opened).toBeGreaterThanOrEqual(250)
      expect(own.startGate).toMatchObject({ waiting: 0, held: 3 })
      expect(own.startGate?.openedAt).toBeGreaterThanOrEqual(opened - 50)
      const later = Date.now()
      expect(await list()).toBe(200)
      expect(Date.now() - later).toBeLessThan(250)
      expect(own.startGate?.held).toBe(3)
    } finally {
      await own.close()
    }
  })

  test('with `random`, each waiting request goes at its own random time within spreadMs', async () => {
    const shares = [0.75, 0.5]
    const own = await startEmulator({ startGate: { count: 2, spreadMs: 400, random: () => shares.shift() ?? 0 } })
    try {
      const answeredAfter: number[] = []
      const list = (started: number) =>
        call('GET', '/service_accounts', { token: own.tokens.alice }, own.url).then(() =>
          answeredAfter.push(Date.now() - started)
        )
      await Promise.all([list(Date.now()), list(Date.now())])
      // The first to come goes 300 ms after the gate opened, the second 200 ms.
      expect(answeredAfter[0]).toBeGreaterThanOrEqual(190)
      expect(answeredAfter[0]).toBeLessThan(300)
      expect(answeredAfter[1]).toBeGreaterThanOrEqual(290)
    } finally {
      await own.close()
    }
  })

  test('it opens timeoutMs after the first came, whoever has come; close() lets waiting requests go; bad values throw', async () => {
    const own = await startEmulator({ startGate: { count: 10, timeoutMs: 300 } })
    try {
      // The clock starts with the first request, not with the emulator.
      await new Promise(done => setTimeout(done, 400))
      expect(own.startGate?.openedAt).toBeNull()
      const started = Date.now()
      expect((await call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    } finally {
      await own.close()
    }
    const closing = await startEmulator({ startGate: { count: 10 } })
    const waiting = call('GET', '/service_accounts', { token: closing.tokens.alice }, closing.url).catch(() => 'cut')
    await new Promise(done => setTimeout(done, 100))
    await closing.close()
    expect(await waiting).toBeDefined()
    for (const bad of [{ count: 0 }, { count: 1.5 }, { count: 2, spreadMs: -1 }, { count: 2, timeoutMs: 0.5 }]) {
      await expect(startEmulator({ startGate: bad })).rejects.toThrow(/start gate/)
    }
  })
})

describe('load: what the API has borne', () => {
  test('requests received, in flight now and at most, 429s of the throttle and of the rate limit; kept with logRequests off; resetLoad', async () => {
    const own = await startEmulator({ logRequests: false, throttle: { maxInFlight: 3, holdMs: 300 } })
    try {
      expect(own.load).toEqual({ requests: 0, inFlight: 0, peakInFlight: 0, throttled: 0, rateLimited: 0 })
      const token = own.tokens.alice
      const replies = await Promise.all(
        Array.from({ length: 5 }, () => call('GET', '/service_accounts', { token }, own.url))
      )
      expect(replies.map(r => r.status).sort()).toEqual([200, 200, 200, 429, 429])
      expect(own.requests).toEqual([])
      expect(own.load).toEqual({ requests: 5, inFlight: 0, peakInFlight: 3, throttled: 2, rateLimited: 0 })
      await fetch(`${own.origin}/_emulator/accounts`)
      expect(own.load.requests).toBe(5)
      own.resetLoad()
      expect(own.load).toEqual({ requests: 0, inFlight: 0, peakInFlight: 0, throttled: 0, rateLimited: 0 })
    } finally {
      await own.close()
    }
  })
})

describe('the control API (no token)', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.origin}/_emulator/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    return { status: response.status, json: text ? JSON.parse(text) : undefined }
  }

  test('tokens: a JWT and a full token for a user', async () => {
    const { status, json } = await control('POST', 'tokens', { user: 'carol' })
    expect(status).toBe(200)
    expect(claimsOf(json.token)['https://platform.neuromation.io/user']).toBe('carol')
    expect((await call('GET', '/service_accounts', { token: json.token })).status).toBe(200)
    expect(JSON.parse(decode(json.fullToken, 'base64'))).toMatchObject({ url: emulator.url, cluster: 'default' })
    expect((await call('GET', '/service_accounts', { token: jwtOf(json.fullToken) })).status).toBe(200)
  })

  test('seed and accounts', async () => {
    const owner = `seeded${++counter}`
    expect(await control('POST', 'seed', { owner, count: 3, namePrefix: 'ctl-', ageSeconds: 3600 })).toEqual({
      status: 201,
      json: { created: 3 }
    })
    const all = (await control('GET', 'accounts')).json as Record<string, string>[]
    expect(all).toHaveLength(emulator.accounts().length)
    const mine = all.filter(a => a.owner === owner)
    expect(mine.map(a => a.name)).toEqual(['ctl-0', 'ctl-1', 'ctl-2'])
    expect(Date.now() - Date.parse(mine[0].created_at)).toBeGreaterThan(3_500_000)
    const clash = await control('POST', 'seed', { owner, count: 1, namePrefix: 'ctl-' })
    expect(clash.status).toBe(400)
    expect(clash.json.error).toMatch(/already has an account named ctl-0/)
  })

  test('faults: a "^" path is a pattern, null times is for ever; DELETE clears them', async () => {
    const { token } = user()
    expect(
      (
        await control('POST', 'faults', {
          method: 'GET',
          path: '^/service_accounts$',
          kind: 'status',
          status: 429,
          times: null
        })
      ).status
    ).toBe(201)
    for (let i = 0; i < 3; i++) expect((await call('GET', '/service_accounts', { token })).status).toBe(429)
    expect((await call('GET', '/config', { token })).status).toBe(200)
    expect((await control('DELETE', 'faults')).status).toBe(204)
    expect((await call('GET', '/service_accounts', { token })).status).toBe(200)
    expect((await control('POST', 'faults', { path: '/config', kind: 'status' })).status).toBe(201)
    expect((await call('GET', '/config')).status).toBe(503)
    expect((await control('POST', 'faults', { kind: 'nope' })).status).toBe(400)
  })

  test('throttle: PUT sets it, GET shows it, DELETE ends it; control requests are never throttled', async () => {
    const own = await startEmulator()
    const ownControl = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${own.origin}/_emulator/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await response.text()
      return { status: response.status, json: text ? JSON.parse(text) : undefined }
    }
    try {
      expect(await ownControl('GET', 'throttle')).toEqual({ status: 200, json: null })
      expect(await ownControl('PUT', 'throttle', { maxInFlight: 0, retryAfterSeconds: 4 })).toEqual({
        status: 200,
        json: { maxInFlight: 0, retryAfterSeconds: 4, holdMs: 50 }
      })
      const refused = await call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('4')
      expect((await ownControl('GET', 'accounts')).status).toBe(200)
      expect((await ownControl('PUT', 'throttle', { maxInFlight: 'many' })).status).toBe(400)
      expect((await ownControl('DELETE', 'throttle')).status).toBe(204)
      expect(own.throttle).toBeUndefined()
      expect((await call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)).status).toBe(200)
    } finally {
      await own.close()
    }
  })

  test('rate limit and load: PUT sets the limit, GET shows it, DELETE ends it; load shows the 429s and resets', async () => {
    const own = await startEmulator()
    const ownControl = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${own.origin}/_emulator/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await response.text()
      return { status: response.status, json: text ? JSON.parse(text) : undefined }
    }
    try {
      expect(await ownControl('GET', 'rate-limit')).toEqual({ status: 200, json: null })
      expect(await ownControl('PUT', 'rate-limit', { perSecond: 0.5, burst: 1 })).toEqual({
        status: 200,
        json: { perSecond: 0.5, burst: 1 }
      })
      expect(await ownControl('GET', 'rate-limit')).toEqual({ status: 200, json: { perSecond: 0.5, burst: 1 } })
      const token = own.tokens.alice
      expect((await call('GET', '/service_accounts', { token }, own.url)).status).toBe(200)
      const limited = await call('GET', '/service_accounts', { token }, own.url)
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBe('2')
      expect(await ownControl('GET', 'load')).toEqual({
        status: 200,
        json: { requests: 2, inFlight: 0, peakInFlight: 1, throttled: 0, rateLimited: 1 }
      })
      expect((await ownControl('DELETE', 'load')).status).toBe(204)
      expect((await ownControl('GET', 'load')).json).toMatchObject({ requests: 0, rateLimited: 0 })
      expect((await ownControl('PUT', 'rate-limit', { perSecond: 'fast', burst: 1 })).status).toBe(400)
      expect((await ownControl('PUT', 'rate-limit', { perSecond: 1 })).status).toBe(400)
      expect((await ownControl('DELETE', 'rate-limit')).status).toBe(204)
      expect(own.rateLimit).toBeUndefined()
      expect((await call('GET', '/service_accounts', { token }, own.url)).status).toBe(200)
    } finally {
      await own.close()
    }
  })

  test('faults: auth-hiccup and auth-error from another process', async () => {
    const { name: owner, token } = user()
    expect((await control('POST', 'faults', { method: 'GET', kind: 'auth-hiccup', times: 1 })).status).toBe(201)
    expect(await call('GET', '/service_accounts', { token })).toMatchObject({ status: 401, text: '401: Unauthorized' })
    expect((await control('POST', 'faults', { method: 'POST', kind: 'auth-error' })).status).toBe(201)
    const failed = await create(token, { name: 'ctl-auth-error' })
    expect(failed.status).toBe(500)
    expect(JSON.parse(failed.text).error).toContain(`url='http://platform-auth:8080/api/v1/users/${owner}:`)
    expect(emulator.accounts().filter(a => a.owner === owner)).toEqual([])
  })

  test('faults: no-token from another process', async () => {
    const { token } = user()
    expect(
      (await control('POST', 'faults', { method: 'POST', path: '/service_accounts', kind: 'no-token' })).status
    ).toBe(201)
    const reply = await create(token, { name: 'ctl-no-token' })
    expect(reply.status).toBe(201)
    expect(JSON.parse(reply.text)).not.toHaveProperty('token')
  })

  test('settings: GET shows both switches, PATCH sets the keys given ("never" or null for no end), all or nothing', async () => {
    const own = await startEmulator()
    const ownControl = async (method: string, body?: unknown) => {
      const response = await fetch(`${own.origin}/_emulator/settings`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      return { status: response.status, json: JSON.parse(await response.text()) }
    }
    try {
      expect(await ownControl('GET')).toEqual({
        status: 200,
        json: { newTokenDelayMs: 0, clustersNeedGrant: false, keepAliveMs: 75_000 }
      })
      expect(await ownControl('PATCH', { newTokenDelayMs: 'never' })).toEqual({
        status: 200,
        json: { newTokenDelayMs: 'never', clustersNeedGrant: false, keepAliveMs: 75_000 }
      })
      expect(own.newTokenDelayMs).toBe(Infinity)
      expect(await ownControl('PATCH', { clustersNeedGrant: true, newTokenDelayMs: 2500 })).toEqual({
        status: 200,
        json: { newTokenDelayMs: 2500, clustersNeedGrant: true, keepAliveMs: 75_000 }
      })
      expect(own.clustersNeedGrant).toBe(true)
      expect((await ownControl('PATCH', { newTokenDelayMs: null })).json.newTokenDelayMs).toBe('never')
      for (const bad of [
        { newTokenDelayMs: -1, clustersNeedGrant: false },
        { clustersNeedGrant: 'yes' },
        { newTokenDelayMs: '5' },
        { other: 1 },
        [],
        'x'
      ]) {
        const refused = await ownControl('PATCH', bad)
        expect(refused.status).toBe(400)
        expect(typeof refused.json.error).toBe('string')
      }
      expect(own.settings).toEqual({ newTokenDelayMs: 'never', clustersNeedGrant: true, keepAliveMs: 75_000 })
      // Over the wire too: a new account's token is refused.
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: own.tokens.alice, body: { default_cluster: 'default', default_project: 'p' } },
            own.url
          )
        ).text
      )
      expect((await call('GET', '/service_accounts', { token: jwtOf(account.token) }, own.url)).status).toBe(401)
      expect((await ownControl('PUT', {})).status).toBe(404)
    } finally {
      await own.close()
    }
  })

  test('requests: the log; errors for bad JSON and unknown paths', async () => {
    const { token } = user()
    await call('GET', '/service_accounts?probe=1', { token })
    const log = (await control('GET', 'requests')).json as { path: string; query: string; status: number }[]
    expect(log.at(-1)).toMatchObject({ path: '/api/v1/service_accounts', query: '?probe=1', status: 200 })
    expect((await control('DELETE', 'requests')).status).toBe(204)
    expect(emulator.requests).toEqual([])
    const bad = await fetch(`${emulator.origin}/_emulator/seed`, { method: 'POST', body: '{' })
    expect(bad.status).toBe(400)
    expect((await control('GET', 'nothing')).status).toBe(404)
  })
})

describe('scale', () => {
  test('100,000 accounts: seeded fast, listed as NDJSON and as JSON over HTTP', async () => {
    const big = await startEmulator({ users: ['bulk'], logRequests: false })
    /** The list over node:http, timed to its last byte; newlines counted without decoding 30 MB. */
    const list = (accept: string) =>
      new Promise<{ ms: number; lines: number; tail: string; type: unknown }>((resolve, reject) => {
        const started = performance.now()
        const chunks: Buffer[] = []
        let lines = 0
        const req = request(
          `${big.url}/service_accounts`,
          { headers: { authorization: `Bearer ${big.tokens.bulk}`, accept }, agent: false },
          res => {
            res.on('data', (chunk: Buffer) => {
              chunks.push(chunk)
              for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++
            })
            res.on('end', () => {
              const ms = performance.now() - started
              resolve({
                ms,
                lines,
                tail: Buffer.concat(chunks.slice(-2)).toString('utf8'),
                type: res.headers['content-type']
              })
            })
            res.on('error', reject)
          }
        )
        req.on('error', reject)
        req.end()
      })
    try {
      const started = performance.now()
      big.seedAccounts('bulk', 100_000, { namePrefix: 'bulk-' })
      const seedMs = performance.now() - started

      const ndjson = await list('application/x-ndjson')
      expect(ndjson.type).toBe('application/x-ndjson')
      expect(ndjson.lines).toBe(100_000)
      expect(JSON.parse(ndjson.tail.trimEnd().split('\n').at(-1) ?? '').name).toBe('bulk-99999')
      const again = await list('application/x-ndjson')

      const json = await list('application/json')
      expect(json.lines).toBe(0)
      expect(json.tail.endsWith('"role_deleted": false}]')).toBe(true)
      const parsed = JSON.parse((await call('GET', '/service_accounts', { token: big.tokens.bulk }, big.url)).text)
      expect(parsed).toHaveLength(100_000)

      console.log(
        `100,000 accounts: seed ${seedMs.toFixed(0)} ms; NDJSON list ${ndjson.ms.toFixed(0)} ms (again ${again.ms.toFixed(0)} ms); JSON list ${json.ms.toFixed(0)} ms`
      )
      // Generous bounds for a loaded CI machine; the figures above are what to watch.
      expect(seedMs).toBeLessThan(3000)
      expect(ndjson.ms).toBeLessThan(3000)
    } finally {
      await big.close()
    }
  })

  test('NDJSON streams in chunks and waits for a slow reader', async () => {
    const big = await startEmulator({ users: ['bulk'], logRequests: false })
    try {
      // ~30 MB: far more than loopback socket buffers hold, so a paused reader stalls the writer.
      big.seedAccounts('bulk', 100_000)
      const chunks: Buffer[] = []
      await new Promise<void>((resolve, reject) => {
        const req = request(
          `${big.url}/service_accounts`,
          { headers: { authorization: `Bearer ${big.tokens.bulk}`, accept: 'application/x-ndjson' }, agent: false },
          res => {
            res.pause()
            setTimeout(() => {
              // A server that waits for 'drain' has not reached the end of the list yet, so an
              // account made now still shows up; one that wrote everything at once misses it.
              big.seedAccount('bulk', { name: 'late-arrival' })
              res.resume()
            }, 500)
            res.on('data', chunk => chunks.push(chunk))
            res.on('end', resolve)
            res.on('error', reject)
          }
        )
        req.on('error', reject)
        req.end()
      })
      const lines = Buffer.concat(chunks).toString('utf8').split('\n')
      expect(lines.pop()).toBe('')
      expect(lines).toHaveLength(100_001)
      expect(JSON.parse(lines[100_000]).name).toBe('late-arrival')
      expect(chunks.length).toBeGreaterThan(10)
    } finally {
      await big.close()
    }
  })
})

describe('the CLI', () => {
  const children: ReturnType<typeof spawn>[] = []
  // A failed assertion must not leave a server running (and jest waiting for it).
  afterEach(() => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })

  function start(args: string[]) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    const exited = new Promise<number | null>(done => child.on('exit', code => done(code)))
    const line = new Promise<Record<string, string | number>>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))))
      })
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)))
    })
    return { child, line, exited, output: () => ({ stdout, stderr }) }
  }

  test('prints one JSON line with a working token and full token, seeds, and stops cleanly on SIGTERM', async () => {
    const cli = start(['--user', 'dave', '--seed-accounts', '5'])
    const started = await cli.line
    expect(Object.keys(started)).toEqual(['url', 'token', 'fullToken', 'pid'])
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(started.pid).toBe(cli.child.pid)
    expect(claimsOf(String(started.token))['https://platform.neuromation.io/user']).toBe('dave')
    expect(String(started.fullToken).startsWith('eyJ0b2tlbiI6ICJ')).toBe(true)
    const listed = await call('GET', '/service_accounts', { token: String(started.token) }, String(started.url))
    expect(JSON.parse(listed.text)).toHaveLength(5)
    expect(
      (await call('GET', '/config', { token: jwtOf(String(started.fullToken)) }, String(started.url))).text
    ).toContain('"authorized": true')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
    expect(cli.output().stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(cli.output().stderr).toBe('')
  })

  test('--port, --host, --verbose (logs on stderr only), SIGINT', async () => {
    const probe = await startEmulator()
    const port = probe.port
    await probe.close()
    const cli = start(['--port', String(port), '--host', '127.0.0.1', '--verbose'])
    const started = await cli.line
    expect(started.url).toBe(`http://127.0.0.1:${port}/api/v1`)
    await call('GET', '/service_accounts', { token: String(started.token) }, String(started.url))
    cli.child.kill('SIGINT')
    expect(await cli.exited).toBe(0)
    expect(cli.output().stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(cli.output().stderr).toContain('GET /api/v1/service_accounts 200')
  })

  test('--max-in-flight, --retry-after, --hold-ms: the throttle', async () => {
    const cli = start(['--max-in-flight', '0', '--retry-after', '9', '--hold-ms', '10'])
    const started = await cli.line
    const reply = await call('GET', '/service_accounts', { token: String(started.token) }, String(started.url))
    expect(reply.status).toBe(429)
    expect(reply.headers.get('retry-after')).toBe('9')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  test('--rate-per-second and --burst: the per-owner rate limit', async () => {
    const cli = start(['--rate-per-second', '0.5', '--burst', '1'])
    const started = await cli.line
    const origin = new URL(String(started.url)).origin
    expect(await (await fetch(`${origin}/_emulator/rate-limit`)).json()).toEqual({ perSecond: 0.5, burst: 1 })
    const token = String(started.token)
    expect((await call('GET', '/service_accounts', { token }, String(started.url))).status).toBe(200)
    const reply = await call('GET', '/service_accounts', { token }, String(started.url))
    expect(reply.status).toBe(429)
    expect(reply.headers.get('retry-after')).toBe('2')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  test('--new-token-delay-ms and --clusters-need-grant: the switches, as the control API shows them', async () => {
    const cli = start(['--new-token-delay-ms', 'never', '--clusters-need-grant'])
    const started = await cli.line
    const origin = new URL(String(started.url)).origin
    expect(await (await fetch(`${origin}/_emulator/settings`)).json()).toEqual({
      newTokenDelayMs: 'never',
      clustersNeedGrant: true,
      keepAliveMs: 75_000
    })
    const account = JSON.parse(
      (
        await call(
          'POST',
          '/service_accounts',
          { token: String(started.token), body: { default_cluster: 'default', default_project: 'p' } },
          String(started.url)
        )
      ).text
    )
    expect(
      JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) }, String(started.url))).text).authorized
    ).toBe(false)
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)

    const timed = start(['--new-token-delay-ms', '250'])
    const url = String((await timed.line).url)
    expect(await (await fetch(`${new URL(url).origin}/_emulator/settings`)).json()).toEqual({
      newTokenDelayMs: 250,
      clustersNeedGrant: false,
      keepAliveMs: 75_000
    })
    timed.child.kill('SIGTERM')
    expect(await timed.exited).toBe(0)
  })

  test('--keep-alive-ms: how long an idle connection stays open, as the control API and the answers say', async () => {
    const cli = start(['--keep-alive-ms', '4000'])
    const origin = new URL(String((await cli.line).url)).origin
    const settings = (await (await fetch(`${origin}/_emulator/settings`)).json()) as { keepAliveMs: number }
    expect(settings.keepAliveMs).toBe(4_000)
    const header = await new Promise(resolve =>
      request(`${origin}/api/v1/config`, { headers: { connection: 'keep-alive' }, agent: false }, res => {
        resolve(res.headers['keep-alive'])
        res.destroy()
      }).end()
    )
    expect(header).toBe('timeout=4')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  test('--help: usage on stdout, exit 0', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    expect(await new Promise(done => child.on('close', done))).toBe(0)
    expect(stdout).toMatch(/^usage: node emulator\/cli\.js .*--max-in-flight N/s)
    expect(stderr).toBe('')
  })

  test('bad arguments: exit 2 with usage on stderr, nothing on stdout', async () => {
    const bad = [
      ['--port', 'abc'],
      ['--seed-accounts', '-1'],
      ['--nope'],
      ['--max-in-flight', 'x'],
      ['--retry-after', '2']
    ]
    bad.push(
      ['--new-token-delay-ms', 'soon'],
      ['--new-token-delay-ms', '-1'],
      ['--new-token-delay-ms', '1.5'],
      ['--new-token-delay-ms', 'Infinity'],
      ['--keep-alive-ms', '0'],
      ['--keep-alive-ms', '2.5'],
      ['--clusters-need-grant=yes'],
      ['--burst', '3'],
      ['--rate-per-second', '2'],
      ['--rate-per-second', '0', '--burst', '1'],
      ['--rate-per-second', '1', '--burst', '0.5']
    )
    for (const args of bad) {
      const cli = start(args)
      cli.line.catch(() => undefined)
      expect(await cli.exited).toBe(2)
      expect(cli.output().stdout).toBe('')
      expect(cli.output().stderr).toContain('usage: node emulator/cli.js')
    }
  })
})
