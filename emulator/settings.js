// Switches for how the emulated platform treats new service accounts, settable at start, at run
// time, over the control API and from the CLI:
// - newTokenDelayMs: a new account's token is refused (as an unknown token is) for this long
//   after create; Infinity ("never" over JSON and the CLI) keeps it refused for ever.
// - clustersNeedGrant: GET /config, asked with a service account's token, lists only the clusters
//   that the account's role holds a grant on (and the projects on them).
// - keepAliveMs: how long an idle connection is kept open, and what its `Keep-Alive: timeout=`
//   says; default 75 s, as aiohttp (the platform's server) keeps them. Under 2 s, undici closes
//   the connection after every answer, so every request would pay a new handshake.

/**
 * @typedef {object} SettingsOptions
 * @property {number | 'never'} [newTokenDelayMs] default 0: a new token works at once
 * @property {boolean} [clustersNeedGrant] default false: every token sees every cluster
 * @property {number} [keepAliveMs] default 75000: an idle connection is closed after this long
 */

/** @typedef {{newTokenDelayMs: number | 'never', clustersNeedGrant: boolean, keepAliveMs: number}} SettingsJson */

/** aiohttp's keepalive_timeout, which a real platform front keeps connections for. */
export const DEFAULT_KEEP_ALIVE_MS = 75_000

const KEYS = ['newTokenDelayMs', 'clustersNeedGrant', 'keepAliveMs']

export class Settings {
  #newTokenDelayMs = 0
  #clustersNeedGrant = false
  #keepAliveMs = DEFAULT_KEEP_ALIVE_MS

  /** @param {SettingsOptions} [options] */
  constructor(options = {}) {
    this.update(options)
  }

  get newTokenDelayMs() {
    return this.#newTokenDelayMs
  }

  get clustersNeedGrant() {
    return this.#clustersNeedGrant
  }

  get keepAliveMs() {
    return this.#keepAliveMs
  }

  /** @param {number | 'never'} value */
  setNewTokenDelay(value) {
    this.#newTokenDelayMs = delayMs(value)
  }

  /** @param {boolean} value */
  setClustersNeedGrant(value) {
    if (typeof value !== 'boolean') throw new Error(`clustersNeedGrant must be true or false, not ${String(value)}`)
    this.#clustersNeedGrant = value
  }

  /**
   * Sets the keys given, all or none: a bad value (or an unknown key) changes nothing.
   * @param {Record<string, unknown>} changes
   */
  update(changes) {
    for (const key of Object.keys(changes)) {
      if (!KEYS.includes(key)) throw new Error(`unknown setting: ${key}`)
    }
    const delay =
      changes.newTokenDelayMs === undefined
        ? this.#newTokenDelayMs
        : delayMs(/** @type {number | 'never'} */ (changes.newTokenDelayMs))
    const grant = changes.clustersNeedGrant ?? this.#clustersNeedGrant
    if (typeof grant !== 'boolean') throw new Error(`clustersNeedGrant must be true or false, not ${String(grant)}`)
    const keepAlive = changes.keepAliveMs === undefined ? this.#keepAliveMs : keepAliveMs(changes.keepAliveMs)
    this.#newTokenDelayMs = delay
    this.#clustersNeedGrant = grant
    this.#keepAliveMs = keepAlive
  }

  /** As JSON has it: Infinity is "never". @returns {SettingsJson} */
  toJSON() {
    return {
      newTokenDelayMs: this.#newTokenDelayMs === Infinity ? 'never' : this.#newTokenDelayMs,
      clustersNeedGrant: this.#clustersNeedGrant,
      keepAliveMs: this.#keepAliveMs
    }
  }
}

/**
 * A delay in milliseconds: a whole number >= 0, Infinity, or "never" (Infinity).
 * @param {unknown} value @returns {number}
 */
export function delayMs(value) {
  if (value === 'never' || value === Infinity) return Infinity
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  throw new Error(
    `newTokenDelayMs must be a whole number of milliseconds >= 0, or "never", not ${JSON.stringify(value) ?? String(value)}`
  )
}

/**
 * How long an idle connection stays open: a whole number of milliseconds >= 1.
 * @param {unknown} value @returns {number}
 */
export function keepAliveMs(value) {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value
  throw new Error(
    `keepAliveMs must be a whole number of milliseconds >= 1, not ${JSON.stringify(value) ?? String(value)}`
  )
}
