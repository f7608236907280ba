// A per-owner rate limit, as an API gateway keeps one: a token bucket for each owner (a user,
// with their service accounts counted as them) that refills `perSecond` tokens a second up to
// `burst`. A request that finds its bucket empty gets 429 with Retry-After: the whole seconds
// (at least 1) until the bucket holds a token again.
import { json } from './http.js'

/**
 * @typedef {object} RateLimitOptions
 * @property {number} perSecond tokens added to each owner's bucket a second (> 0; fractions allowed)
 * @property {number} burst the most a bucket holds, and holds at first (a whole number >= 1)
 */

/** A service account's identity is `<owner>/service-accounts/<name>`. */
const SERVICE_ACCOUNT = /^(.+)\/service-accounts\/[^/]+$/

/** Whose bucket a caller draws from: a service account's owner's. @param {string} identity */
export function ownerOf(identity) {
  return SERVICE_ACCOUNT.exec(identity)?.[1] ?? identity
}

export class RateLimit {
  /** @type {RateLimitOptions | undefined} */
  #options
  /** @type {Map<string, {tokens: number, at: number}>} owner -> tokens left at time `at` (ms) */
  #buckets = new Map()
  #refused = 0

  /** @param {RateLimitOptions} [options] */
  constructor(options) {
    this.set(options)
  }

  /** Turns the limit on, changes it (every bucket starts full again), or turns it off (undefined). @param {RateLimitOptions | undefined} options */
  set(options) {
    this.#buckets.clear()
    if (!options) return void (this.#options = undefined)
    const { perSecond, burst } = options
    if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0)
      throw new Error(`rate limit perSecond must be a number > 0, not ${String(perSecond)}`)
    if (!Number.isInteger(burst) || burst < 1)
      throw new Error(`rate limit burst must be a whole number >= 1, not ${String(burst)}`)
    this.#options = { perSecond, burst }
  }

  /** @returns {RateLimitOptions | undefined} */
  get options() {
    return this.#options && { ...this.#options }
  }

  /** How many requests it has refused since start or the last resetCount(). */
  get refused() {
    return this.#refused
  }

  resetCount() {
    this.#refused = 0
  }

  /**
   * Takes a token from the owner's bucket, or answers the 429 when there is none.
   * @param {string} owner @returns {import('./http.js').Answer | undefined} the refusal
   */
  take(owner) {
    const options = this.#options
    if (!options) return undefined
    const now = performance.now()
    const bucket = this.#buckets.get(owner) ?? { tokens: options.burst, at: now }
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.perSecond)
    bucket.at = now
    this.#buckets.set(owner, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return undefined
    }
    this.#refused++
    const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / options.perSecond))
    const answer = json(429, { error: 'Too many requests' })
    return { ...answer, headers: { ...answer.headers, 'retry-after': String(seconds) } }
  }
}
