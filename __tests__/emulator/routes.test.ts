// The service accounts API (emulator/routes.js), as read from the platform server's api.py and
// schema.py: create, list, get and rm.
import { describe, expect, test } from '@jest/globals'
import {
  call,
  claimsOf,
  create,
  CREATED_AT,
  decode,
  emulator,
  errorBody,
  jwtOf,
  made,
  RECORD_KEYS,
  useFileEmulator,
  user,
  UUID4
} from '../helpers/emulator-api.js'

useFileEmulator()

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
