// A rate limiter in front of the API, as a load balancer has: past `maxInFlight` requests at
// once, 429 with Retry-After. Each admitted request is held `holdMs` so that "at once" happens.
import { json } from './http.js'

/**
 * @typedef {object} ThrottleOptions
 * @property {number} maxInFlight requests answered at once; one more gets 429 (0: every one does)
 * @property {number} [retryAfterSeconds] the Retry-After of a 429 (default 1)
 * @property {number} [holdMs] how long each admitted request waits before it is answered (default 50)
 */

export class Throttle {
  /** @type {Required<ThrottleOptions> | undefined} */
  #options
  #inFlight = 0
  #peak = 0
  #refused = 0

  /** @param {ThrottleOptions} [options] */
  constructor(options) {
    this.set(options)
  }

  /** Turns the throttle on, changes it, or turns it off (undefined). @param {ThrottleOptions | undefined} options */
  set(options) {
    if (!options) return void (this.#options = undefined)
    const { maxInFlight, retryAfterSeconds = 1, holdMs = 50 } = options
    for (const [key, value] of Object.entries({ maxInFlight, retryAfterSeconds, holdMs })) {
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`throttle ${key} must be a whole number >= 0, not ${value}`)
    }
    this.#options = { maxInFlight, retryAfterSeconds, holdMs }
  }

  /** @returns {Required<ThrottleOptions> | undefined} */
  get options() {
    return this.#options && { ...this.#options }
  }

  /**
   * What it has seen since start or the last resetCounts(): API requests being answered now, the
   * most at once, and how many it refused. Counted whether or not the throttle is on.
   */
  get counts() {
    return { inFlight: this.#inFlight, peakInFlight: this.#peak, refused: this.#refused }
  }

  /** Starts the counts again; the peak from the requests in flight now. */
  resetCounts() {
    this.#peak = this.#inFlight
    this.#refused = 0
  }

  /**
   * Admits a request, counting it until its response closes, or refuses it with the 429.
   * @param {import('node:http').ServerResponse} res
   * @returns {{refusal: import('./http.js').Answer} | {holdMs: number}}
   */
  enter(res) {
    const options = this.#options
    if (options && this.#inFlight >= options.maxInFlight) {
      this.#refused++
      const answer = json(429, { error: 'Too many requests' })
      return {
        refusal: { ...answer, headers: { ...answer.headers, 'retry-after': String(options.retryAfterSeconds) } }
      }
    }
    this.#peak = Math.max(this.#peak, ++this.#inFlight)
    res.once('close', () => this.#inFlight--)
    return { holdMs: options?.holdMs ?? 0 }
  }
}
