/**
 * The platform's answers read into known shapes: only the fields this action uses, each of
 * the type it expects, so nothing else a server sends reaches outputs, logs or summaries.
 */
import { PlatformError } from './errors.js'
import { isAccountId } from './names.js'
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
