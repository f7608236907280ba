// A local emulator of the Apolo (Neu.ro) service accounts API, for tests, the demo and offline
// workflows. It speaks the platform's wire contract on loopback (see emulator/README.md), keeps
// everything in memory and misbehaves on demand. Node built-ins only: runs on a fresh clone.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * @typedef {object} Account
 * @property {string | null} name
 * @property {string} default_cluster
 * @property {string} default_project
 * @property {string | null} default_org
 * @property {string} id
 * @property {string} role
 * @property {string} owner
 * @property {string} created_at
 * @property {boolean} role_deleted
 */

/** @typedef {{uri: string, action: 'read' | 'write' | 'manage'}} Permission */

/**
 * @typedef {'status' | 'status-after' | 'reset-before' | 'reset-after' | 'hang' | 'hang-after' |
 *   'delay' | 'slow-body' | 'truncated' | 'malformed-json' | 'redirect'} FaultKind
 */

/**
 * @typedef {object} Fault
 * @property {FaultKind} kind
 * @property {string} [method] any method when absent
 * @property {string | RegExp} [path] the path after /api/v1, e.g. '/service_accounts'; any when absent
 * @property {number} [times] how many requests it spoils (default 1; Infinity allowed)
 * @property {number} [status] for status, status-after (default 503, 502) and redirect (307)
 * @property {string} [body] for status and status-after
 * @property {Record<string, string>} [headers] for status and status-after
 * @property {number} [ms] for delay and slow-body (default 100)
 * @property {string} [location] for redirect (default: the same path on the sink)
 */

/**
 * @typedef {object} LoggedRequest
 * @property {string} method
 * @property {string} path the full path, e.g. /api/v1/service_accounts
 * @property {string} query the search string, '' or starting with '?'
 * @property {import('node:http').IncomingHttpHeaders} headers lower-case names
 * @property {number} status 0 when no answer was sent (reset, hang)
 */

/** @typedef {{name: string, orgs?: string[]} & Record<string, unknown>} ClusterConfig */
/** @typedef {{name: string, role: string, cluster_name: string, org_name: string | null}} ProjectConfig */

/**
 * @typedef {object} EmulatorOptions
 * @property {number} [port] default 0: a free port
 * @property {string} [host] default 127.0.0.1
 * @property {string[]} [users] users to issue tokens for at start (`emulator.tokens`); default ['alice']
 * @property {ClusterConfig[]} [clusters] discovery data; default one cluster `default` with org `test-org`
 * @property {ProjectConfig[]} [projects] default `test-project` on the first cluster and its first org
 * @property {string} [serviceVersion] for the X-Service-Version header
 * @property {boolean} [logRequests] keep `requests` (default true; off for scale runs)
 * @property {(line: string) => void} [log] called with one line per request served
 */

/** @typedef {{cluster?: string, project?: string, org?: string | null}} TokenContext */

/** @typedef {{status: number, headers: Record<string, string>, body: string | Iterable<string>}} Answer */

/** The server's name grammar (schema.py), anchored because the server uses fullmatch. */
export const NAME_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/
export const FAULT_KINDS = /** @type {readonly FaultKind[]} */ ([
  'status', 'status-after', 'reset-before', 'reset-after', 'hang', 'hang-after',
  'delay', 'slow-body', 'truncated', 'malformed-json', 'redirect'
])
const USER_CLAIM = 'https://platform.neuromation.io/user'
const ACTIONS = new Set(['read', 'write', 'manage'])
const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i
const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const CHUNK_BYTES = 64 * 1024

/**
 * Starts the emulator and its redirect sink on loopback.
 * @param {EmulatorOptions} [options]
 */
export async function startEmulator(options = {}) {
  const secret = randomBytes(32)
  const serviceVersion = `platform-service-accounts-api/${options.serviceVersion ?? '0.0.0+emulator'}`
  const logRequests = options.logRequests ?? true

  /** @type {Map<string, Account>} every account by id */
  const accounts = new Map()
  /** @type {Map<string, {ids: Map<string, Account>, names: Map<string, Account>}>} by owner */
  const owners = new Map()
  /** @type {Map<string, string>} account id -> the jti of the token create gave out */
  const accountTokens = new Map()
  /** @type {Set<string>} revoked jtis */
  const revoked = new Set()
  /** @type {Map<string, Permission[]>} role -> grants */
  const grants = new Map()
  /** @type {(Fault & {left: number})[]} */
  let faults = []
  /** @type {LoggedRequest[]} */
  const requests = []
  /** @type {Set<import('node:net').Socket>} sockets a hang fault holds open */
  const held = new Set()

  // --- tokens ---

  /** A signed JWT whose identity is a user name or a service account's role. @param {string} identity */
  function issueToken(identity) {
    const part = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const claims = { [USER_CLAIM]: identity, iat: Math.floor(Date.now() / 1000), jti: randomUUID() }
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
    return `${unsigned}.${sign(unsigned)}`
  }

  /** @param {string} unsigned */
  function sign(unsigned) {
    return createHmac('sha256', secret).update(unsigned).digest('base64url')
  }

  /** The claims of a token signed here (so its payload parses) and not revoked. @param {string} token */
  function verify(token) {
    const [header, payload, signature, extra] = token.split('.')
    if (signature === undefined || extra !== undefined) return undefined
    const expected = Buffer.from(sign(`${header}.${payload}`))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    /** @type {Record<string, unknown>} */
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const identity = claims[USER_CLAIM]
    const jti = String(claims.jti)
    if (typeof identity !== 'string' || !identity || revoked.has(jti)) return undefined
    return { identity, jti }
  }

  /**
   * The full token: standard base64 of the JSON Python's json.dumps writes (", " and ": ").
   * @param {string} jwt @param {TokenContext} context
   */
  function fullToken(jwt, context) {
    const fallback = projects[0]
    /** @type {Record<string, string>} */
    const fields = {
      token: jwt,
      cluster: context.cluster ?? fallback?.cluster_name ?? 'default',
      url,
      project_name: context.project ?? fallback?.name ?? 'test-project'
    }
    const org = context.org === undefined ? fallback?.org_name : context.org
    if (org) fields.org_name = org
    return Buffer.from(pyJson(fields), 'utf8').toString('base64')
  }

  // --- the store ---

  /** @param {string} owner */
  function ownerIndex(owner) {
    let index = owners.get(owner)
    if (!index) owners.set(owner, (index = { ids: new Map(), names: new Map() }))
    return index
  }

  /** @param {Account} account */
  function index(account) {
    accounts.set(account.id, account)
    const own = ownerIndex(account.owner)
    own.ids.set(account.id, account)
    if (account.name !== null) own.names.set(account.name, account)
  }

  /** @param {Account} account */
  function unindex(account) {
    accounts.delete(account.id)
    const own = owners.get(account.owner)
    own?.ids.delete(account.id)
    if (account.name !== null && own?.names.get(account.name) === account) own.names.delete(account.name)
  }

  /** Removal as the platform does it: the token stops working and the role's grants go. @param {Account} account */
  function remove(account) {
    unindex(account)
    const jti = accountTokens.get(account.id)
    if (jti) revoked.add(jti)
    accountTokens.delete(account.id)
    grants.delete(account.role)
  }

  /**
   * A new record, fields in the server's order.
   * @param {string} owner @param {string | null} name
   * @param {{cluster?: string, project?: string, org?: string | null, createdAt?: string}} fields
   * @returns {Account}
   */
  function makeAccount(owner, name, fields) {
    return {
      name,
      default_cluster: fields.cluster ?? 'default',
      default_project: fields.project ?? 'test-project',
      default_org: fields.org ?? null,
      // join() makes flat strings; a template literal makes a rope that V8 copies flat later,
      // which for 100,000 seeded accounts doubled the time of the first list.
      id: ['service-account-', randomUUID()].join(''),
      role: [owner, 'service-accounts', name ?? randomBytes(8).toString('hex')].join('/'),
      owner,
      created_at: fields.createdAt ?? pythonTime(new Date()),
      role_deleted: false
    }
  }

  /** The server's lookup: an id first (any owner's), then a name among the caller's. @param {string} owner @param {string} key */
  function lookup(owner, key) {
    const account = accounts.get(key) ?? owners.get(owner)?.names.get(key)
    return account?.owner === owner ? account : undefined
  }

  // --- the API ---

  /** @param {number} status @param {string} body @returns {Answer} */
  const text = (status, body) => ({ status, headers: { 'content-type': TEXT }, body })
  /** @param {number} status @param {unknown} value @returns {Answer} */
  const json = (status, value) => ({ status, headers: { 'content-type': JSON_TYPE }, body: pyJson(value) })
  /** @param {string} allow @returns {Answer} */
  const notAllowed = allow => ({ status: 405, headers: { 'content-type': TEXT, allow }, body: '405: Method Not Allowed' })
  /** @type {Answer} */
  const noContent = { status: 204, headers: {}, body: '' }

  /**
   * One API request: routing first (404, 405 need no token, as in aiohttp), then the token.
   * @param {string} method @param {string} path after /api/v1 @param {URLSearchParams} query
   * @param {import('node:http').IncomingHttpHeaders} headers @param {string} body
   * @returns {Answer}
   */
  function api(method, path, query, headers, body) {
    if (method === 'HEAD') method = 'GET'
    if (path === '/config') return method === 'GET' ? config(headers) : notAllowed('GET, HEAD')
    if (path === '/service_accounts') {
      if (method !== 'GET' && method !== 'POST') return notAllowed('GET, HEAD, POST')
      return authorized(headers, owner => (method === 'GET' ? list(owner, headers) : create(owner, body)))
    }
    const one = /^\/service_accounts\/([^/]+)$/.exec(path)
    if (one) {
      if (method !== 'GET' && method !== 'DELETE') return notAllowed('DELETE, GET, HEAD')
      return authorized(headers, owner => {
        const key = decodeSegment(one[1])
        const account = lookup(owner, key)
        if (!account) return text(404, `Service account ${key} not found`)
        if (method === 'GET') return { status: 200, headers: { 'content-type': JSON_TYPE }, body: recordJson(account) }
        remove(account)
        return noContent
      })
    }
    const perms = /^\/users\/([^/]+)\/permissions$/.exec(path)
    if (perms) {
      if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') return notAllowed('DELETE, GET, HEAD, POST')
      return authorized(headers, owner => permissions(owner, method, decodeSegment(perms[1]), query, body))
    }
    return text(404, '404: Not Found')
  }

  /**
   * Runs `then` for the caller the bearer names, or answers as neuro_auth_client does.
   * @param {import('node:http').IncomingHttpHeaders} headers @param {(owner: string) => Answer} then
   */
  function authorized(headers, then) {
    const caller = identify(headers)
    if (typeof caller !== 'string') return caller ?? text(401, '401: Unauthorized')
    return then(caller)
  }

  /**
   * The caller's identity, an error answer for a malformed header, or undefined (no or bad token).
   * @param {import('node:http').IncomingHttpHeaders} headers @returns {string | Answer | undefined}
   */
  function identify(headers) {
    const header = headers.authorization
    if (header === undefined) return undefined
    const space = header.indexOf(' ')
    if (space < 0) return json(400, { error: 'No credentials' })
    if (header.slice(0, space).toLowerCase() !== 'bearer') return json(400, { error: 'Unexpected authorization scheme' })
    const token = header.slice(space + 1)
    if (!token) return json(400, { error: 'No credentials' })
    return verify(token)?.identity
  }

  /** @param {import('node:http').IncomingHttpHeaders} headers */
  function config(headers) {
    const caller = identify(headers)
    if (caller !== undefined && typeof caller !== 'string') return caller
    const oauth = {
      auth_url: `${origin}/oauth/authorize`,
      token_url: `${origin}/oauth/token`,
      logout_url: `${origin}/oauth/logout`,
      client_id: 'emulator',
      audience: origin,
      callback_urls: ['http://127.0.0.1:54540', 'http://127.0.0.1:54541', 'http://127.0.0.1:54542'],
      headless_callback_url: `${origin}/oauth/show-code`,
      success_redirect_url: `${origin}/oauth/success`,
      admin_url: `${origin}/apis/admin/v1`
    }
    if (caller === undefined) return json(200, { authorized: false, ...oauth })
    return json(200, { authorized: true, ...oauth, clusters, projects })
  }

  /**
   * The caller's accounts, streamed either way: a JSON array, or NDJSON when asked for.
   * @param {string} owner @param {import('node:http').IncomingHttpHeaders} headers @returns {Answer}
   */
  function list(owner, headers) {
    const mine = owners.get(owner)?.ids ?? new Map()
    const ndjson = String(headers.accept ?? '').includes('application/x-ndjson')
    return {
      status: 200,
      headers: { 'content-type': ndjson ? 'application/x-ndjson' : JSON_TYPE },
      body: (function* () {
        if (ndjson) {
          for (const account of mine.values()) yield `${recordJson(account)}\n`
          return
        }
        let separator = '['
        for (const account of mine.values()) {
          yield `${separator}${recordJson(account)}`
          separator = ', '
        }
        yield separator === '[' ? '[]' : ']'
      })()
    }
  }

  /** Validation as marshmallow reports it: declared fields in order, then unknown ones. @param {string} owner @param {string} raw */
  function create(owner, raw) {
    const { body, error } = parseJson(raw)
    if (error) return json(400, { error })
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return json(400, { error: pyRepr({ _schema: ['Invalid input type.'] }) })
    }
    const fields = /** @type {Record<string, unknown>} */ (body)
    /** @type {Record<string, string[]>} */
    const problems = {}
    const rules = /** @type {const} */ ([
      ['name', 'nullable'],
      ['default_cluster', 'required'],
      ['default_project', 'required'],
      ['default_org', 'optional']
    ])
    for (const [key, rule] of rules) {
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
    for (const key of Object.keys(fields)) if (!rules.some(([known]) => known === key)) problems[key] = ['Unknown field.']
    if (Object.keys(problems).length) return json(400, { error: pyRepr(problems) })

    const name = /** @type {string | null | undefined} */ (fields.name) ?? null
    if (name !== null && owners.get(owner)?.names.has(name)) {
      return json(409, { code: 'unique', description: 'Service Account with such name exists' })
    }
    const account = makeAccount(owner, name, {
      cluster: /** @type {string} */ (fields.default_cluster),
      project: /** @type {string} */ (fields.default_project),
      org: /** @type {string | undefined} */ (fields.default_org)
    })
    index(account)
    const jwt = issueToken(account.role)
    accountTokens.set(account.id, /** @type {{jti: string}} */ (verify(jwt)).jti)
    const token = fullToken(jwt, { cluster: account.default_cluster, project: account.default_project, org: account.default_org })
    return json(201, { ...account, token })
  }

  /**
   * Grants on a service account role; a user may only touch their own accounts' roles.
   * @param {string} owner @param {string} method @param {string} name the role with ':' for '/'
   * @param {URLSearchParams} query @param {string} raw
   * @returns {Answer}
   */
  function permissions(owner, method, name, query, raw) {
    const role = name.replaceAll(':', '/')
    // A scan is fine: grants are rare, and it spares every account a fourth index entry.
    const mine = owners.get(owner)?.ids.values() ?? []
    if (!Array.from(mine).some(account => account.role === role)) return text(404, `User ${name} not found`)
    const current = grants.get(role) ?? []
    if (method === 'GET') return json(200, current)
    if (method === 'DELETE') {
      const uri = query.get('uri')
      if (!uri) return json(400, { error: 'uri is required' })
      grants.set(role, current.filter(p => p.uri !== uri))
      return noContent
    }
    const { body, error } = parseJson(raw)
    if (error) return json(400, { error })
    if (!Array.isArray(body) || !body.length) return json(400, { error: 'Expected a non-empty list of permissions' })
    /** @type {Permission[]} */
    const granted = []
    for (const item of body) {
      const uri = item?.uri
      const action = item?.action
      if (typeof uri !== 'string' || !URI_PATTERN.test(uri)) return json(400, { error: `Invalid URI: ${pyRepr(uri ?? null)}` })
      if (!ACTIONS.has(action)) return json(400, { error: `Invalid action: ${pyRepr(action ?? null)}` })
      granted.push({ uri, action })
    }
    grants.set(role, [...current.filter(p => !granted.some(g => g.uri === p.uri)), ...granted])
    return json(201, granted)
  }

  // --- the control API, for other processes ---

  /** @param {string} method @param {string} path @param {string} raw @returns {Answer} */
  function control(method, path, raw) {
    /** @param {number} status @param {unknown} value @returns {Answer} */
    const reply = (status, value) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) })
    /** @type {Record<string, any>} */
    let body
    try {
      body = raw ? JSON.parse(raw) : {}
    } catch (error) {
      return reply(400, { error: /** @type {Error} */ (error).message })
    }
    try {
      if (method === 'GET' && path === '/_emulator/accounts') return reply(200, emulator.accounts())
      if (method === 'GET' && path === '/_emulator/requests') return reply(200, requests)
      if (method === 'POST' && path === '/_emulator/tokens') {
        const user = String(body.user ?? 'alice')
        return reply(200, { token: issueToken(user), fullToken: emulator.fullTokenFor(user, body.context ?? {}) })
      }
      if (method === 'POST' && path === '/_emulator/faults') {
        // JSON has no RegExp and no Infinity: '^...' is a pattern, null or "Infinity" means forever.
        const pattern = typeof body.path === 'string' && body.path.startsWith('^') ? new RegExp(body.path) : body.path
        const times = body.times === null || body.times === 'Infinity' ? Infinity : body.times
        emulator.addFault({ ...body, path: pattern, times, kind: body.kind })
        return reply(201, {})
      }
      if (method === 'DELETE' && path === '/_emulator/faults') {
        emulator.clearFaults()
        return noContent
      }
      if (method === 'POST' && path === '/_emulator/seed') {
        const count = Number(body.count ?? 1)
        const { owner = 'alice', namePrefix, ageSeconds, createdAt, cluster, project, org } = body
        emulator.seedAccounts(String(owner), count, { namePrefix, ageSeconds, createdAt, cluster, project, org })
        return reply(201, { created: count })
      }
      if (method === 'DELETE' && path === '/_emulator/requests') {
        emulator.resetLog()
        return noContent
      }
    } catch (error) {
      return reply(400, { error: /** @type {Error} */ (error).message })
    }
    return reply(404, { error: 'Not Found' })
  }

  // --- faults ---

  /** The first rule that matches and has uses left, used up by one. @param {string} method @param {string} path */
  function takeFault(method, path) {
    const fault = faults.find(
      f =>
        f.left > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path)))
    )
    if (fault) fault.left--
    return fault
  }

  /** @param {import('node:net').Socket} socket */
  function hold(socket) {
    held.add(socket)
    socket.once('close', () => held.delete(socket))
  }

  // --- HTTP ---

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function serve(req, res) {
    const target = new URL(req.url ?? '/', 'http://emulator')
    const method = req.method ?? 'GET'
    /** @type {Buffer[]} */
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const raw = Buffer.concat(chunks).toString('utf8')

    if (target.pathname.startsWith('/_emulator/')) return send(res, control(method, target.pathname, raw))
    /** @param {number} status */
    const log = status => {
      if (logRequests) requests.push({ method, path: target.pathname, query: target.search, headers: { ...req.headers }, status })
      options.log?.(`${method} ${target.pathname}${target.search} ${status || '(no answer)'}`)
    }
    if (!target.pathname.startsWith('/api/v1/')) {
      log(404)
      return send(res, text(404, '404: Not Found'))
    }
    const path = target.pathname.slice('/api/v1'.length)
    const fault = takeFault(method, path)
    /** @returns {Answer} */
    const act = () => {
      try {
        return api(method, path, target.searchParams, req.headers, raw)
      } catch (error) {
        const message = `Unexpected exception: ${/** @type {Error} */ (error).message}. Path with query: ${target.pathname}${target.search}.`
        return json(500, { error: message })
      }
    }
    const socket = req.socket

    switch (fault?.kind) {
      case 'status':
      case 'status-after': {
        if (fault.kind === 'status-after') act()
        const status = fault.status ?? (fault.kind === 'status' ? 503 : 502)
        log(status)
        return send(res, { status, headers: fault.headers ?? {}, body: fault.body ?? '' })
      }
      case 'reset-before':
      case 'reset-after':
        if (fault.kind === 'reset-after') act()
        log(0)
        return void socket.destroy()
      case 'hang':
      case 'hang-after':
        if (fault.kind === 'hang-after') act()
        log(0)
        return hold(socket)
      case 'redirect': {
        const status = fault.status ?? 307
        log(status)
        const location = fault.location ?? `${sink.origin}${target.pathname}${target.search}`
        return send(res, { status, headers: { location }, body: '' })
      }
      case 'truncated': {
        const answer = act()
        log(answer.status)
        const body = Buffer.from(materialize(answer.body))
        res.writeHead(answer.status, { ...answer.headers, 'x-service-version': serviceVersion, 'content-length': body.length + 64 })
        res.flushHeaders()
        if (body.length) res.write(body.subarray(0, body.length >> 1))
        return void socket.end()
      }
      case 'malformed-json': {
        const answer = act()
        log(answer.status)
        return send(res, { status: answer.status, headers: { 'content-type': 'application/json' }, body: '{"id": "service-acc' })
      }
      case 'delay':
        await sleep(fault.ms ?? 100)
        break
    }
    const answer = act()
    log(answer.status)
    return fault?.kind === 'slow-body' ? drip(res, answer, fault.ms ?? 100) : send(res, answer)
  }

  /** Writes an answer; an iterable body streams in chunks, waiting for 'drain'. @param {import('node:http').ServerResponse} res @param {Answer} answer */
  async function send(res, answer) {
    /** @type {Record<string, string>} */
    const headers = { ...answer.headers, 'x-service-version': serviceVersion }
    if (typeof answer.body === 'string') {
      if (answer.status !== 204) headers['content-length'] = String(Buffer.byteLength(answer.body))
      res.writeHead(answer.status, headers)
      return void res.end(answer.body)
    }
    res.writeHead(answer.status, headers)
    let chunk = ''
    for (const piece of answer.body) {
      chunk += piece
      if (chunk.length < CHUNK_BYTES) continue
      if (!res.write(chunk)) await drained(res)
      if (res.destroyed) return
      chunk = ''
    }
    res.end(chunk)
  }

  /** The slow-body fault: headers now, then 8 bytes every `ms`. @param {import('node:http').ServerResponse} res @param {Answer} answer @param {number} ms */
  async function drip(res, answer, ms) {
    const body = Buffer.from(materialize(answer.body))
    res.writeHead(answer.status, { ...answer.headers, 'x-service-version': serviceVersion, 'content-length': body.length })
    res.flushHeaders()
    for (let i = 0; i < body.length && !res.destroyed; i += 8) {
      await sleep(ms)
      res.write(body.subarray(i, i + 8))
    }
    res.end()
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy())
  })
  server.keepAliveTimeout = 1000
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1')
  const origin = originOf(server)
  const url = `${origin}/api/v1`
  const sink = await startSink(options.host ?? '127.0.0.1')

  const clusters = (options.clusters ?? [{ name: 'default', orgs: ['test-org'] }]).map(cluster => ({
    ...clusterDefaults(origin, cluster.name),
    ...cluster
  }))
  /** @type {ProjectConfig[]} */
  const projects =
    options.projects ??
    clusters.slice(0, 1).map(c => ({ name: 'test-project', role: 'owner', cluster_name: c.name, org_name: c.orgs?.[0] ?? null }))

  /** @type {Promise<void> | undefined} */
  let closing
  const emulator = {
    /** The API URL, `http://127.0.0.1:<port>/api/v1`. */
    url,
    origin,
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
    /** Another origin that redirects point to; it records what reaches it (a leaked Authorization header, say). */
    sink,
    /** A JWT for each of `options.users`. */
    tokens: Object.fromEntries((options.users ?? ['alice']).map(user => [user, issueToken(user)])),
    /** Every API request served, oldest first. */
    get requests() {
      return requests
    },
    resetLog() {
      requests.length = 0
    },
    /** A JWT for a user. @param {string} user */
    issueToken: (/** @type {string} */ user) => issueToken(user),
    /** A full token for a user, as create returns; context defaults to the first discovered project. @param {string} user @param {TokenContext} [context] */
    fullTokenFor: (/** @type {string} */ user, /** @type {TokenContext} */ context = {}) => fullToken(issueToken(user), context),
    /** Makes a JWT (or the JWT in a full token) stop working. @param {string} token */
    revoke(token) {
      const jwt = token.startsWith('eyJ0b2tlbi') ? JSON.parse(Buffer.from(token, 'base64').toString('utf8')).token : token
      const claims = verify(jwt)
      if (claims) revoked.add(claims.jti)
    },
    /** Every account of every owner (copies, no tokens). @returns {Account[]} */
    accounts: () => Array.from(accounts.values(), a => ({ ...a })),
    /** @param {string} id @returns {Account | undefined} */
    account(id) {
      const account = accounts.get(id)
      return account && { ...account }
    },
    /** The grants a role holds. @param {string} role @returns {Permission[]} */
    grants: (/** @type {string} */ role) => (grants.get(role) ?? []).map(p => ({ ...p })),
    /**
     * Makes `count` accounts named `${namePrefix}${i}` at once (no tokens), e.g. old ones for prune.
     * @param {string} owner @param {number} count
     * @param {{namePrefix?: string, createdAt?: string, ageSeconds?: number, cluster?: string, project?: string, org?: string | null}} [fields]
     */
    seedAccounts(owner, count, fields = {}) {
      if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a whole number, not ${count}`)
      const prefix = fields.namePrefix ?? 'seeded-'
      const names = ownerIndex(owner).names
      for (let i = 0; i < count && names.size; i++) {
        if (names.has(`${prefix}${i}`)) throw new Error(`${owner} already has an account named ${prefix}${i}`)
      }
      const createdAt = fields.createdAt ?? pythonTime(new Date(Date.now() - (fields.ageSeconds ?? 0) * 1000))
      const shared = { cluster: fields.cluster, project: fields.project, org: fields.org, createdAt }
      for (let i = 0; i < count; i++) index(makeAccount(owner, [prefix, i].join(''), shared))
    },
    /**
     * One account with any field values (the owner is the argument); an existing id is replaced
     * in place, keeping its token and grants.
     * @param {string} owner @param {Partial<Account>} fields @returns {Account}
     */
    seedAccount(owner, fields) {
      const fresh = makeAccount(owner, fields.name ?? null, {
        cluster: fields.default_cluster,
        project: fields.default_project,
        org: fields.default_org,
        createdAt: fields.created_at
      })
      // Only the record's own keys, always all of them: recordJson relies on the shape.
      const account = { ...fresh, id: fields.id ?? fresh.id, role: fields.role ?? fresh.role, role_deleted: fields.role_deleted ?? false }
      const previous = accounts.get(account.id)
      const clash = account.name !== null ? owners.get(owner)?.names.get(account.name) : undefined
      if (clash && clash !== previous) throw new Error(`${owner} already has an account named ${account.name}`)
      if (previous) {
        unindex(previous)
        if (previous.role !== account.role) grants.delete(previous.role)
      }
      index(account)
      return { ...account }
    },
    /** Makes matching requests misbehave; see FAULT_KINDS. @param {Fault} rule */
    addFault(rule) {
      if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`Unknown fault kind: ${rule.kind}`)
      faults.push({ ...rule, left: rule.times ?? 1 })
    },
    /** Drops every fault and lets go of hung connections. */
    clearFaults() {
      faults = []
      for (const socket of held) socket.destroy()
    },
    /** Stops both servers, cutting every connection (hung ones too). */
    close() {
      closing ??= (async () => {
        faults = []
        server.closeAllConnections()
        await Promise.all([new Promise(done => server.close(done)), sink.close()])
      })()
      return closing
    }
  }
  return emulator
}

/** What real clusters in /config carry, so the apolo SDK can parse it. @param {string} origin @param {string} name */
function clusterDefaults(origin, name) {
  const base = `${origin}/clusters/${encodeURIComponent(name)}`
  return {
    name,
    orgs: /** @type {string[]} */ ([]),
    registry_url: `${base}/registry`,
    storage_url: `${base}/storage`,
    users_url: `${origin}/api/v1/users`,
    monitoring_url: `${base}/jobs`,
    secrets_url: `${base}/secrets`,
    disks_url: `${base}/disk`,
    buckets_url: `${base}/buckets`,
    resource_pool_types: [{ name: 'cpu', min_size: 0, max_size: 2, cpu: 2, memory: 8 * 2 ** 30, disk_size: 100 * 2 ** 30 }],
    resource_presets: [{ name: 'cpu-small', credits_per_hour: '0', cpu: 1, memory: 2 ** 30, resource_pool_names: ['cpu'] }]
  }
}

/**
 * A second origin to redirect to, recording every request (and answering 200 `{}`).
 * @param {string} host
 */
async function startSink(host) {
  /** @type {{method: string, url: string, headers: import('node:http').IncomingHttpHeaders}[]} */
  const requests = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } })
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await listen(server, 0, host)
  return {
    origin: originOf(server),
    requests,
    /** @returns {Promise<void>} */
    close() {
      server.closeAllConnections()
      return new Promise(done => server.close(() => done()))
    }
  }
}

/** @param {import('node:http').Server} server @param {number} port @param {string} host */
function listen(server, port, host) {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => done(undefined))
  })
}

/** The origin a listening server is reached at; a wildcard address is reached on loopback. @param {import('node:http').Server} server */
function originOf(server) {
  const { address, port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address
  return `http://${host}:${port}`
}

/** @param {string} segment */
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * A request body as JSON, or the error the server's json.loads would report for the usual case.
 * @param {string} raw @returns {{body?: unknown, error?: string}}
 */
function parseJson(raw) {
  if (!raw.trim()) return { error: 'Expecting value: line 1 column 1 (char 0)' }
  try {
    return { body: JSON.parse(raw) }
  } catch (error) {
    return { error: /** @type {Error} */ (error).message }
  }
}

/** @param {string | Iterable<string>} body */
function materialize(body) {
  return typeof body === 'string' ? body : Array.from(body).join('')
}

/** Resolves when the response can take more, or is gone. @param {import('node:http').ServerResponse} res */
function drained(res) {
  return new Promise(resolve => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve(undefined)
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/** An unref'd timer, so a pending delay never keeps a closed emulator's process alive. @param {number} ms */
function sleep(ms) {
  return new Promise(done => setTimeout(done, ms).unref())
}

/**
 * A time as Python's datetime.isoformat writes an aware UTC one: microseconds (dropped when
 * zero) and +00:00. Date has milliseconds only; the other three digits are made up.
 * @param {Date} date
 */
function pythonTime(date) {
  const micros = date.getUTCMilliseconds() * 1000 + Math.floor(Math.random() * 1000)
  const fraction = micros ? `.${String(micros).padStart(6, '0')}` : ''
  return `${date.toISOString().slice(0, 19)}${fraction}+00:00`
}

/**
 * JSON as Python's json.dumps writes it: ", " and ": " separators, non-ASCII as \uXXXX.
 * @param {unknown} value @returns {string}
 */
function pyJson(value) {
  return ascii(dumps(value))
}

/** @param {unknown} value @returns {string} */
function dumps(value) {
  if (Array.isArray(value)) return `[${value.map(dumps).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    let out = ''
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out += `${out ? ', ' : ''}${JSON.stringify(key)}: ${dumps(item)}`
    return `{${out}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * pyJson for one record. The keys are fixed (seedAccount keeps the shape), so this skips the
 * generic walk: listing 100,000 accounts costs about what JSON.stringify would.
 * @param {Account} a
 */
function recordJson(a) {
  const s = JSON.stringify
  return ascii(
    `{"name": ${s(a.name)}, "default_cluster": ${s(a.default_cluster)}, "default_project": ${s(a.default_project)}, ` +
      `"default_org": ${s(a.default_org)}, "id": ${s(a.id)}, "role": ${s(a.role)}, "owner": ${s(a.owner)}, ` +
      `"created_at": ${s(a.created_at)}, "role_deleted": ${s(a.role_deleted)}}`
  )
}

/** json.dumps's ensure_ascii. @param {string} json */
function ascii(json) {
  return /[^\0-\x7f]/.test(json) ? json.replace(/[\u0080-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json
}

/**
 * Python's repr of strings, lists and dicts, for the 400 bodies the server builds with str().
 * @param {unknown} value @returns {string}
 */
function pyRepr(value) {
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
    let out = ''
    for (const ch of value) {
      const code = /** @type {number} */ (ch.codePointAt(0))
      if (ch === '\\' || ch === quote) out += `\\${ch}`
      else if (ch === '\n') out += '\\n'
      else if (ch === '\r') out += '\\r'
      else if (ch === '\t') out += '\\t'
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`
      else out += ch
    }
    return `${quote}${out}${quote}`
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`
  }
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return String(value)
}
