import type { PlatformClient } from '../platform/client.js'
import { errorMessage } from '../platform/errors.js'
import type { DiscoveryConfig } from '../platform/types.js'

export interface VerifyOptions {
  /** How long to keep asking, from the first request. */
  seconds: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/**
 * Asks `GET /config` as the new account until the platform says it is authorized: a new
 * token may take a moment to be accepted everywhere. One request when it already is;
 * otherwise waits of 0.5 s, doubling to at most 5 s, within `seconds`.
 */
export async function verifyCredential(asNewAccount: PlatformClient, options: VerifyOptions): Promise<DiscoveryConfig> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const deadline = now() + options.seconds * 1000
  let last = ''
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      const config = await asNewAccount.config()
      if (config.authorized) return config
      last = 'GET /config answered "authorized": false'
    } catch (error) {
      last = errorMessage(error)
    }
    const left = deadline - now()
    if (left <= 0) break
    await sleep(Math.min(delay, left))
  }
  throw new Error(`the new token was still not accepted after ${options.seconds} s (${last})`)
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
