export interface PlatformErrorFields {
  /** What was being done, e.g. `create service account`. */
  operation: string
  /** The HTTP status, or 0 when no response arrived. */
  status: number
  /** The server's own message, already cleaned; or what went wrong on the way. */
  message: string
  /** For network failures: undici's or Node's error code. */
  code?: string
  /** A success status whose answer could not be read (cut off, too large, not JSON). */
  unreadable?: boolean
  /** What the server's `Retry-After` asked for. */
  retryAfterMs?: number
  cause?: unknown
}

/** A failed call to the platform, carrying only what is safe to print. */
export class PlatformError extends Error {
  readonly operation: string
  readonly status: number
  readonly serverMessage: string
  readonly code?: string
  readonly unreadable: boolean
  readonly retryAfterMs?: number

  constructor(fields: PlatformErrorFields) {
    super(describe(fields), { cause: fields.cause })
    this.name = 'PlatformError'
    this.operation = fields.operation
    this.status = fields.status
    this.serverMessage = fields.message
    this.code = fields.code
    this.unreadable = fields.unreadable ?? false
    this.retryAfterMs = fields.retryAfterMs
  }
}

function describe({ operation, status, message, code }: PlatformErrorFields): string {
  if (status === 0) return `${operation} failed: ${message}${code ? ` (${code})` : ''}`
  return `${operation} failed: HTTP ${status}${message ? `: ${message}` : ''}`
}

export function isNotFound(error: unknown): boolean {
  return error instanceof PlatformError && error.status === 404
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

const MAX_MESSAGE = 300
// Text looked at for a message: enough for any real one, and bounds the work on a huge body.
const MAX_SCANNED = 4 * MAX_MESSAGE

/**
 * Cuts out anything that may be a credential: every run of base64/base64url characters
 * that holds `eyJ` (how a JWT, and base64 of any JSON object, begins) or that decodes to
 * text naming a "token" (a full token, whatever its key order or spacing). A run ends
 * after its `=` padding, as base64 does (the decoder stops there), so `token=` before a
 * token is a run of its own. One pass over a single character class, so linear in the
 * text's length.
 */
export function redactTokens(text: string): string {
  return text.replace(/[A-Za-z0-9+/_.-]{8,}=*/g, run => (looksLikeToken(run) ? '***' : run))
}

function looksLikeToken(run: string): boolean {
  if (run.includes('eyJ')) return true
  if (run.length < 16) return false
  // Node's decoder skips `.`, which would shift the alignments below: drop it first.
  const base64 = run.replaceAll('.', '')
  // Each of the four alignments, in case the token is glued to other base64-looking text.
  return [0, 1, 2, 3].some(offset => Buffer.from(base64.slice(offset), 'base64').toString('latin1').includes('"token"'))
}

/**
 * The server's message from an error body, in one of the platform's three shapes:
 * JSON `{"error": ...}`, JSON `{"code", "description"}`, or a short plain-text line.
 * Anything else (HTML from a proxy, binary) yields no message rather than a raw body.
 */
export function serverMessage(body: string, contentType: string | undefined, apiOrigin?: string): string {
  const text = body.trim()
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>
      const message = parsed.error ?? parsed.description ?? parsed.message
      return typeof message === 'string' ? cleanMessage(message, apiOrigin) : ''
    } catch {
      return ''
    }
  }
  if (contentType?.startsWith('text/plain') && !text.includes('\n')) return cleanMessage(text, apiOrigin)
  return ''
}

/** Replaces every C0 and C1 control character and the Unicode line and paragraph separators. */
export function replaceControls(text: string, by: (character: string) => string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, by)
}

/** What stands in the log for a URL of the platform's insides. */
export const INTERNAL_URL = '<platform-internal URL>'

/** A URL with any scheme; stops at spaces, quotes and brackets, as messages delimit them. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{0,15}:\/\/[^\s'"`<>()[\]{}|\\^]*/gi

/**
 * Replaces every URL whose origin is not `apiOrigin` by a placeholder: a server's message
 * may name its auth service's internal address, and the log of a public repository is
 * public. The status and the rest of the message stay.
 */
export function hideForeignUrls(text: string, apiOrigin: string): string {
  return text.replace(URL_IN_TEXT, url => (URL.canParse(url) && new URL(url).origin === apiOrigin ? url : INTERNAL_URL))
}

/**
 * One short line, with nothing token-like and no control characters; given the API's
 * origin (for a server's own message), with no URL of anywhere else.
 */
export function cleanMessage(message: string, apiOrigin?: string): string {
  // Cut first: a token cut in two still starts with `eyJ` or is under 8 characters.
  const cut = message.slice(0, MAX_SCANNED)
  const scoped = apiOrigin === undefined ? cut : hideForeignUrls(cut, apiOrigin)
  const oneLine = replaceControls(redactTokens(scoped), () => ' ').trim()
  return oneLine.length > MAX_MESSAGE || message.length > MAX_SCANNED ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine
}
