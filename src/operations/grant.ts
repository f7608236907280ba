import type { PlatformClient } from '../platform/client.js'
import { PlatformError } from '../platform/errors.js'
import { expandPermission, type PermissionLine, type PermissionTarget } from '../platform/permissions.js'
import type { Permission } from '../platform/types.js'

/**
 * Grants the permissions input's lines to a role, short forms expanded against the new
 * account's target. A refusal (403) says which line it was for.
 */
export async function grantLines(
  client: PlatformClient,
  role: string,
  lines: PermissionLine[],
  target: PermissionTarget
): Promise<Permission[]> {
  const permissions = lines.map(line => expandPermission(line, target))
  try {
    return await client.grant(role, permissions)
  } catch (error) {
    if (!(error instanceof PlatformError) || error.status !== 403) throw error
    throw new Error(await refusal(client, role, lines, permissions, error), { cause: error })
  }
}

/**
 * The line a refused grant was for. All lines go in one request, so with several the line
 * is found by granting each alone (a grant may repeat: it leaves the same grant).
 */
async function refusal(
  client: PlatformClient,
  role: string,
  lines: PermissionLine[],
  permissions: Permission[],
  refused: PlatformError
): Promise<string> {
  if (lines.length === 1) return refusedLine(lines[0], permissions[0], refused)
  for (const [index, permission] of permissions.entries()) {
    try {
      await client.grant(role, [permission])
    } catch (error) {
      if (error instanceof PlatformError && error.status === 403) return refusedLine(lines[index], permission, error)
      break
    }
  }
  return refused.message
}

function refusedLine(line: PermissionLine, permission: Permission, error: PlatformError): string {
  const written = line.uri === permission.uri ? '' : ` (written ${line.uri})`
  return `line ${line.line} of permissions, ${permission.action} on ${permission.uri}${written}, was refused: ${error.message}`
}
