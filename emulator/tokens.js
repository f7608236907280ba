// Bearer tokens: HS256 JWTs signed with a per-emulator secret, so another emulator's tokens and
// forged ones fail, and revocable one by one (by their jti) as the platform revokes them. A token
// may also be issued "not yet active": until then it fails like an unknown one (a new service
// account's token that the platform has not accepted everywhere yet).
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { pyJson } from './python.js'

/** The claim the platform (and the SDK) read the identity from. */
const USER_CLAIM = 'https://platform.neuromation.io/user'

export class Tokens {
  #secret = randomBytes(32)
  /** @type {Set<string>} revoked jtis */
  #revoked = new Set()
  /** @type {Map<string, number>} jti -> when (ms since the epoch; Infinity: never) it starts to work */
  #activeAt = new Map()

  /**
   * A signed JWT whose identity is a user name or a service account's role; with `activeAt`
   * later than now, it fails as an unknown token does until then (Infinity: for ever).
   * @param {string} identity @param {{activeAt?: number}} [options]
   */
  issue(identity, options = {}) {
    const part = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const jti = randomUUID()
    const claims = { [USER_CLAIM]: identity, iat: Math.floor(Date.now() / 1000), jti }
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
    if (options.activeAt !== undefined && options.activeAt > Date.now()) this.#activeAt.set(jti, options.activeAt)
    return `${unsigned}.${this.#sign(unsigned)}`
  }

  /**
   * The identity and jti of a token signed here (so its payload parses), not revoked, and active.
   * @param {string} token @returns {{identity: string, jti: string} | undefined}
   */
  verify(token) {
    const claims = this.read(token)
    if (!claims || this.#revoked.has(claims.jti)) return undefined
    const activeAt = this.#activeAt.get(claims.jti)
    if (activeAt !== undefined) {
      if (Date.now() < activeAt) return undefined
      this.#activeAt.delete(claims.jti)
    }
    return claims
  }

  /**
   * The identity and jti of a token signed here, whether or not it is revoked or active yet.
   * @param {string} token @returns {{identity: string, jti: string} | undefined}
   */
  read(token) {
    const [header, payload, signature, extra] = token.split('.')
    if (signature === undefined || extra !== undefined) return undefined
    const expected = Buffer.from(this.#sign(`${header}.${payload}`))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    /** @type {Record<string, unknown>} */
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const identity = claims[USER_CLAIM]
    if (typeof identity !== 'string' || !identity) return undefined
    return { identity, jti: String(claims.jti) }
  }

  /** @param {string} jti */
  revoke(jti) {
    this.#revoked.add(jti)
    this.#activeAt.delete(jti)
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
  return token.startsWith('eyJ0b2tlbi')
    ? String(JSON.parse(Buffer.from(token, 'base64').toString('utf8')).token)
    : token
}
