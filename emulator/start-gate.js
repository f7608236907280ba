// A start gate, for herds run on one small machine: API requests wait until `count` of them
// have arrived (or `timeoutMs` has passed since the first), then go on spread evenly over `spreadMs` in the
// order they came; later ones pass at once. The platform then sees the legs of a matrix arrive
// as it would if each had a runner of its own, not as fast as one machine's CPUs can start
// processes.

/**
 * @typedef {object} StartGateOptions
 * @property {number} count requests to wait for (a whole number >= 1)
 * @property {number} [spreadMs] over how long to let them go (default 0: all at once)
 * @property {number} [timeoutMs] opens anyway this long after the first request came (default 20000;
 *   keep it well under the clients' request timeout)
 * @property {() => number} [random] given, each waiting request goes at its own random time within
 *   spreadMs, as the legs of a matrix whose runners start at random do; without, they go evenly spaced
 */

export class StartGate {
  /** @type {Required<Omit<StartGateOptions, 'random'>>} */
  #options
  /** @type {(() => number) | undefined} */
  #random
  /** @type {(() => void)[]} */
  #waiting = []
  /** @type {number | undefined} Date.now() when it opened */
  #openedAt
  #held = 0
  /** @type {NodeJS.Timeout | undefined} */
  #timer

  /** @param {StartGateOptions} options */
  constructor(options) {
    const { count, spreadMs = 0, timeoutMs = 20_000 } = options
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`start gate count must be a whole number >= 1, not ${count}`)
    for (const [key, value] of Object.entries({ spreadMs, timeoutMs })) {
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`start gate ${key} must be a whole number >= 0, not ${value}`)
    }
    this.#options = { count, spreadMs, timeoutMs }
    this.#random = options.random
  }

  /**
   * Its options, how many requests wait, how many it held in all, and when it opened (ms since
   * the epoch; null: not yet).
   */
  get state() {
    return { ...this.#options, waiting: this.#waiting.length, held: this.#held, openedAt: this.#openedAt ?? null }
  }

  /** Resolves when the request may go on. @returns {Promise<void>} */
  pass() {
    if (this.#openedAt !== undefined) return Promise.resolve()
    return new Promise(resolve => {
      this.#waiting.push(resolve)
      this.#held++
      this.#timer ??= setTimeout(() => this.open(), this.#options.timeoutMs).unref()
      if (this.#waiting.length >= this.#options.count) this.open()
    })
  }

  /** Lets every waiting request go, spread over spreadMs; from now on none waits. */
  open() {
    if (this.#openedAt !== undefined) return
    this.#openedAt = Date.now()
    clearTimeout(this.#timer)
    const waiting = this.#waiting.splice(0)
    const { spreadMs } = this.#options
    const random = this.#random
    waiting.forEach((release, i) =>
      setTimeout(release, random ? random() * spreadMs : (i * spreadMs) / waiting.length).unref()
    )
  }
}
