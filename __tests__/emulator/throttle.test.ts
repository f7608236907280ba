// The throttle in front of the API (emulator/throttle.js): 429 past maxInFlight at once.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { call, emulator, useFileEmulator } from '../helpers/emulator-api.js'
import type { Emulator } from '../helpers/suite.js'

useFileEmulator()

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
