/** A failed call to the platform, carrying only what is safe to print. */
export class PlatformError extends Error {
  constructor(
    /** What was being done, e.g. `create service account`. */
    readonly operation: string,
    /** The HTTP status, or 0 when no response arrived. */
    readonly status: number,
    /** The server's own message, already cleaned of anything token-like. */
    readonly serverMessage: string,
    /** For network failures: undici's or Node's error code. */
    readonly code?: string,
    /** True when a request that changes state may have taken effect anyway. */
    readonly ambiguous = false
  ) {
    super(describe(operation, status, serverMessage, code))
    this.name = 'PlatformError'
  }

  /**
   * True when a retry might succeed: a network failure that can pass (not, say, a bad
   * certificate), throttling or gateway trouble, or a success whose answer was unreadable.
   */
  get retryable(): boolean {
    if (this.status === 0) return RETRYABLE_CODES.has(this.code ?? '')
    return RETRYABLE_STATUSES.has(this.status) || (this.status >= 200 && this.status < 300)
  }
}

/** Throttling and gateway trouble; never 4xx answers about the request itself. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

/** Failures before any byte of the request left this machine. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

/** Network failures that can pass: refused, reset, timed out, cut short. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'TIMEOUT'
])

function describe(operation: string, status: number, message: string, code?: string): string {
  if (status === 0) return `${operation} failed: ${message}${code ? ` (${code})` : ''}`
  return `${operation} failed: HTTP ${status}${message ? `: ${message}` : ''}`
}

const MAX_MESSAGE = 300
// A JWT, or base64 that decodes to JSON starting with {"token" (a full token).
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|eyJ0b2tlbi[A-Za-z0-9+/=]*/g

/** Never let a server echo a credential into a log line. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_LIKE, '***')
}

/**
 * The server's message from an error body, in one of the platform's three shapes:
 * JSON `{"error": ...}`, JSON `{"code", "description"}`, or a short plain-text line.
 * Anything else (HTML from a proxy, binary) yields no message rather than a raw body.
 */
export function serverMessage(body: string, contentType: string | undefined): string {
  const text = body.trim()
  if (!text) return ''
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>
      const message = parsed.error ?? parsed.description ?? parsed.message
      return typeof message === 'string' ? cleanMessage(message) : ''
    } catch {
      return ''
    }
  }
  if (contentType?.startsWith('text/plain') && !text.includes('\n')) return cleanMessage(text)
  return ''
}

/** One short line, with nothing token-like and nothing that could start a workflow command. */
export function cleanMessage(message: string): string {
  // Drop control characters so a message cannot inject workflow commands.
  const oneLine = redactTokens(message).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine
}
