// The retry and ambiguity rules, one row per kind of failure: change a rule in
// src/platform/retry.ts and this table says what else it changes.
// The property test is seeded; the seed is printed, and FC_SEED=<seed> replays a run.
import { beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import fc from 'fast-check'
import type { Failure } from '../src/platform/retry.js'

// Loaded anew for each test, so that the tables at the top of retry.ts are evaluated inside
// the test: Stryker's per-test coverage then counts these tests as covering them.
let retry: typeof import('../src/platform/retry.js')
beforeEach(async () => {
  jest.resetModules()
  retry = await import('../src/platform/retry.js')
})

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
beforeAll(() => console.log(`retry: seed ${SEED} (replay with FC_SEED=${SEED})`))

const net = (code: string): Failure => ({ status: 0, code, unreadable: false })
const http = (status: number, unreadable = false): Failure => ({ status, unreadable })
const retryAfter = (status: number, retryAfterMs: number): Failure => ({ status, unreadable: false, retryAfterMs })
/** An answer whose body was cut off by the network failure `code`. */
const cutOff = (status: number, code: string): Failure => ({ status, code, unreadable: true })

// failure, then: read repeats, create repeats, grant repeats, remove repeats, a create may have
// acted; all for a token the platform has not accepted yet in this job (the first request)
const rules: [string, Failure, boolean, boolean, boolean, boolean, boolean][] = [
  ['refused before sending', net('ECONNREFUSED'), true, true, true, true, false],
  ['DNS failure', net('ENOTFOUND'), true, true, true, true, false],
  ['DNS lookup failed for now', net('EAI_AGAIN'), true, true, true, true, false],
  ['no route to the network', net('ENETUNREACH'), true, true, true, true, false],
  ['no route to the host', net('EHOSTUNREACH'), true, true, true, true, false],
  ['connect timeout', net('UND_ERR_CONNECT_TIMEOUT'), true, true, true, true, false],
  ['a proxy closed the tunnel', net('PROXY_CLOSED'), true, true, true, true, false],
  ['a proxy never answered the CONNECT', net('PROXY_NO_ANSWER'), true, true, true, true, false],
  ['reset after sending', net('ECONNRESET'), true, false, true, true, true],
  ['timeout waiting for the answer', net('TIMEOUT'), true, false, true, true, true],
  ['headers timeout', net('UND_ERR_HEADERS_TIMEOUT'), true, false, true, true, true],
  ['body timeout', net('UND_ERR_BODY_TIMEOUT'), true, false, true, true, true],
  ['the socket timed out', net('ETIMEDOUT'), true, false, true, true, true],
  ['the socket closed under the request', net('UND_ERR_SOCKET'), true, false, true, true, true],
  ['writing to a closed socket', net('EPIPE'), true, false, true, true, true],
  ['a network failure without a code', { status: 0, unreadable: false }, false, false, false, false, true],
  ['TLS: a name the certificate does not hold', net('ERR_TLS_CERT_ALTNAME_INVALID'), false, false, false, false, false],
  ['TLS: a self-signed certificate', net('DEPTH_ZERO_SELF_SIGNED_CERT'), false, false, false, false, false],
  ['TLS: an unknown issuer', net('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'), false, false, false, false, false],
  ['TLS: a self-signed certificate in the chain', net('SELF_SIGNED_CERT_IN_CHAIN'), false, false, false, false, false],
  ['TLS: an expired certificate', net('CERT_HAS_EXPIRED'), false, false, false, false, false],
  ['TLS: a handshake OpenSSL refused', net('ERR_SSL_WRONG_VERSION_NUMBER'), false, false, false, false, false],
  // Codes are matched whole or by their prefix: an unknown code is a failure that may have acted.
  ['a code longer than a TLS one', net('DEPTH_ZERO_SELF_SIGNED_CERT_X'), false, false, false, false, true],
  ['a code longer than another', net('SELF_SIGNED_CERT_IN_CHAIN_X'), false, false, false, false, true],
  ['a code with a TLS prefix inside', net('X_ERR_TLS_CERT_ALTNAME_INVALID'), false, false, false, false, true],
  ['no time left to send', net('OUT_OF_TIME'), false, false, false, false, false],
  ['an aborted request', net('UND_ERR_ABORTED'), false, false, false, false, true],
  ['2xx cut off', http(201, true), true, false, true, true, true],
  // A 2xx is the platform's answer: whatever cut its body, the create was made.
  ['2xx cut off by TLS', cutOff(201, 'ERR_SSL_BAD_RECORD_MAC'), true, false, true, true, true],
  ['2xx cut off by a code of a request not sent', cutOff(201, 'ECONNREFUSED'), true, false, true, true, true],
  ['2xx too large', { status: 201, code: 'BODY_TOO_LARGE', unreadable: false }, false, false, false, false, true],
  ['307 redirect', http(307), false, false, false, false, true],
  ['400 bad request', http(400), false, false, false, false, false],
  ['401 unauthorized for a token not yet accepted', http(401), false, false, false, true, false],
  ['404 not found', http(404), false, false, false, false, false],
  ['407 proxy refused', http(407), false, false, false, false, false],
  ['409 conflict', http(409), false, false, false, false, false],
  ['429 throttled', http(429), true, true, true, true, false],
  ['429 throttled with Retry-After', retryAfter(429, 1_000), true, true, true, true, false],
  ['503 with Retry-After', retryAfter(503, 1_000), true, false, true, true, true],
  ['500 server error', http(500), false, false, false, true, true],
  ['502 bad gateway', http(502), true, false, true, true, true],
  ['503 unavailable', http(503), true, false, true, true, true],
  ['504 gateway timeout', http(504), true, false, true, true, true]
]

describe.each(rules)('%s', (_, failure, read, create, grant, remove, acted) => {
  test(`read ${read ? 'repeats' : 'stops'}, create ${create ? 'repeats' : 'stops'}, grant ${grant ? 'repeats' : 'stops'}, remove ${remove ? 'repeats' : 'stops'}`, () => {
    expect([
      retry.mayRepeat('read', failure),
      retry.mayRepeat('create', failure),
      retry.mayRepeat('grant', failure),
      retry.mayRepeat('remove', failure)
    ]).toEqual([read, create, grant, remove])
  })

  test(`a create ${acted ? 'may have' : 'surely has not'} made the account`, () => {
    expect(retry.mayHaveActed(failure)).toBe(acted)
  })

  test('reads repeat exactly the transient failures', () => {
    expect(retry.isTransient(failure)).toBe(read)
  })
})

// The same failures for a token the platform accepted earlier in the job: only a 401 changes.
describe.each(rules)('%s, for a token accepted before', (_, failure, read, create, grant, remove) => {
  const hiccup = failure.status === 401
  test(`read, create and grant ${hiccup ? 'repeat after an auth hiccup' : 'follow the rules above'}`, () => {
    expect([
      retry.mayRepeat('read', failure, true),
      retry.mayRepeat('create', failure, true),
      retry.mayRepeat('grant', failure, true),
      retry.mayRepeat('remove', failure, true)
    ]).toEqual(hiccup ? [true, true, true, true] : [read, create, grant, remove])
  })
})

describe('throttling: waited out within the budget, not counted against max-attempts', () => {
  test.each([
    ['429', http(429), true],
    ['429 with Retry-After', retryAfter(429, 2_000), true],
    ['503 with Retry-After', retryAfter(503, 2_000), true],
    ['503 without Retry-After', http(503), false],
    ['502 with Retry-After', retryAfter(502, 2_000), false],
    ['500', http(500), false],
    ['a network failure', net('ECONNRESET'), false]
  ])('%s', (_, failure, throttled) => {
    expect(retry.isThrottled(failure)).toBe(throttled)
  })
})

describe('backoff', () => {
  const limits = { baseMs: 500, maxMs: 20_000 }
  test('full jitter under a ceiling that doubles per attempt', () => {
    expect([1, 2, 3, 4].map(attempt => retry.backoffDelay(attempt, undefined, limits, () => 0.999))).toEqual([
      499, 999, 1998, 3996
    ])
    expect(retry.backoffDelay(10, undefined, limits, () => 0.5)).toBe(10_000)
  })

  test('Retry-After is a floor, with a random share of up to four times as much on top', () => {
    expect(retry.backoffDelay(1, 3_000, limits, () => 0)).toBe(3_000)
    expect(retry.backoffDelay(1, 3_000, limits, () => 0.5)).toBe(9_000)
    expect(retry.backoffDelay(1, 3_000, limits, () => 0.999)).toBe(14_988)
  })

  test('the share grows with repeated throttling, past what Retry-After asks', () => {
    expect([1, 2, 3, 4].map(count => retry.backoffDelay(count, 1_000, limits, () => 0.999))).toEqual([
      4_996, 8_992, 16_984, 20_000
    ])
  })

  test('no wait is over the cap, whatever Retry-After asks', () => {
    expect(retry.backoffDelay(1, 3_600_000, limits, () => 0)).toBe(20_000)
    expect(retry.backoffDelay(9, 19_000, limits, () => 0.999)).toBe(20_000)
  })

  test('a herd told to come back in 1 s comes back over a spread, not in one instant', () => {
    const waits = Array.from({ length: 100 }, (_, i) => retry.backoffDelay(1, 1_000, limits, () => i / 100))
    expect(Math.min(...waits)).toBe(1_000)
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThanOrEqual(3_950)
  })
})

describe('a job throttled lately slows all its requests, more the more it is throttled', () => {
  const max = 20_000
  const half = () => 0.5

  test('never throttled: no wait before a request, retries back off from their own count', () => {
    const memory = new retry.ThrottleMemory()
    expect(memory.pacingDelay(0, max, () => 0.999)).toBe(0)
    expect(memory.retryNumber(0, 2)).toBe(2)
  })

  test('after a throttled answer, a new request waits a random share of twice the wait asked for', () => {
    const memory = new retry.ThrottleMemory()
    memory.record(1_000, 2_000)
    expect(memory.pacingDelay(1_000, max, half)).toBe(2_000)
    expect(memory.pacingDelay(11_000, max, () => 0.999)).toBe(3_996)
  })

  test('each further throttled answer doubles that share, within the cap', () => {
    const memory = new retry.ThrottleMemory()
    for (const at of [0, 1_000, 2_000]) memory.record(at, 1_000)
    expect(memory.pacingDelay(2_000, max, half)).toBe(4_000)
    expect(memory.retryNumber(2_000, 1)).toBe(3)
    for (let at = 3_000; at < 10_000; at += 1_000) memory.record(at, 1_000)
    expect(memory.pacingDelay(9_000, max, () => 0.999)).toBe(19_980)
  })

  test('10 s after the last throttled answer it is forgotten: the count starts again', () => {
    const memory = new retry.ThrottleMemory()
    for (const at of [0, 1_000]) memory.record(at, 1_000)
    expect(memory.pacingDelay(11_001, max, () => 0.999)).toBe(0)
    expect(memory.retryNumber(11_001, 1)).toBe(1)
    memory.record(20_000, 1_000)
    expect(memory.retryNumber(20_000, 1)).toBe(1)
    expect(memory.pacingDelay(20_000, max, half)).toBe(1_000)
  })
})

describe('what a job heard, handed from main to post', () => {
  test('within 10 s of the last throttled answer it is handed on, and the next step goes on from it', () => {
    const main = new retry.ThrottleMemory()
    expect(main.lately(0)).toBeUndefined()
    main.record(1_000, 1_000)
    main.record(2_000, 1_000)
    expect(main.lately(12_000)).toEqual({ atMs: 2_000, waitMs: 1_000, count: 2 })
    expect(main.lately(12_001)).toBeUndefined()
    const post = new retry.ThrottleMemory(main.lately(3_000))
    expect(post.pacingDelay(3_000, 20_000, () => 0.5)).toBe(2_000)
    expect(post.retryNumber(3_000, 1)).toBe(2)
  })
})

describe('Retry-After: delay-seconds or an HTTP date, anything else ignored', () => {
  const now = Date.parse('2026-11-28T10:00:00Z')
  const date = 'Sat, 28 Nov 2026 10:00:05 GMT'
  /** The date with spaces after its comma, `length` characters in all: Date.parse takes them. */
  const padded = (length: number) => date.replace(', ', `,${' '.repeat(length - date.length + 1)}`)

  test('whitespace around the value is not part of it', () => {
    expect(retry.parseRetryAfter(' 5 ', now)).toBe(5_000)
    expect(retry.parseRetryAfter(`\t${date} `, now)).toBe(5_000)
  })

  test('seconds are digits only: digits with anything else before or after are no delay', () => {
    for (const value of ['120 seconds', '5s', '~5', 'x5', '1e3', '0x10', '1234567890']) {
      expect(retry.parseRetryAfter(value, now)).toBeUndefined()
    }
  })

  test('a date is read up to 64 characters, past them it is not parsed at all', () => {
    expect(padded(64)).toHaveLength(64)
    expect(retry.parseRetryAfter(padded(64), now)).toBe(5_000)
    expect(retry.parseRetryAfter(padded(65), now)).toBeUndefined()
  })

  test('any header value is no delay or a whole, non-negative number of milliseconds', () => {
    const value = fc.string({ unit: fc.constantFrom(...'0123456789 \t-+.:,eExGMT'), maxLength: 20 })
    fc.assert(
      fc.property(value, text => {
        const delay = retry.parseRetryAfter(text, now)
        expect(delay === undefined || (Number.isSafeInteger(delay) && delay >= 0)).toBe(true)
      }),
      { seed: SEED, numRuns: 2_000 }
    )
  })
})
