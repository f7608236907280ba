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

/** GitHub keeps at most 1 MB of one output: a longer one would reach later steps cut short. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024

/** Why `value` cannot be the output `name`, or undefined when it can. */
export function oversizedOutput(name: string, value: string): string | undefined {
  const bytes = Buffer.byteLength(value)
  if (bytes <= OUTPUT_LIMIT_BYTES) return undefined
  return `the ${name} output would be ${(bytes / OUTPUT_LIMIT_BYTES).toFixed(1)} MB, over the 1 MB GitHub allows for one output, so it is not set`
}
