import type { Permission, PermissionAction } from './types.js'

const PERMISSION_ACTIONS: readonly PermissionAction[] = ['read', 'write', 'manage']

/**
 * The schemes the apolo CLI writes short, `secret:api-key` for `secret://<cluster>/<org>/<project>/api-key`
 * (apolo-sdk `_url_utils.py`, CLUSTER_SCHEMES); any other needs its full URI.
 */
export const SHORT_SCHEMES = ['storage', 'image', 'job', 'secret', 'disk', 'blob', 'flow'] as const

/** One grant as written on a line of the input: its URI full, or short until `expandPermission`. */
export interface PermissionLine extends Permission {
  /** Its line number in the input, for messages. */
  line: number
}

/** Where short forms point: the new account's cluster, org and project. */
export interface PermissionTarget {
  cluster: string
  project: string
  org?: string
}

const FULL_URI = /^[a-z][a-z0-9+.-]*:\/\/[^/]/
const FULL_URI_TEXT = /^[a-z][a-z0-9+.-]*:\/\/[\x21-\x7e]+$/
const SHORT_URI = /^([a-z][a-z0-9+.-]*):(.*)/
// RFC 3986 path characters: what yarl, which builds the CLI's URIs, leaves as written.
const PATH_TEXT = /^[A-Za-z0-9._~!$&'()*+,;=:@/%-]*$/

/**
 * Parses one grant per line, `<uri> <action>`. Blank lines and `#` comments are skipped.
 * Throws with the line number and what is wrong.
 */
export function parsePermissions(text: string): PermissionLine[] {
  const permissions: PermissionLine[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.split('#', 1)[0].trim()
    if (!line) return
    const fields = line.split(/\s+/)
    const where = `line ${index + 1} ("${line}")`
    if (fields.length !== 2)
      throw new Error(
        `${where} must be "<uri> <action>", e.g. "storage:data read" or "storage://default/my-org/my-project/data read"`
      )
    const [uri, action] = fields
    const problem = FULL_URI.test(uri) ? fullUriProblem(uri) : shortUriProblem(uri)
    if (problem) throw new Error(`${where} ${problem}`)
    if (!(PERMISSION_ACTIONS as readonly string[]).includes(action)) {
      throw new Error(`${where} has action "${action}"; allowed: ${PERMISSION_ACTIONS.join(', ')}`)
    }
    permissions.push({ uri, action: action as PermissionAction, line: index + 1 })
  })
  return permissions
}

const TAGGED =
  'names an image with a tag or digest: grant on the image name, without ":tag" or "@sha256:…", as the platform refuses tags'

function fullUriProblem(uri: string): string | undefined {
  if (!FULL_URI_TEXT.test(uri)) return 'has a URI that is not printable ASCII'
  if (/^image:\/\/[^/]+\/.*[:@]/.test(uri)) return TAGGED
  return undefined
}

/** What the CLI would refuse in a short form (`_normalize_uri`, `_check_uri_str`), or undefined. */
function shortUriProblem(uri: string): string | undefined {
  const match = SHORT_URI.exec(uri)
  if (!match) {
    return 'has no URI: write scheme:path (e.g. storage:data, secret:api-key) or scheme://<cluster>/<org>/<project>/path'
  }
  const [, scheme, rest] = match
  if (!(SHORT_SCHEMES as readonly string[]).includes(scheme)) {
    return `has "${scheme}:" without a cluster: only ${SHORT_SCHEMES.map(s => `${s}:`).join(', ')} may be written short, as in the apolo CLI; write it as ${scheme}://<cluster>/...`
  }
  const path = shortPath(rest)
  // "#" starts a comment, so only "?" can reach here.
  if (path.includes('?')) return 'has "?" in its URI: write it as %3F, as the apolo CLI asks'
  if (!PATH_TEXT.test(path)) return 'has a character in its URI that must be percent-encoded (e.g. %22 for ")'
  if (/^\/*~/.test(path)) return 'has "~" in its URI: no user is expanded here; name the path'
  if (path.split('/').some(segment => segment === '.' || segment === '..'))
    return 'has a "." or ".." segment in its URI: name the path itself'
  if (scheme === 'image' && /[:@]/.test(path)) return TAGGED
  return undefined
}

/** The path of a short form: `storage:x`, `storage:/x`, and `storage:///x` (an empty host) alike. */
function shortPath(rest: string): string {
  return rest.startsWith('//') ? rest.slice(2) : rest
}

/**
 * The full URI of a grant, as the apolo CLI expands it (`_normalize_uri`): a relative path
 * is under the project, an absolute one under the org (or the cluster when there is no org).
 */
export function expandPermission({ uri, action }: Permission, target: PermissionTarget): Permission {
  if (FULL_URI.test(uri)) return { uri, action }
  const [, scheme, rest] = SHORT_URI.exec(uri)!
  let path = shortPath(rest)
  const absolute = path.startsWith('/')
  path = path.replace(/^\/+/, '')
  if (!absolute) path = path ? `${target.project}/${path}` : target.project
  if (target.org) path = `${target.org}/${path}`
  return { uri: `${scheme}://${target.cluster}/${path}`, action }
}
