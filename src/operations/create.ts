import type { PlatformClient } from '../platform/client.js'
import { PlatformError } from '../platform/errors.js'
import type { CreatedServiceAccount, CreateRequest, ServiceAccount } from '../platform/types.js'

export interface CreateOptions {
  /** True when the action made the name up for this run, so no one else can hold it. */
  nameIsGenerated: boolean
  /** Creates tried at most, counting those whose answer was lost. */
  maxCreates: number
  warn: (message: string) => void
}

/** A create whose outcome is unknown: an account may exist that only a look-up by name can find. */
export class UnresolvedCreateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnresolvedCreateError'
  }
}

// How far the platform's clock may be behind ours when telling whether we made an account.
const CLOCK_SKEW_MS = 120_000

/**
 * Creates an account. The token comes back only from this call, so when its answer is lost
 * (reset, timeout, a 502 from a proxy, a 500) the account may exist with a token nobody
 * holds: look the name up, remove what this run made, and create again if the failure is
 * one worth retrying.
 */
export async function createAccount(
  client: PlatformClient,
  request: CreateRequest & { name: string },
  options: CreateOptions
): Promise<CreatedServiceAccount> {
  for (let attempt = 1; ; attempt++) {
    const sentAt = Date.now()
    try {
      return await client.create(request)
    } catch (error) {
      if (!(error instanceof PlatformError) || !error.ambiguous) throw error
      options.warn(`${error.message}; checking whether service account "${request.name}" was made anyway`)
      try {
        await removeIfMadeBy(client, request.name, sentAt, options)
      } catch (lookup) {
        const reason = lookup instanceof Error ? lookup.message : String(lookup)
        if (lookup instanceof PlatformError && lookup.status === 409) throw lookup
        throw new UnresolvedCreateError(`${error.message}; and whether it made an account is unknown: ${reason}`)
      }
      // A 500 is not worth repeating, but what it may have made is gone now.
      if (!error.retryable || attempt >= options.maxCreates) throw error
    }
  }
}

async function removeIfMadeBy(
  client: PlatformClient,
  name: string,
  sentAt: number,
  options: CreateOptions
): Promise<void> {
  const existing = await findByName(client, name)
  if (!existing) return
  if (!options.nameIsGenerated && !madeSince(existing, sentAt)) {
    throw new PlatformError(
      'create service account',
      409,
      `the name "${name}" belongs to an account made before this run (${existing.id}); choose another name`
    )
  }
  options.warn(`removing ${existing.id}, made by the lost create: its token can never be read`)
  await client.rm(existing.id)
}

async function findByName(client: PlatformClient, name: string): Promise<ServiceAccount | undefined> {
  try {
    return await client.get(name)
  } catch (error) {
    if (error instanceof PlatformError && error.status === 404) return undefined
    throw error
  }
}

/** The account of that name if it was made at or after `since` (allowing for clock skew). */
export async function findCreatedSince(
  client: PlatformClient,
  name: string,
  since: number
): Promise<ServiceAccount | undefined> {
  const account = await findByName(client, name)
  return account && madeSince(account, since) ? account : undefined
}

function madeSince(account: ServiceAccount, since: number): boolean {
  return parseCreatedAt(account.created_at) >= since - CLOCK_SKEW_MS
}

/** `created_at` in milliseconds; a time with no offset is UTC, as the platform writes it. */
export function parseCreatedAt(value: string): number {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value)
  return Date.parse(hasOffset ? value : `${value}Z`)
}
