// The server (emulator/server.js): its address, paths and methods, the in-process API's
// accounts and request log, and the load it counts.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import {
  call,
  claimsOf,
  create,
  CREATED_AT,
  decode,
  emulator,
  jwtOf,
  made,
  raw,
  useFileEmulator,
  user
} from '../helpers/emulator-api.js'

useFileEmulator()

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
