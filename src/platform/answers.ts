/**
 * The platform's answers read into known shapes: only the fields this action uses, each of
 * the type it expects, so nothing else a server sends reaches outputs, logs or summaries.
 * Also what a create answer must match, and the bounded read of a list.
 */
import { PlatformError } from './errors.js'
import type { HttpResponse } from './http.js'
import { isAccountId, isServiceAccountRole } from './names.js'
import type { CreatedServiceAccount, DiscoveryConfig, Permission, PermissionAction, ServiceAccount } from './types.js'

type Fields = Record<string, unknown>

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** An account; its id must look like one, since it is sent back in a path. */
export function readAccount(operation: string, value: unknown): ServiceAccount {
  if (!isObject(value) || typeof value.id !== 'string' || typeof value.role !== 'string') {
    throw new PlatformError({ operation, status: 200, message: 'the answer is not a service account' })
  }
  if (!isAccountId(value.id)) {
    throw new PlatformError({ operation, status: 200, message: 'the answer holds an account id that is not one' })
  }
  return {
    id: value.id,
    name: textOrNull(value.name),
    role: value.role,
    owner: text(value.owner),
    default_cluster: text(value.default_cluster),
    default_project: text(value.default_project),
    default_org: textOrNull(value.default_org),
    created_at: text(value.created_at),
    role_deleted: value.role_deleted === true
  }
}

/**
 * Lists: bounded in bytes and in accounts. 100,000 accounts is far more than anyone keeps (a
 * platform account is about 300 bytes, so 30 MB), and tens of MB of memory however small a
 * hostile server makes each line; past it the list is refused, not cut.
 */
const LIST_LIMIT = { lineBytes: 64 * 1024, bodyBytes: 64 * 1024 * 1024, accounts: 100_000 }

/**
 * Accounts from an NDJSON stream, parsed a chunk at a time so that memory holds the accounts,
 * not the body; or from a JSON array when the server ignores `Accept`.
 */
export async function parseAccounts(
  operation: string,
  response: HttpResponse,
  accounts: ServiceAccount[]
): Promise<void> {
  const failure = (message: string) => new PlatformError({ operation, status: response.status, message })
  const bad = () => failure('the answer is not a list of accounts')
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch {
      throw bad()
    }
  }
  const add = (value: unknown) => {
    if (accounts.length >= LIST_LIMIT.accounts) {
      throw failure(
        `the list holds more than ${LIST_LIMIT.accounts.toLocaleString('en-US')} accounts, more than this action reads`
      )
    }
    accounts.push(readAccount(operation, value))
  }
  if (!response.header('content-type')?.includes('ndjson')) {
    const value = parse(await response.text(LIST_LIMIT.bodyBytes))
    if (!Array.isArray(value)) throw bad()
    for (const item of value) add(item)
    return
  }
  for await (const lines of response.lineBatches(LIST_LIMIT)) {
    for (const line of lines) if (line.trim()) add(parse(line))
  }
}

/** The create answer: an account and its token. Without a token it may still have made one. */
export function readCreated(operation: string, value: unknown): CreatedServiceAccount {
  const account = readAccount(operation, value)
  const token = (value as Fields).token
  if (typeof token !== 'string' || !token) {
    // Unreadable as a create answer: the account may exist, and asking again may do better.
    throw new PlatformError({ operation, status: 201, message: 'the answer holds no token', unreadable: true })
  }
  return { ...account, token }
}

/**
 * What in a create answer says it is not about the account asked for: its name, its owner
 * (when the caller's identity is known, it is the owner) or its role. Undefined when all fit.
 */
export function notAsked(
  account: ServiceAccount,
  name: string | undefined,
  caller: string | undefined
): string | undefined {
  if (name && account.name !== name) return `its name is not "${name}"`
  if (!account.owner || (caller !== undefined && !ownersOf(caller).includes(account.owner)))
    return 'its owner is not the caller'
  // An unnamed account's role ends in 16 hex characters instead of a name.
  const expected = `${account.owner}/service-accounts/${name || account.role.split('/').pop()}`
  if (account.role !== expected || !isServiceAccountRole(account.role))
    return `its role is not "<owner>/service-accounts/${name || '<name>'}"`
  return undefined
}

/**
 * Who may own what a caller makes: the caller; for a service account's token (its role,
 * `<user>/service-accounts/<name>`), also the user who owns that account.
 */
function ownersOf(caller: string): string[] {
  const user = /^([^/]+)\/service-accounts\/[^/]+$/.exec(caller)?.[1]
  return user ? [caller, user] : [caller]
}

export function readPermissions(operation: string, value: unknown): Permission[] {
  if (!Array.isArray(value)) throw new PlatformError({ operation, status: 201, message: 'the answer is not a list' })
  return value.filter(isObject).map(p => ({ uri: text(p.uri), action: text(p.action) as PermissionAction }))
}

export function readConfig(value: unknown): DiscoveryConfig {
  const fields = isObject(value) ? value : {}
  const list = (items: unknown) => (Array.isArray(items) ? items.filter(isObject) : [])
  return {
    authorized: fields.authorized === true,
    clusters: list(fields.clusters)
      .filter(c => typeof c.name === 'string')
      .map(c => ({
        name: text(c.name),
        orgs: Array.isArray(c.orgs) ? c.orgs.filter(o => typeof o === 'string') : [],
        registry_url: text(c.registry_url)
      })),
    projects: list(fields.projects)
      .filter(p => typeof p.name === 'string' && typeof p.cluster_name === 'string')
      .map(p => ({ name: text(p.name), cluster_name: text(p.cluster_name), org_name: textOrNull(p.org_name) }))
  }
}

/** `created_at` in milliseconds; a time with no offset is UTC, as the platform writes it. */
export function parseCreatedAt(value: string): number {
  const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value)
  return Date.parse(hasOffset ? value : `${value}Z`)
}
