/** The two forms of platform credential and the conversions between them. */

/** What a full token carries besides the auth JWT. */
export interface FullTokenContext {
  url?: string
  cluster?: string
  project?: string
  org?: string
}

export interface Credential {
  /** The raw auth JWT: always the bearer. */
  authToken: string
  /** The full token, when that was the form given. */
  fullToken?: string
  context: FullTokenContext
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

function isJwt(value: string): boolean {
  return JWT.test(value)
}

/**
 * Reads a credential in either form. Throws an error that never contains the value.
 */
export function parseCredential(value: string): Credential {
  const trimmed = value.trim()
  if (isJwt(trimmed)) return { authToken: trimmed, context: {} }
  const decoded = decodeFullToken(trimmed)
  if (!decoded) {
    throw new Error('is neither an auth token (a JWT) nor a full token (base64 JSON with "token" and "url")')
  }
  return { authToken: decoded.authToken, fullToken: trimmed, context: decoded.context }
}

/** The JWT and context inside a full token, or undefined when it is not one. */
export function decodeFullToken(value: string): { authToken: string; context: FullTokenContext } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const fields = parsed as Record<string, unknown>
  if (typeof fields.token !== 'string' || !isJwt(fields.token)) return undefined
  return {
    authToken: fields.token,
    context: {
      url: stringOrUndefined(fields.url),
      cluster: stringOrUndefined(fields.cluster),
      project: stringOrUndefined(fields.project_name),
      org: stringOrUndefined(fields.org_name)
    }
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Every form of a token worth masking, however malformed: as given, trimmed, without
 * whitespace, each whitespace-separated piece, and the JWT inside. Pieces under 8
 * characters are left out: masking them would hide ordinary words in the log.
 */
export function tokenForms(raw: string): string[] {
  const compact = raw.replace(/\s+/g, '')
  const forms = new Set([raw, raw.trim(), compact, ...raw.split(/\s+/)])
  try {
    const inner = (JSON.parse(Buffer.from(compact, 'base64').toString('utf8')) as { token?: unknown }).token
    if (typeof inner === 'string') forms.add(inner).add(inner.trim())
  } catch {
    // not base64 JSON: the pieces above are all there is
  }
  return [...forms].filter(form => form.length >= 8)
}
