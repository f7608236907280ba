/**
 * The shapes the platform code passes around: the platform's accounts, permissions and
 * config, and one request as the client describes it.
 */
import type { RequestKind } from './retry.js'

/** A service account as the platform sends it (its own snake_case field names). */
export interface ServiceAccount {
  id: string
  name: string | null
  role: string
  owner: string
  default_cluster: string
  default_project: string
  default_org?: string | null
  created_at: string
  role_deleted?: boolean
}

/** The create answer: the account plus its full token, shown only this once. */
export interface CreatedServiceAccount extends ServiceAccount {
  token: string
}

export interface CreateRequest {
  name?: string
  default_cluster: string
  default_project: string
  default_org?: string
}

export type PermissionAction = 'read' | 'write' | 'manage'

export interface Permission {
  uri: string
  action: PermissionAction
}

/** The parts of `GET /config` this action uses. */
export interface DiscoveryConfig {
  authorized: boolean
  clusters: { name: string; orgs?: string[]; registry_url?: string }[]
  projects: { name: string; cluster_name: string; org_name?: string | null }[]
}

/** One logical request: client.ts sends it, failures.ts words its failures from it. */
export interface Call {
  /** What is being done, for error messages. */
  operation: string
  kind: RequestKind
  method: 'GET' | 'POST' | 'DELETE'
  /** Path segments after the API URL, each sent encoded. */
  path: string[]
  body?: unknown
  accept?: string
}
