// /users/{role}/permissions, the part of the auth server that the SDK's Users.get_acl, share and
// revoke speak (`apolo acl ls|grant|revoke`). The role is in the path with ':' for '/'.
import { json, noContent } from './http.js'
import { parseJson, pyRepr } from './python.js'

/** @typedef {import('./http.js').Answer} Answer */
/** @typedef {import('./store.js').Permission} Permission */

const ACTIONS = ['read', 'write', 'manage']
const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i

/**
 * A caller may read its own role's grants (a service account logged in runs `apolo acl ls`)
 * and read or change those of its accounts' roles.
 * @param {import('./store.js').Store} store @param {string} caller the token's identity
 * @param {string} method GET, POST or DELETE @param {string} name the role with ':' for '/'
 * @param {URLSearchParams} query @param {string} raw the request body
 * @returns {Answer}
 */
export function permissions(store, caller, method, name, query, raw) {
  const role = name.replaceAll(':', '/')
  const readsOwn = method === 'GET' && role === caller
  if (!readsOwn && !store.ownsRole(caller, role)) return json(404, { error: `user "${role}" was not found` })
  const current = store.grants(role)
  if (method === 'GET') {
    const uri = query.get('uri')
    return json(200, uri === null ? current : under(current, uri))
  }
  if (method === 'DELETE') return revoke(store, role, current, query.getAll('uri'))
  return grant(store, role, current, raw)
}

/**
 * The grants at or below `uri`, as the auth server's tree answers: `storage:` gives every
 * storage grant, and a grant above `uri` shows as `uri` with that action.
 * @param {Permission[]} grants @param {string} uri @returns {Permission[]}
 */
function under(grants, uri) {
  const below = grants.filter(p => p.uri !== uri && within(p.uri, uri))
  const covering = grants.filter(p => within(uri, p.uri))
  if (!covering.length) return below
  const action = covering.reduce(
    (top, p) => (ACTIONS.indexOf(p.action) > ACTIONS.indexOf(top) ? p.action : top),
    covering[0].action
  )
  return [{ uri, action }, ...below]
}

/** Whether `uri` is `prefix` or in the tree below it. @param {string} uri @param {string} prefix */
function within(uri, prefix) {
  return uri === prefix || uri.startsWith(/[/:]$/.test(prefix) ? prefix : `${prefix}/`)
}

/**
 * All or nothing: a URI the role was never granted is an error, as neuro_auth_client expects.
 * @param {import('./store.js').Store} store @param {string} role @param {Permission[]} current @param {string[]} uris
 * @returns {Answer}
 */
function revoke(store, role, current, uris) {
  if (!uris.length) return json(400, { error: 'uri is required' })
  if (!uris.every(uri => current.some(p => p.uri === uri))) return json(400, { error: 'Operation has no effect' })
  store.setGrants(
    role,
    current.filter(p => !uris.includes(p.uri))
  )
  return noContent
}

/**
 * Re-granting a URI replaces its action.
 * @param {import('./store.js').Store} store @param {string} role @param {Permission[]} current @param {string} raw
 * @returns {Answer}
 */
function grant(store, role, current, raw) {
  const { body, error } = parseJson(raw)
  if (error) return json(400, { error })
  if (!Array.isArray(body) || !body.length) return json(400, { error: 'Expected a non-empty list of permissions' })
  /** @type {Permission[]} */
  const granted = []
  for (const item of body) {
    const uri = item?.uri
    const action = item?.action
    if (typeof uri !== 'string' || !URI_PATTERN.test(uri))
      return json(400, { error: `Invalid URI: ${pyRepr(uri ?? null)}` })
    if (!ACTIONS.includes(action)) return json(400, { error: `Invalid action: ${pyRepr(action ?? null)}` })
    if (taggedImage(uri)) return json(400, { error: `Invalid URI: ${pyRepr(uri)}: tag is not allowed` })
    granted.push({ uri, action })
  }
  store.setGrants(role, [...current.filter(p => !granted.some(g => g.uri === p.uri)), ...granted])
  return json(201, granted)
}

/**
 * Images are shared by name: a ':' in the path (`img:tag`, `img@sha256:...`) is refused, the
 * rule apolo-cli applies before it sends a grant.
 * @param {string} uri
 */
function taggedImage(uri) {
  if (!uri.toLowerCase().startsWith('image://')) return false
  const rest = uri.slice('image://'.length)
  const slash = rest.indexOf('/')
  return slash >= 0 && rest.includes(':', slash)
}
