// The platform API under /api/v1: GET /config, the service accounts (platform-service-accounts-api's
// api.py and schema.py) and the permissions, answered as values (see http.js).
import { JSON_TYPE, json, noContent, notAllowed, text } from './http.js'
import { permissions } from './permissions.js'
import { parseJson, pyRepr, recordJson } from './python.js'
import { fullToken } from './tokens.js'
import { makeAccount } from './store.js'

/** @typedef {import('./http.js').Answer} Answer */
/** @typedef {import('./http.js').Headers} Headers */
/** @typedef {{name: string, orgs?: string[]} & Record<string, unknown>} ClusterConfig */
/** @typedef {{name: string, role: string, cluster_name: string, org_name: string | null}} ProjectConfig */

/**
 * @typedef {object} Platform
 * @property {import('./store.js').Store} store
 * @property {import('./tokens.js').Tokens} tokens
 * @property {string} origin
 * @property {string} url the API URL, origin + /api/v1
 * @property {ClusterConfig[]} clusters with clusterDefaults filled in
 * @property {ProjectConfig[]} projects
 * @property {import('./settings.js').Settings} settings
 */

/** The server's name grammar (schema.py), anchored because the server uses fullmatch. */
export const NAME_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/

/** Create's fields in schema order: marshmallow reports problems in this order. */
const CREATE_FIELDS = /** @type {const} */ ([
  ['name', 'nullable'],
  ['default_cluster', 'required'],
  ['default_project', 'required'],
  ['default_org', 'optional']
])

/**
 * Trouble with the auth service, which the server asks about every caller's token and calls
 * inside create and delete: `hiccup`, it cannot vouch for the token (the server then treats it
 * as unknown); `error`, it fails inside create or delete (the server answers 500).
 * @typedef {'hiccup' | 'error'} AuthTrouble
 */

/** The auth service's address inside the cluster (the server's Helm chart default `authUrl`). */
export const AUTH_SERVICE_URL = 'http://platform-auth:8080'

/**
 * One API request: routing first (404, 405 need no token, as in aiohttp), then the token.
 * @param {Platform} platform @param {string} method @param {string} path after /api/v1
 * @param {URLSearchParams} query @param {Headers} headers @param {string} body
 * @param {AuthTrouble} [auth] none by default
 * @returns {Answer}
 */
export function route(platform, method, path, query, headers, body, auth) {
  if (method === 'HEAD') method = 'GET'
  if (path === '/config') return method === 'GET' ? config(platform, headers, auth) : notAllowed('GET, HEAD')
  /** @param {(caller: string) => Answer} then */
  const authorized = then => {
    const caller = identify(platform, headers, auth)
    return typeof caller === 'string' ? then(caller) : (caller ?? text(401, '401: Unauthorized'))
  }
  if (path === '/service_accounts') {
    if (method !== 'GET' && method !== 'POST') return notAllowed('GET, HEAD, POST')
    return authorized(owner =>
      method === 'GET' ? list(platform, owner, headers) : create(platform, owner, body, auth)
    )
  }
  const one = /^\/service_accounts\/([^/]+)$/.exec(path)
  if (one) {
    if (method !== 'GET' && method !== 'DELETE') return notAllowed('DELETE, GET, HEAD')
    return authorized(owner => {
      const key = decodeSegment(one[1])
      const account = platform.store.lookup(owner, key)
      if (!account) return text(404, `Service account ${key} not found`)
      if (method === 'GET') return { status: 200, headers: { 'content-type': JSON_TYPE }, body: recordJson(account) }
      // The server removes the role first (DELETE on the auth service) and the record only then.
      if (auth === 'error') throw authServiceFailed(userPath(account.role))
      platform.store.remove(account)
      return noContent
    })
  }
  const perms = /^\/users\/([^/]+)\/permissions$/.exec(path)
  if (perms) {
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') return notAllowed('DELETE, GET, HEAD, POST')
    return authorized(caller => permissions(platform.store, caller, method, decodeSegment(perms[1]), query, body))
  }
  return text(404, '404: Not Found')
}

/**
 * The caller's identity, an error answer for a malformed header (as neuro_auth_client answers),
 * or undefined (no or bad token, or one the auth service could not vouch for: neuro_auth_client's
 * policy turns its failure into "no user", which aiohttp-security's check_authorized answers 401).
 * @param {Platform} platform @param {Headers} headers @param {AuthTrouble} [auth]
 * @returns {string | Answer | undefined}
 */
function identify(platform, headers, auth) {
  const header = headers.authorization
  if (header === undefined) return undefined
  const space = header.indexOf(' ')
  if (space < 0) return json(400, { error: 'No credentials' })
  if (header.slice(0, space).toLowerCase() !== 'bearer') return json(400, { error: 'Unexpected authorization scheme' })
  const token = header.slice(space + 1)
  if (!token) return json(400, { error: 'No credentials' })
  if (auth === 'hiccup') return undefined
  return platform.tokens.verify(token)?.identity
}

/**
 * Discovery: OAuth settings for anyone, clusters and projects for a working token. No
 * `admin_url`: the SDK calls the admin API only when one is advertised, and there is none here.
 * A token not active yet (settings.newTokenDelayMs), or one the auth service could not vouch for
 * (platform-api's handle_config catches the 401), is as unknown here as everywhere else.
 * @param {Platform} platform @param {Headers} headers @param {AuthTrouble} [auth]
 */
function config(platform, headers, auth) {
  const caller = identify(platform, headers, auth)
  if (caller !== undefined && typeof caller !== 'string') return caller
  const { origin } = platform
  const oauth = {
    auth_url: `${origin}/oauth/authorize`,
    token_url: `${origin}/oauth/token`,
    logout_url: `${origin}/oauth/logout`,
    client_id: 'emulator',
    audience: origin,
    callback_urls: ['http://127.0.0.1:54540', 'http://127.0.0.1:54541', 'http://127.0.0.1:54542'],
    headless_callback_url: `${origin}/oauth/show-code`,
    success_redirect_url: `${origin}/oauth/success`
  }
  if (caller === undefined) return json(200, { authorized: false, ...oauth })
  return json(200, { authorized: true, ...oauth, ...visibleTo(platform, caller) })
}

/** The identity of a service account's token: its role, `<owner>/service-accounts/<name>`. */
const SERVICE_ACCOUNT_ROLE = /^[^/]+\/service-accounts\/[^/]+$/

/**
 * The clusters and projects /config lists to a caller: all of them, unless clustersNeedGrant is
 * on and the caller is a service account, which then sees only the clusters its role holds a
 * grant on (a URI `<scheme>://<cluster>/...`) and the projects on those clusters.
 * @param {Platform} platform @param {string} caller
 * @returns {{clusters: ClusterConfig[], projects: ProjectConfig[]}}
 */
function visibleTo(platform, caller) {
  const { clusters, projects } = platform
  if (!platform.settings.clustersNeedGrant || !SERVICE_ACCOUNT_ROLE.test(caller)) return { clusters, projects }
  const granted = new Set(platform.store.grants(caller).map(p => clusterOf(p.uri)))
  return {
    clusters: clusters.filter(c => granted.has(c.name)),
    projects: projects.filter(p => granted.has(p.cluster_name))
  }
}

/** The cluster a permission URI names: its authority, `storage://<cluster>/...`. @param {string} uri */
function clusterOf(uri) {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(uri)?.[1]
}

/**
 * The caller's accounts, streamed either way: a JSON array, or NDJSON when asked for.
 * @param {Platform} platform @param {string} owner @param {Headers} headers @returns {Answer}
 */
function list(platform, owner, headers) {
  const mine = platform.store.ownedBy(owner)
  const ndjson = String(headers.accept ?? '').includes('application/x-ndjson')
  return {
    status: 200,
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : JSON_TYPE },
    body: (function* () {
      if (ndjson) {
        for (const account of mine) yield `${recordJson(account)}\n`
        return
      }
      let separator = '['
      for (const account of mine) {
        yield `${separator}${recordJson(account)}`
        separator = ', '
      }
      yield separator === '[' ? '[]' : ']'
    })()
  }
}

/**
 * Validation as marshmallow reports it: declared fields in order, then unknown ones.
 * @param {Platform} platform @param {string} owner @param {string} raw @param {AuthTrouble} [auth]
 * @returns {Answer}
 */
function create(platform, owner, raw, auth) {
  const { body, error } = parseJson(raw)
  if (error) return json(400, { error })
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return json(400, { error: pyRepr({ _schema: ['Invalid input type.'] }) })
  }
  const fields = /** @type {Record<string, unknown>} */ (body)
  /** @type {Record<string, string[]>} */
  const problems = {}
  for (const [key, rule] of CREATE_FIELDS) {
    const value = fields[key]
    if (value === undefined) {
      if (rule === 'required') problems[key] = ['Missing data for required field.']
    } else if (value === null) {
      if (rule !== 'nullable') problems[key] = ['Field may not be null.']
    } else if (typeof value !== 'string') {
      problems[key] = ['Not a valid string.']
    } else if (key === 'name' && !NAME_PATTERN.test(value)) {
      problems[key] = ['Invalid service account name']
    }
  }
  for (const key of Object.keys(fields))
    if (!CREATE_FIELDS.some(([known]) => known === key)) problems[key] = ['Unknown field.']
  if (Object.keys(problems).length) return json(400, { error: pyRepr(problems) })

  const name = /** @type {string | null | undefined} */ (fields.name) ?? null
  if (name !== null && platform.store.hasName(owner, name)) {
    return json(409, { code: 'unique', description: 'Service Account with such name exists' })
  }
  const account = makeAccount(owner, name, {
    cluster: /** @type {string} */ (fields.default_cluster),
    project: /** @type {string} */ (fields.default_project),
    org: /** @type {string | undefined} */ (fields.default_org)
  })
  // The server stores the record, then makes the role and its token on the auth service; when
  // that fails it deletes the record again: nothing is left.
  if (auth === 'error') throw authServiceFailed(`${userPath(account.role)}/token`)
  // A delay makes the token fail, as an unknown one does, until it has passed (for ever: Infinity).
  const jwt = platform.tokens.issue(account.role, { activeAt: Date.now() + platform.settings.newTokenDelayMs })
  platform.store.add(account, platform.tokens.read(jwt)?.jti)
  const token = fullToken(jwt, platform.url, {
    cluster: account.default_cluster,
    project: account.default_project,
    org: account.default_org
  })
  return json(201, { ...account, token })
}

/**
 * What real clusters in /config carry, so the apolo SDK can parse it (`_server_cfg.py`,
 * `_parse_cluster_config`: every URL below and both resource lists are required keys).
 * @param {string} origin @param {string} name
 */
export function clusterDefaults(origin, name) {
  const base = `${origin}/clusters/${encodeURIComponent(name)}`
  return {
    name,
    orgs: /** @type {string[]} */ ([]),
    registry_url: registryUrl(name),
    storage_url: `${base}/storage`,
    users_url: `${origin}/api/v1/users`,
    monitoring_url: `${base}/jobs`,
    secrets_url: `${base}/secrets`,
    disks_url: `${base}/disk`,
    buckets_url: `${base}/buckets`,
    resource_pool_types: [
      { name: 'cpu', min_size: 0, max_size: 2, cpu: 2, memory: 8 * 2 ** 30, disk_size: 100 * 2 ** 30 }
    ],
    resource_presets: [
      { name: 'cpu-small', credits_per_hour: '0', cpu: 1, memory: 2 ** 30, resource_pool_names: ['cpu'] }
    ]
  }
}

/** The DNS domain of the registries the emulator advertises: `.test` is reserved (RFC 2606), never resolves. */
export const REGISTRY_DOMAIN = 'emulator.test'

/**
 * A cluster's registry as real clusters advertise theirs: an origin of its own, with no path
 * (the SDK puts `/v2/` there itself and parses image names by this host), here
 * `https://registry.<cluster as one DNS label>.emulator.test`. Nothing answers there: nothing
 * in the action or the CLI commands used against the emulator talks to a registry.
 * @param {string} cluster
 */
export function registryUrl(cluster) {
  const label =
    cluster
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 63)
      .replace(/^-+|-+$/g, '') || 'cluster'
  return `https://registry.${label}.${REGISTRY_DOMAIN}`
}

/** The auth service's path for a role (neuro_auth_client writes its `/` as `:`). @param {string} role */
function userPath(role) {
  return `/api/v1/users/${role.replaceAll('/', ':')}`
}

/**
 * What aiohttp's ClientResponseError says (`str()`, aiohttp 3.14) when the auth service answers
 * 503 with no JSON body: the server's 500 handler puts it after `Unexpected exception: `.
 * @param {string} path
 */
function authServiceFailed(path) {
  return new Error(`503, message=${pyRepr('Service Unavailable')}, url=${pyRepr(AUTH_SERVICE_URL + path)}`)
}

/** @param {string} segment */
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
