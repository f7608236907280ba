import type { PlatformClient } from '../platform/client.js'
import { errorMessage, isNotFound, PlatformError } from '../platform/errors.js'
import { isThrottled, isTransient, mayHaveActed, mayRepeat } from '../platform/retry.js'
import type { CreatedServiceAccount, CreateRequest, ServiceAccount } from '../platform/types.js'

export interface CreateOptions {
  /** True when the action made the name up for this run, so no one else can hold it. */
  nameIsGenerated: boolean
  warn: (message: string) => void
}

/** A create whose outcome is unknown: an account may exist that only a look-up by name can find. */
export class UnresolvedCreateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'UnresolvedCreateError'
  }
}

/**
 * Creates an account. The token comes back only from this call, so a create whose answer
 * is lost may leave an account with a token nobody holds. The rules (README, "When an
 * answer is lost"):
 *
 * - a failure that may have acted (retry.ts) is settled by looking the name up;
 * - a generated name is this run's alone, so an account of that name is this run's,
 *   whatever its age: it is removed, and the create made again;
 * - a user-chosen name may be another job's: an account found is never removed; the step
 *   fails and names it;
 * - a 409 after an earlier attempt that may have acted is that attempt's account, and
 *   follows the same two rules.
 */
export async function createAccount(
  client: PlatformClient,
  request: CreateRequest & { name: string },
  options: CreateOptions
): Promise<CreatedServiceAccount> {
  let earlierMayHaveActed = false
  // An attempt may have acted and no look-up has found its account yet: it may still appear.
  let unsettled = false
  // Attempts that count against maxAttempts: throttling only spends the budget.
  let counted = 0
  for (let attempt = 1; ; attempt++) {
    let failure: PlatformError
    try {
      return await client.create(request)
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error
      failure = error
    }
    if (!isThrottled(failure)) counted++
    const lost: boolean = mayHaveActed(failure) || (failure.status === 409 && earlierMayHaveActed)
    earlierMayHaveActed ||= lost
    if (lost) {
      options.warn(`${failure.message}; checking whether service account "${request.name}" was made anyway`)
      unsettled = !(await settleLostCreate(client, request.name, options.nameIsGenerated, failure, options.warn))
    }
    // A 500 is not worth repeating, but what it may have made is gone now. What the client
    // repeats by itself (not sent, throttled) it has already repeated as often as allowed.
    const worthRepeating = (isTransient(failure) && !mayRepeat('create', failure)) || (lost && failure.status === 409)
    if (worthRepeating && counted < client.maxAttempts && (await client.pause(attempt, failure))) continue
    // The platform may still be making what a lost attempt asked for: post looks again.
    if (unsettled) {
      throw new UnresolvedCreateError(
        `${failure.message}; an account "${request.name}" may still appear: the post step looks again`,
        {
          cause: failure
        }
      )
    }
    throw failure
  }
}

/**
 * Removes what a lost create of a generated name made; refuses to guess for a user's name.
 * Returns whether an account was found (and removed); false when none is there yet.
 */
async function settleLostCreate(
  client: PlatformClient,
  name: string,
  generated: boolean,
  failure: PlatformError,
  warn: (message: string) => void
): Promise<boolean> {
  let existing: ServiceAccount | undefined
  try {
    existing = await findByName(client, name)
    if (!existing) return false
    if (generated) {
      warn(`removing ${existing.id}, made by the lost create: its token can never be read`)
      await client.rm(existing.id)
      return true
    }
  } catch (error) {
    throw new UnresolvedCreateError(
      `${failure.message}; and whether it made an account is unknown: ${errorMessage(error)}`,
      {
        cause: error
      }
    )
  }
  throw new PlatformError({
    operation: 'create service account',
    status: failure.status,
    code: failure.code,
    message:
      `${failure.serverMessage || 'the answer was lost'}; an account named "${name}" exists (${existing.id}, created ${existing.created_at}), ` +
      "made by this create or by another job using the same name. It was left as it is: if it is this run's, " +
      `remove it with "apolo service-account rm ${existing.id}"; give each job its own name, or leave "name" empty`,
    cause: failure
  })
}

export async function findByName(client: PlatformClient, name: string): Promise<ServiceAccount | undefined> {
  try {
    return await client.get(name)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}
