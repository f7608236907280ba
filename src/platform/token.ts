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

/** The longest full token taken: the platform's are under 2 KiB. */
export const FULL_TOKEN_MAX_CHARS = 16 * 1024

/** The JWT and context inside a full token, or undefined when it is not one. */
export function decodeFullToken(value: string): { authToken: string; context: FullTokenContext } | undefined {
  if (value.length > FULL_TOKEN_MAX_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined
  const fields = decodedJson(value, 'base64') as JsonFields
  if (typeof fields?.token !== 'string' || !isJwt(fields.token)) return undefined
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

/** Decoded JSON as its fields are read: with `?.`, as it may be null or undefined (other values have none). */
type JsonFields = Record<string, unknown> | null | undefined

/** The JSON value in base64 text, or undefined when it holds none. */
function decodedJson(text: string, encoding: 'base64' | 'base64url'): unknown {
  try {
    return JSON.parse(Buffer.from(text, encoding).toString('utf8'))
  } catch {
    // Not JSON: undefined.
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Masks one malformed token may issue: each is matched against every later line of the job. */
const MAX_MASKS = 16

/**
 * What of a created token to mask. A full token: itself and its JWT (`whole`: the token can
 * be handed out). Anything else is masked as far as is safe: as given, trimmed, without
 * whitespace, the JWT inside, then whitespace-separated pieces, at most MAX_MASKS forms of 8
 * to FULL_TOKEN_MAX_CHARS characters (shorter ones would hide ordinary words). No form that
 * holds or is part of `visible` (the account id a failure tells the user to remove) is
 * masked; a full token with such a form is not `whole`.
 */
export function tokenMasks(raw: string, visible: string): { masks: string[]; whole: boolean } {
  const hides = (form: string) => form.includes(visible) || visible.includes(form)
  const decoded = decodeFullToken(raw)
  if (decoded) {
    const masks = [raw, decoded.authToken].filter(form => !hides(form))
    return { masks, whole: masks.length === 2 }
  }
  const masks = new Set<string>()
  const add = (form: string | undefined) => {
    if (form && form.length >= 8 && form.length <= FULL_TOKEN_MAX_CHARS && !hides(form)) masks.add(form)
  }
  const compact = raw.length <= 2 * FULL_TOKEN_MAX_CHARS ? raw.replace(/\s/g, '') : ''
  for (const form of [raw, raw.trim(), compact, innerToken(compact)]) add(form)
  for (const [piece] of raw.matchAll(/\S+/g)) {
    if (masks.size >= MAX_MASKS) break
    add(piece)
  }
  return { masks: [...masks], whole: false }
}

/** The `token` field of base64 JSON, however malformed the rest. */
function innerToken(compact: string): string | undefined {
  if (compact.length > FULL_TOKEN_MAX_CHARS) return undefined
  const inner = (decodedJson(compact, 'base64') as JsonFields)?.token
  return typeof inner === 'string' ? inner.trim() : undefined
}

/** Where the platform reads a caller's identity from in its JWTs; the SDK also reads `identity`. */
const IDENTITY_CLAIMS = ['https://platform.neuromation.io/user', 'identity']

/**
 * The identity a JWT's payload names (a user, or a service account's role), unverified: the
 * platform's answers are checked against it, never trusted for it. Undefined when unreadable.
 */
export function tokenIdentity(jwt: string): string | undefined {
  const payload = jwt.split('.')[1]
  if (!payload || payload.length > 64 * 1024) return undefined
  const claims = decodedJson(payload, 'base64url') as JsonFields
  const identity = IDENTITY_CLAIMS.map(claim => claims?.[claim]).find(value => typeof value === 'string' && value)
  return identity as string | undefined
}
