import { setTimeout as sleep } from 'node:timers/promises'
import type { PlatformClient } from '../platform/client.js'
import { errorMessage, PlatformError } from '../platform/errors.js'
import { isTransient } from '../platform/retry.js'
import type { DiscoveryConfig } from '../platform/types.js'

export interface VerifyOptions {
  /** How long the platform may go on saying no to the token, from the first request. */
  seconds: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  random?: () => number
  /** Stops the asking: the caller no longer needs the answer (a grant failed). */
  signal?: AbortSignal
}

/**
 * The wait between asks while the platform refuses a new token: short and fixed, so that a
 * token is noticed within about this long of starting to work (docs/performance.md).
 */
export const VERIFY_INTERVAL_MS = 250

/** Each wait is the interval give or take this share, so that jobs created together ask apart. */
const JITTER = 0.2

/** The platform answered about the token itself, and said no (yet). */
function isRefusal(error: PlatformError): boolean {
  return error.status === 401 || error.status === 403
}

/** Throttling, a 5xx or a network failure: the platform said nothing about the token. */
function isTrouble(error: PlatformError): boolean {
  return isTransient(error) || error.status >= 500
}

/**
 * Asks `GET /config` as the new account until the platform says it is authorized: a new
 * token may take a moment to be accepted everywhere. Only an answer about the token
 * (`authorized: false`, 401, 403) counts as "not accepted yet", and only for `seconds`,
 * asked again every 250 ms (jittered). While the platform throttles or fails, the asking
 * goes on within the client's own budget, after the client's backoff (longer, and at
 * least what a Retry-After asks): a credential is given up as unproven only when the
 * platform has said no, or never answered in all that time.
 */
export async function verifyCredential(asNewAccount: PlatformClient, options: VerifyOptions): Promise<DiscoveryConfig> {
  const now = options.now ?? Date.now
  const wait = options.sleep ?? sleep
  const random = options.random ?? Math.random
  const refusedUntil = now() + options.seconds * 1000
  let refusal: string
  let troubles = 0
  for (;;) {
    options.signal?.throwIfAborted()
    try {
      const config = await asNewAccount.config()
      if (config.authorized) return config
      refusal = 'GET /config answered "authorized": false'
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error
      if (isTrouble(error)) {
        if (await asNewAccount.pause(++troubles, error)) continue
        throw new Error(`the platform never answered whether the new token works: ${errorMessage(error)}`, {
          cause: error
        })
      }
      if (!isRefusal(error)) throw error
      refusal = errorMessage(error)
    }
    const left = refusedUntil - now()
    if (left <= 0) break
    const interval = Math.round(VERIFY_INTERVAL_MS * (1 - JITTER + 2 * JITTER * random()))
    await wait(Math.min(interval, left))
    options.signal?.throwIfAborted()
  }
  throw new Error(`the new token was still not accepted after ${options.seconds} s (${refusal})`)
}

/** The registry host of a cluster in a /config answer, or '' when it names none. */
export function registryHost(config: DiscoveryConfig, cluster: string): string {
  const url = config.clusters.find(c => c.name === cluster)?.registry_url
  if (!url) return ''
  try {
    return new URL(url).host
  } catch {
    return ''
  }
}
