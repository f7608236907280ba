/**
 * The retry and ambiguity rules: which failures repeat which kind of request, and which
 * failures of a create may have made the account anyway. Table-tested in retry.test.ts.
 */
import type { PlatformError } from './errors.js'

/** Reads repeat freely; a create never blindly; a removal must not give up easily. */
export type RequestKind = 'read' | 'create' | 'grant' | 'remove'

/** The facts of a failure the rules look at. */
export type Failure = Pick<PlatformError, 'status' | 'code' | 'unreadable'>

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
  const code = failure.code ?? ''
  return NOT_SENT_CODES.has(code) || code === 'OUT_OF_TIME' || TLS_CODE.test(code)
}

/** Node's and OpenSSL's codes for a TLS handshake or certificate that failed. */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/

/** Worth trying again: the same request may well succeed in a moment. */
export function isTransient(failure: Failure): boolean {
  if (failure.status === 0) return PASSING_CODES.has(failure.code ?? '')
  return failure.unreadable || PASSING_STATUSES.has(failure.status)
}

/** May the client send the very same request again after this failure? */
export function mayRepeat(kind: RequestKind, failure: Failure): boolean {
  // A create that may have acted is settled by a look-up first (operations/create.ts).
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

/** Full-jitter exponential backoff, or the server's `Retry-After`, never over `maxMs`. */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  { baseMs, maxMs }: { baseMs: number; maxMs: number },
  random: () => number
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxMs)
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)))
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
