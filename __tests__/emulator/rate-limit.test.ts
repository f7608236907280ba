// The per-owner rate limit (emulator/rate-limit.js): a token bucket per owner.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { call, emulator, jwtOf, useFileEmulator, user } from '../helpers/emulator-api.js'
import type { Emulator } from '../helpers/suite.js'

useFileEmulator()

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
