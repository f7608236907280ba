// Bearer tokens (emulator/tokens.js) and how a request is authenticated.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { call, claimsOf, decode, emulator, jwtOf, useFileEmulator, user } from '../helpers/emulator-api.js'

useFileEmulator()

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
