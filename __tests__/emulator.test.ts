// The emulator itself must speak the platform's contract, or every other test proves little.
// Raw HTTP with fetch, independent of the action's client.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { startEmulator } from '../emulator/server.js'
import { ROOT } from './helpers/action.js'

type Emulator = Awaited<ReturnType<typeof startEmulator>>
let emulator: Emulator
let alice: string
let bob: string

beforeAll(async () => {
  emulator = await startEmulator({ users: ['alice', 'bob'] })
  alice = emulator.issueToken('alice')
  bob = emulator.issueToken('bob')
})
afterAll(() => emulator.close())

async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; accept?: string; authorization?: string } = {}) {
  const headers: Record<string, string> = {}
  if (options.authorization) headers.authorization = options.authorization
  else if (options.token !== '') headers.authorization = `Bearer ${options.token ?? alice}`
  if (options.accept) headers.accept = options.accept
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  })
  const text = await response.text()
  return { status: response.status, text, type: response.headers.get('content-type') ?? '', version: response.headers.get('x-service-version') }
}

const create = (body: Record<string, unknown>, token?: string) =>
  call('POST', '/service_accounts', { body: { default_cluster: 'default', default_project: 'p', ...body }, token })

describe('service accounts', () => {
  test('create answers 201 with the account and a full token in the platform format', async () => {
    const response = await create({ name: 'emu-create', default_org: 'o' })
    expect(response.status).toBe(201)
    expect(response.version).toMatch(/^platform-service-accounts-api\//)
    const account = JSON.parse(response.text)
    expect(account).toMatchObject({ name: 'emu-create', default_cluster: 'default', default_project: 'p', default_org: 'o', role: 'alice/service-accounts/emu-create', owner: 'alice', role_deleted: false })
    expect(account.id).toMatch(/^service-account-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(account.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/)
    expect(account.token.startsWith('eyJ0b2tlbiI6ICJ')).toBe(true)
    const inner = Buffer.from(account.token, 'base64').toString('utf8')
    expect(inner).toMatch(/^\{"token": "[^"]+", "cluster": "default", "url": "[^"]+", "project_name": "p", "org_name": "o"\}$/)
  })

  test('unnamed: name null, a 16-hex role', async () => {
    const account = JSON.parse((await create({})).text)
    expect(account.name).toBeNull()
    expect(account.role).toMatch(/^alice\/service-accounts\/[0-9a-f]{16}$/)
    expect((await call('DELETE', `/service_accounts/${account.id}`)).status).toBe(204)
  })

  test.each(['test-name', 'test--name', 'test.name'])('accepts the name %s', async name => {
    const response = await create({ name }, bob)
    expect(response.status).toBe(201)
    await call('DELETE', `/service_accounts/${name}`, { token: bob })
  })

  test.each(['test_name', 'test/name', 'test..name', 'test-.name', 'test.-name', '-test', 'test-', '.test', 'test.', 'Test', ''])(
    'rejects the name %j with 400',
    async name => {
      const response = await create({ name })
      expect(response.status).toBe(400)
      expect(JSON.parse(response.text)).toEqual({ error: "{'name': ['Invalid service account name']}" })
    }
  )

  test('400 for missing and unknown fields and for a body that is not JSON', async () => {
    const missing = await call('POST', '/service_accounts', { body: { default_cluster: 'c' } })
    expect(missing.status).toBe(400)
    expect(JSON.parse(missing.text).error).toContain("'default_project': ['Missing data for required field.']")
    const unknown = await create({ role: 'x' })
    expect(JSON.parse(unknown.text).error).toContain("'role': ['Unknown field.']")
    expect((await call('POST', '/service_accounts', { raw: '{not json' })).status).toBe(400)
  })

  test('names are unique per owner: 409 for the same owner, fine for another', async () => {
    expect((await create({ name: 'emu-dup' })).status).toBe(201)
    const again = await create({ name: 'emu-dup' })
    expect(again.status).toBe(409)
    expect(JSON.parse(again.text)).toEqual({ code: 'unique', description: 'Service Account with such name exists' })
    expect((await create({ name: 'emu-dup' }, bob)).status).toBe(201)
  })

  test('list: JSON array or NDJSON, only the caller\'s, no tokens', async () => {
    const array = await call('GET', '/service_accounts')
    expect(array.type).toContain('application/json')
    const accounts = JSON.parse(array.text) as { owner: string; token?: string }[]
    expect(accounts.length).toBeGreaterThan(0)
    expect(accounts.every(a => a.owner === 'alice' && a.token === undefined)).toBe(true)
    const ndjson = await call('GET', '/service_accounts', { accept: 'application/x-ndjson' })
    expect(ndjson.type).toContain('application/x-ndjson')
    const lines = ndjson.text.trimEnd().split('\n').map(line => JSON.parse(line))
    expect(lines).toEqual(accounts)
  })

  test('get and rm by id or name, 404 text for missing or another owner\'s', async () => {
    const made = JSON.parse((await create({ name: 'emu-get' })).text)
    expect(JSON.parse((await call('GET', '/service_accounts/emu-get')).text).id).toBe(made.id)
    expect(JSON.parse((await call('GET', `/service_accounts/${made.id}`)).text).token).toBeUndefined()
    const foreign = await call('GET', `/service_accounts/${made.id}`, { token: bob })
    expect(foreign).toMatchObject({ status: 404, text: `Service account ${made.id} not found` })
    expect(foreign.type).toContain('text/plain')
    expect((await call('DELETE', '/service_accounts/emu-get')).status).toBe(204)
    expect((await call('DELETE', '/service_accounts/emu-get')).status).toBe(404)
  })

  test('removing an account revokes its token', async () => {
    const made = JSON.parse((await create({ name: 'emu-revoke' })).text)
    const jwt = JSON.parse(Buffer.from(made.token, 'base64').toString('utf8')).token
    expect((await call('GET', '/service_accounts', { token: jwt })).status).toBe(200)
    await call('DELETE', `/service_accounts/${made.id}`)
    expect(await call('GET', '/service_accounts', { token: jwt })).toMatchObject({ status: 401, text: '401: Unauthorized' })
  })
})

describe('authentication', () => {
  test('401 text without a token or with a bad one; 400 JSON for another scheme', async () => {
    expect(await call('GET', '/service_accounts', { token: '' })).toMatchObject({ status: 401, text: '401: Unauthorized' })
    expect((await call('GET', '/service_accounts', { token: 'a.b.c' })).status).toBe(401)
    const basic = await call('GET', '/service_accounts', { authorization: 'Basic eDp5' })
    expect(basic.status).toBe(400)
    expect(JSON.parse(basic.text)).toEqual({ error: 'Unexpected authorization scheme' })
  })

  test('GET /config says whether the token works, with clusters and projects only when it does', async () => {
    const good = JSON.parse((await call('GET', '/config')).text)
    expect(good).toMatchObject({ authorized: true, clusters: [{ name: 'default', orgs: ['test-org'] }], projects: [{ name: 'test-project', cluster_name: 'default', org_name: 'test-org' }] })
    const bad = JSON.parse((await call('GET', '/config', { token: 'x.y.z' })).text)
    expect(bad.authorized).toBe(false)
    expect(bad.clusters).toBeUndefined()
  })
})

describe('permissions', () => {
  test('grant with ":" for "/", list, revoke; 404 for a role that is not the caller\'s', async () => {
    const made = JSON.parse((await create({ name: 'emu-perm' })).text)
    const path = `/users/${made.role.replaceAll('/', ':')}/permissions`
    const granted = await call('POST', path, { body: [{ uri: 'storage://default/o/p/data', action: 'read' }] })
    expect(granted.status).toBe(201)
    expect(JSON.parse(granted.text)).toEqual([{ uri: 'storage://default/o/p/data', action: 'read' }])
    expect(emulator.grants(made.role)).toHaveLength(1)
    expect((await call('POST', path, { body: [{ uri: 'storage://x', action: 'own' }] })).status).toBe(400)
    expect((await call('POST', path, { body: [{ uri: 'storage://x', action: 'read' }], token: bob })).status).toBe(404)
    expect((await call('DELETE', `${path}?uri=${encodeURIComponent('storage://default/o/p/data')}`)).status).toBe(204)
    expect(emulator.grants(made.role)).toEqual([])
  })
})

describe('faults and the control API', () => {
  test('a fault applies the given number of times, then the real answer returns', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 503, times: 2 })
    expect((await call('GET', '/service_accounts')).status).toBe(503)
    expect((await call('GET', '/service_accounts')).status).toBe(503)
    expect((await call('GET', '/service_accounts')).status).toBe(200)
  })

  test('status-after acts before answering; reset-before does not act', async () => {
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'status-after', status: 502 })
    expect((await create({ name: 'emu-after' })).status).toBe(502)
    expect(emulator.accounts().some(a => a.name === 'emu-after')).toBe(true)
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-before' })
    await expect(create({ name: 'emu-before' })).rejects.toThrow()
    expect(emulator.accounts().some(a => a.name === 'emu-before')).toBe(false)
  })

  test('malformed-json and truncated act, then spoil the answer', async () => {
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'malformed-json' })
    const spoiled = await create({ name: 'emu-malformed' })
    expect(spoiled.status).toBe(201)
    expect(() => JSON.parse(spoiled.text)).toThrow()
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'truncated' })
    await expect(create({ name: 'emu-truncated' })).rejects.toThrow()
    expect(emulator.accounts().filter(a => a.name?.startsWith('emu-') && /malformed|truncated/.test(a.name)).length).toBe(2)
  })

  test('the control API: tokens, faults, seeding, accounts', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.origin}${path}`, { method: "POST", body: JSON.stringify(body) }).then(async r => ({ status: r.status, json: (await r.json()) as Record<string, string> }))
    const { json: tokens } = await post('/_emulator/tokens', { user: 'carol' })
    expect((await call('GET', '/service_accounts', { token: tokens.token })).status).toBe(200)
    expect((await post('/_emulator/seed', { owner: 'carol', count: 3, namePrefix: 'ctl-', ageSeconds: 3600 })).json).toEqual({ created: 3 })
    const carols = emulator.accounts().filter(a => a.owner === 'carol')
    expect(carols.map(a => a.name).sort()).toEqual(['ctl-0', 'ctl-1', 'ctl-2'])
    expect(Date.now() - Date.parse(carols[0].created_at)).toBeGreaterThan(3_500_000)
    expect((await post('/_emulator/faults', { method: 'GET', path: '^/service_accounts$', kind: 'status', status: 429 })).status).toBe(201)
    expect((await call('GET', '/service_accounts', { token: tokens.token })).status).toBe(429)
    const all = await fetch(`${emulator.origin}/_emulator/accounts`).then(r => r.json())
    expect((all as unknown[]).length).toBe(emulator.accounts().length)
  })
})

test('the CLI prints its URL and a working token, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['emulator/cli.js', '--user', 'dave'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>(done => child.stdout.once('data', chunk => done(String(chunk))))
  const started = JSON.parse(line)
  const response = await fetch(`${started.url}/service_accounts`, { headers: { authorization: `Bearer ${started.token}` } })
  expect(response.status).toBe(200)
  child.kill('SIGTERM')
  expect(await new Promise(done => child.on('exit', done))).toBe(0)
})
