import type { ServiceAccount } from './platform/types.js'

/** The account's outputs, by their action.yml names. */
export function accountOutputs(account: ServiceAccount): Record<string, string> {
  return {
    id: account.id,
    name: account.name ?? '',
    role: account.role,
    owner: account.owner,
    'default-cluster': account.default_cluster,
    'default-project': account.default_project,
    'default-org': account.default_org ?? '',
    'created-at': account.created_at,
    'role-deleted': String(account.role_deleted ?? false)
  }
}

/** The `removed` output of prune and of create's sweep: what went, never more than that. */
export function removedOutput(accounts: ServiceAccount[]): string {
  return JSON.stringify(accounts.map(a => ({ id: a.id, name: a.name, created_at: a.created_at })))
}
