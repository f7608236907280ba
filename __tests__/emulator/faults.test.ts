// Misbehaviour on demand (emulator/faults.js): what each fault kind does to the request it spoils.
import { describe, expect, test } from '@jest/globals'
import { AUTH_SERVICE_URL, startEmulator } from '../../emulator/server.js'
import {
  call,
  create,
  emulator,
  errorBody,
  jwtOf,
  made,
  raw,
  RECORD_KEYS,
  useFileEmulator,
  user
} from '../helpers/emulator-api.js'
import type { Emulator } from '../helpers/suite.js'

useFileEmulator()

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
