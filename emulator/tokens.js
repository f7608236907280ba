// Bearer tokens: HS256 JWTs signed with a per-emulator secret, so another emulator's tokens and
// forged ones fail, and revocable one by one (by their jti) as the platform revokes them.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { pyJson } from './python.js'

/** The claim the platform (and the SDK) read the identity from. */
const USER_CLAIM = 'https://platform.neuromation.io/user'

export class Tokens {
  #secret = randomBytes(32)
  /** @type {Set<string>} revoked jtis */
  #revoked = new Set()

  /** A signed JWT whose identity is a user name or a service account's role. @param {string} identity */
  issue(identity) {
    const part = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const claims = { [USER_CLAIM]: identity, iat: Math.floor(Date.now() / 1000), jti: randomUUID() }
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
    return `${unsigned}.${this.#sign(unsigned)}`
  }

  /**
   * The identity and jti of a token signed here (so its payload parses) and not revoked.
   * @param {string} token @returns {{identity: string, jti: string} | undefined}
   */
  verify(token) {
    const [header, payload, signature, extra] = token.split('.')
    if (signature === undefined || extra !== undefined) return undefined
    const expected = Buffer.from(this.#sign(`${header}.${payload}`))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    /** @type {Record<string, unknown>} */
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const identity = claims[USER_CLAIM]
    const jti = String(claims.jti)
    if (typeof identity !== 'string' || !identity || this.#revoked.has(jti)) return undefined
    return { identity, jti }
  }

  /** @param {string} jti */
  revoke(jti) {
    this.#revoked.add(jti)
  }

  /** @param {string} unsigned */
  #sign(unsigned) {
    return createHmac('sha256', this.#secret).update(unsigned).digest('base64url')
  }
}

/**
 * The full token create returns: standard base64 of the JSON Python's json.dumps writes, with
 * `org_name` only when there is an org.
 * @param {string} jwt @param {string} url
 * @param {{cluster: string, project: string, org: string | null | undefined}} context
 */
export function fullToken(jwt, url, context) {
  /** @type {Record<string, string>} */
  const fields = { token: jwt, cluster: context.cluster, url, project_name: context.project }
  if (context.org) fields.org_name = context.org
  return Buffer.from(pyJson(fields), 'utf8').toString('base64')
}

/** The JWT inside a full token, or the token itself when it is a JWT. @param {string} token */
export function jwtOf(token) {
  return token.startsWith('eyJ0b2tlbi') ? String(JSON.parse(Buffer.from(token, 'base64').toString('utf8')).token) : token
}
