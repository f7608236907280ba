import type { Permission, PermissionAction } from './types.js'

const PERMISSION_ACTIONS: readonly PermissionAction[] = ['read', 'write', 'manage']

/**
 * Parses one grant per line, `<uri> <action>`. Blank lines and `#` comments are skipped.
 * Throws with the line number and what is wrong.
 */
export function parsePermissions(text: string): Permission[] {
  const permissions: Permission[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.split('#', 1)[0].trim()
    if (!line) return
    const fields = line.split(/\s+/)
    const where = `line ${index + 1} ("${line}")`
    if (fields.length !== 2)
      throw new Error(`${where} must be "<uri> <action>", e.g. "storage://default/my-org/my-project/data read"`)
    const [uri, action] = fields
    if (!/^[a-z][a-z0-9+.-]*:\/\/[\x21-\x7e]+$/.test(uri)) {
      throw new Error(
        `${where} has no full URI: write it as scheme://..., e.g. storage://<cluster>/<org>/<project>/path`
      )
    }
    if (/^image:\/\/[^/]+\/.*[:@]/.test(uri)) {
      throw new Error(
        `${where} names an image with a tag or digest: grant on the image name, without ":tag" or "@sha256:…", as the platform refuses tags`
      )
    }
    if (!(PERMISSION_ACTIONS as readonly string[]).includes(action)) {
      throw new Error(`${where} has action "${action}"; allowed: ${PERMISSION_ACTIONS.join(', ')}`)
    }
    permissions.push({ uri, action: action as PermissionAction })
  })
  return permissions
}
