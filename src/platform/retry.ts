/**
 * The retry and ambiguity rules: which failures repeat which kind of request, and which
 * failures of a create may have made the account anyway. Table-tested in retry.test.ts.
 */
import type { PlatformError } from './errors.js'

/** Reads repeat freely; a create never blindly; a removal must not give up easily. */
export type RequestKind = 'read' | 'create' | 'grant' | 'remove'

/** The facts of a failure the rules look at. */
export type Failure = Pick<PlatformError, 'status' | 'code' | 'unreadable'> & { retryAfterMs?: number }

/** Failures before any byte of the request left this machine. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  // A tunnel the proxy closed or never opened: the request waits for the tunnel (proxy.ts).
  'PROXY_CLOSED',
  'PROXY_NO_ANSWER'
])

/** Network failures that can pass: refused, reset, timed out, cut short. Not TLS errors. */
const PASSING_CODES: ReadonlySet<string> = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TIMEOUT'
])

/** Throttling and gateway trouble; never an answer about the request itself. */
const PASSING_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

/**
 * Failures before the request could reach the platform: refused, unresolved, unreachable,
 * a TLS handshake that failed (the request is sent only after it), or no time left to send.
 */
export function surelyNotSent(failure: Failure): boolean {
  if (failure.status !== 0) return false
  // Stryker disable next-line StringLiteral: no rule names the stand-in, so any string is an unknown code
  const code = failure.code ?? ''
  return NOT_SENT_CODES.has(code) || code === 'OUT_OF_TIME' || TLS_CODE.test(code)
}

/** Node's and OpenSSL's codes for a TLS handshake or certificate that failed. */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/

/** Worth trying again: the same request may well succeed in a moment. */
export function isTransient(failure: Failure): boolean {
  // Stryker disable next-line StringLiteral: no rule names the stand-in, so any string is an unknown code
  if (failure.status === 0) return PASSING_CODES.has(failure.code ?? '')
  return failure.unreadable || PASSING_STATUSES.has(failure.status)
}

/**
 * The platform asking the client to wait: a 429, or a 503 that says for how long. Retried
 * for as long as the time budget allows, without counting against `max-attempts`.
 */
export function isThrottled(failure: Failure): boolean {
  return failure.status === 429 || (failure.status === 503 && failure.retryAfterMs !== undefined)
}

/**
 * A 401 for a token the platform has accepted before in this job: its auth service
 * hiccupped (the server answers 401 when its auth check fails), the token is not wrong.
 * A removal follows only an accepted request, or a saved record that proves one.
 */
export function isAuthHiccup(kind: RequestKind, failure: Failure, tokenAccepted: boolean): boolean {
  return failure.status === 401 && (tokenAccepted || kind === 'remove')
}

/**
 * May the client send the very same request again after this failure? `tokenAccepted`:
 * the platform has accepted this bearer earlier in the job.
 */
export function mayRepeat(kind: RequestKind, failure: Failure, tokenAccepted = false): boolean {
  // A 401 and a 429 come before the platform acts: even a create surely made nothing.
  if (isAuthHiccup(kind, failure, tokenAccepted) || failure.status === 429) return true
  // A create that may have acted is settled by a look-up first (operations/lost-create.ts).
  if (kind === 'create') return surelyNotSent(failure) && isTransient(failure)
  // Giving up a removal leaves a live credential behind.
  if (kind === 'remove' && failure.status === 500) return true
  return isTransient(failure)
}

/**
 * Could a create that failed like this have made the account? Only a 4xx is the platform
 * (or a proxy) refusing; anything else (a lost or cut answer, a redirect, a 5xx from a
 * gateway that may stand after the platform) may have come after it acted.
 */
export function mayHaveActed(failure: Failure): boolean {
  if (failure.status === 0) return !surelyNotSent(failure)
  return failure.status < 400 || failure.status >= 500
}

export interface BackoffLimits {
  /** The first wait's ceiling; each retry doubles it. */
  baseMs: number
  /** No wait is longer. */
  maxMs: number
}

/**
 * How long to wait before retry number `retry` (1 for the first). Full jitter: a random
 * share of a ceiling that doubles per retry, as AWS's standard retry mode and Google's
 * backoff guidance do, so that jobs failing together come back apart. A `Retry-After` is
 * a floor, never the whole wait: the share is added on top of it, with a ceiling of four
 * times the time asked for, doubling per retry, so that a throttled herd spreads out over
 * more than the platform's own estimate instead of returning in the same instant (with
 * twice, a herd sent about 7% more requests: scripts/bench-herd.js).
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  { baseMs, maxMs }: BackoffLimits,
  random: () => number
): number {
  const ceiling = Math.min(maxMs, Math.max(baseMs * 2 ** (retry - 1), (retryAfterMs ?? 0) * 2 ** (retry + 1)))
  const floor = Math.min(retryAfterMs ?? 0, maxMs)
  return Math.min(maxMs, Math.floor(floor + random() * ceiling))
}

/** How long after a throttled answer a job still counts itself throttled. */
const THROTTLE_MEMORY_MS = 10_000

/** What a job heard of throttling, as main hands it to post: when, the wait asked for, how often. */
export interface ThrottleRecord {
  atMs: number
  waitMs: number
  count: number
}

/**
 * What a job has heard of throttling lately, shared by its clients: the idea of AWS's
 * adaptive retry mode (a throttled client slows all its requests, more the more it is
 * throttled) cut to a job that sends a few requests. Within 10 s of a throttled answer:
 * - a new request (not a retry) first waits a random share of twice the last wait asked
 *   for, doubled per throttled answer the job has had, so that the request after a throttled
 *   one (verification after a create) does not meet the same congestion at once;
 * - a throttled retry backs off from the job's count of throttled answers, not the
 *   request's, so a job that keeps being throttled keeps spreading further;
 * - post goes on from what main heard (state.ts), so that the removal right after a
 *   throttled main does not meet the same congestion either.
 */
export class ThrottleMemory {
  // Stryker disable next-line UnaryOperator: with no answer recorded the count and wait are 0, so "recent" changes no result
  private atMs = -Infinity
  private waitMs = 0
  private count = 0

  /** Goes on from what an earlier step of the job heard (post, after main). */
  constructor(earlier?: ThrottleRecord) {
    if (earlier) ({ atMs: this.atMs, waitMs: this.waitMs, count: this.count } = earlier)
  }

  /** What it heard, if it was throttled within the last 10 s. */
  lately(nowMs: number): ThrottleRecord | undefined {
    return this.recent(nowMs) ? { atMs: this.atMs, waitMs: this.waitMs, count: this.count } : undefined
  }

  /** Notes a throttled answer that asked for `retryAfterMs` (or the base wait). */
  record(nowMs: number, waitMs: number): void {
    this.count = this.recent(nowMs) ? this.count + 1 : 1
    this.atMs = nowMs
    this.waitMs = waitMs
  }

  /** The wait before a new request. */
  pacingDelay(nowMs: number, maxMs: number, random: () => number): number {
    if (!this.recent(nowMs)) return 0
    return Math.floor(random() * Math.min(maxMs, this.waitMs * 2 ** this.count))
  }

  /** The retry number a throttled request backs off from: at least the job's count. */
  retryNumber(nowMs: number, retry: number): number {
    return this.recent(nowMs) ? Math.max(retry, this.count) : retry
  }

  private recent(nowMs: number): boolean {
    return nowMs - this.atMs <= THROTTLE_MEMORY_MS
  }
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000
  if (trimmed.length > 64) return undefined
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
