// The control API under /_emulator/ (emulator/control.js), for an emulator in another process.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { call, claimsOf, create, decode, emulator, jwtOf, useFileEmulator, user } from '../helpers/emulator-api.js'

useFileEmulator()

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
    const owner = 'seeded-by-control'
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
