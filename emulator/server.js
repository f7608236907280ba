// A local emulator of the Apolo service accounts API (see ../README.md, "The emulator").
// It speaks the platform's wire contract on loopback, keeps everything in memory, and can
// misbehave on demand, for the tests, the demo and anyone trying workflows offline.
// Plain JavaScript on Node built-ins only, so it runs on a fresh clone with nothing installed.
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * @typedef {object} Account
 * @property {string} id
 * @property {string | null} name
 * @property {string} default_cluster
 * @property {string} default_project
 * @property {string | null} default_org
 * @property {string} role
 * @property {string} owner
 * @property {string} created_at
 * @property {boolean} role_deleted
 */

/** @typedef {{uri: string, action: string}} Permission */

/**
 * @typedef {object} Fault
 * @property {string} [method]
 * @property {string | RegExp} [path] matched against the path after /api/v1
 * @property {number} [times] how often it applies (default 1; Infinity allowed)
 * @property {'status' | 'status-after' | 'reset-before' | 'reset-after' | 'hang' | 'hang-after' | 'delay' | 'slow-body' | 'truncated' | 'malformed-json' | 'redirect'} kind
 * @property {number} [status]
 * @property {string} [body]
 * @property {Record<string, string>} [headers]
 * @property {number} [ms] for delay and slow-body
 * @property {string} [location] for redirect; default: the redirect sink
 */

/**
 * @typedef {object} LoggedRequest
 * @property {string} method
 * @property {string} path
 * @property {string} query
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {number} status
 */

/**
 * @typedef {object} EmulatorOptions
 * @property {number} [port]
 * @property {string} [host]
 * @property {string[]} [users]
 * @property {{name: string, orgs: string[]}[]} [clusters]
 * @property {{name: string, role: string, cluster_name: string, org_name: string | null}[]} [projects]
 * @property {string} [serviceVersion]
 * @property {boolean} [logRequests]
 */

/** The server's own name grammar. */
export const NAME_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/
const USER_CLAIM = 'https://platform.neuromation.io/user'
const CREATE_FIELDS = new Set(['name', 'default_cluster', 'default_project', 'default_org'])
const ACTIONS = new Set(['read', 'write', 'manage'])

/** @param {EmulatorOptions} [options] */
export async function startEmulator(options = {}) {
  const secret = randomBytes(32)
  const serviceVersion = `platform-service-accounts-api/${options.serviceVersion ?? '25.1.0-emulator'}`
  const clusters = options.clusters ?? [{ name: 'default', orgs: ['test-org'] }]
  const projects =
    options.projects ??
    (clusters.length ? [{ name: 'test-project', role: 'owner', cluster_name: clusters[0].name, org_name: clusters[0].orgs[0] ?? null }] : [])

  /** @type {Map<string, Account>} */
  const accounts = new Map()
  /** @type {Map<string, Map<string, Account>>} owner -> name -> account */
  const byOwnerName = new Map()
  /** @type {Map<string, Set<string>>} owner -> ids */
  const byOwner = new Map()
  /** @type {Map<string, string>} account id -> the jti of its token */
  const accountTokens = new Map()
  /** @type {Set<string>} */
  const revoked = new Set()
  /** @type {Map<string, Permission[]>} role -> grants */
  const grants = new Map()
  /** @type {(Fault & {left: number})[]} */
  let faults = []
  /** @type {LoggedRequest[]} */
  const requests = []
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set()
  /** @type {Set<import('node:net').Socket>} */
  const held = new Set()
  let logRequests = options.logRequests ?? true

  /** @param {string} identity */
  function issueToken(identity) {
    const encode = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ [USER_CLAIM]: identity, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })}`
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
  }

  /** @param {string} token @returns {{identity: string, jti: string} | undefined} */
  function verify(token) {
    const parts = token.split('.')
    if (parts.length !== 3) return undefined
    const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest('base64url')
    if (expected !== parts[2]) return undefined
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
      if (revoked.has(claims.jti)) return undefined
      return { identity: claims[USER_CLAIM], jti: claims.jti }
    } catch {
      return undefined
    }
  }

  /**
   * The full token: base64 of JSON written the way Python's json.dumps writes it.
   * @param {string} jwt @param {{cluster?: string, project?: string, org?: string | null}} context
   */
  function fullToken(jwt, context) {
    /** @type {[string, string][]} */
    const fields = [
      ['token', jwt],
      ['cluster', context.cluster ?? 'default'],
      ['url', url],
      ['project_name', context.project ?? 'test-project']
    ]
    if (context.org) fields.push(['org_name', context.org])
    const json = `{${fields.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`
    return Buffer.from(json, 'utf8').toString('base64')
  }

  /** @param {Date} date */
  function isoMicro(date) {
    const micro = String(Math.floor(Math.random() * 1000)).padStart(3, '0')
    return date.toISOString().replace('Z', '').replace(/(\.\d{3})$/, `$1${micro}`) + '+00:00'
  }

  /** @param {string} owner @param {Partial<Account>} fields @returns {Account} */
  function insert(owner, fields) {
    const name = fields.name ?? null
    /** @type {Account} */
    const account = {
      id: fields.id ?? `service-account-${randomUUID()}`,
      name,
      default_cluster: fields.default_cluster ?? 'default',
      default_project: fields.default_project ?? 'test-project',
      default_org: fields.default_org ?? null,
      role: fields.role ?? `${owner}/service-accounts/${name ?? randomBytes(8).toString('hex')}`,
      owner,
      created_at: fields.created_at ?? isoMicro(new Date()),
      role_deleted: false
    }
    remove(account.id)
    accounts.set(account.id, account)
    if (!byOwner.has(owner)) byOwner.set(owner, new Set())
    byOwner.get(owner)?.add(account.id)
    if (name !== null) {
      if (!byOwnerName.has(owner)) byOwnerName.set(owner, new Map())
      byOwnerName.get(owner)?.set(name, account)
    }
    return account
  }

  /** @param {string} id */
  function remove(id) {
    const account = accounts.get(id)
    if (!account) return
    accounts.delete(id)
    byOwner.get(account.owner)?.delete(id)
    if (account.name !== null) byOwnerName.get(account.owner)?.delete(account.name)
    const jti = accountTokens.get(id)
    if (jti) revoked.add(jti)
    accountTokens.delete(id)
    grants.delete(account.role)
  }

  /** Id first, then name, among the caller's accounts only. @param {string} owner @param {string} key */
  function lookup(owner, key) {
    const byId = accounts.get(key)
    if (byId && byId.owner === owner) return byId
    return byOwnerName.get(owner)?.get(key)
  }

  /** @param {string} method @param {string} path */
  function takeFault(method, path) {
    const fault = faults.find(
      f =>
        f.left > 0 &&
        (!f.method || f.method === method) &&
        (!f.path || (typeof f.path === 'string' ? f.path === path : f.path.test(path)))
    )
    if (fault) fault.left--
    return fault
  }

  /**
   * What one request does: a status, headers and a body. Side effects happen here.
   * @param {string} method @param {string} path @param {URLSearchParams} query
   * @param {import('node:http').IncomingHttpHeaders} headers @param {string} rawBody
   * @returns {{status: number, headers: Record<string, string>, body: string | (() => Generator<string>)}}
   */
  function handle(method, path, query, headers, rawBody) {
    const text = (/** @type {number} */ status, /** @type {string} */ body) => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body })
    const json = (/** @type {number} */ status, /** @type {unknown} */ value) => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) })
    const empty = (/** @type {number} */ status) => ({ status, headers: {}, body: '' })

    // The config is readable without a token, and says whether the token works.
    const auth = headers.authorization
    if (auth !== undefined && !/^Bearer \S+$/.test(auth)) return json(400, { error: 'Unexpected authorization scheme' })
    const caller = auth ? verify(auth.slice('Bearer '.length)) : undefined
    if (path === '/config' && method === 'GET') {
      const oauth = {
        auth_url: `${origin}/oauth/authorize`,
        token_url: `${origin}/oauth/token`,
        logout_url: `${origin}/oauth/logout`,
        client_id: 'emulator',
        audience: origin,
        headless_callback_url: `${origin}/oauth/show-code`,
        callback_urls: ['http://127.0.0.1:54540', 'http://127.0.0.1:54541'],
        admin_url: `${url}/admin`
      }
      if (!caller) return json(200, { authorized: false, ...oauth })
      return json(200, { authorized: true, ...oauth, clusters, projects })
    }
    if (!caller) return text(401, '401: Unauthorized')
    const owner = caller.identity

    if (path === '/service_accounts') {
      if (method === 'GET') {
        const ids = [...(byOwner.get(owner) ?? [])]
        if (String(headers.accept ?? '').includes('application/x-ndjson')) {
          return {
            status: 200,
            headers: { 'content-type': 'application/x-ndjson' },
            body: function* () {
              for (const id of ids) {
                const account = accounts.get(id)
                if (account) yield `${JSON.stringify(account)}\n`
              }
            }
          }
        }
        return json(200, ids.map(id => accounts.get(id)).filter(Boolean))
      }
      if (method === 'POST') {
        /** @type {unknown} */
        let body
        try {
          body = JSON.parse(rawBody)
        } catch {
          return json(400, { error: 'Invalid JSON' })
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return json(400, { error: "{'_schema': ['Invalid input type.']}" })
        const fields = /** @type {Record<string, unknown>} */ (body)
        /** @type {string[]} */
        const problems = []
        for (const key of Object.keys(fields)) if (!CREATE_FIELDS.has(key)) problems.push(`'${key}': ['Unknown field.']`)
        for (const key of ['default_cluster', 'default_project']) {
          if (fields[key] === undefined) problems.push(`'${key}': ['Missing data for required field.']`)
          else if (typeof fields[key] !== 'string') problems.push(`'${key}': ['Not a valid string.']`)
        }
        if (fields.default_org !== undefined && fields.default_org !== null && typeof fields.default_org !== 'string') {
          problems.push("'default_org': ['Not a valid string.']")
        }
        const name = fields.name
        if (name !== undefined && name !== null && (typeof name !== 'string' || !NAME_PATTERN.test(name))) {
          problems.push("'name': ['Invalid service account name']")
        }
        if (problems.length) return json(400, { error: `{${problems.join(', ')}}` })
        if (typeof name === 'string' && byOwnerName.get(owner)?.has(name)) {
          return json(409, { code: 'unique', description: 'Service Account with such name exists' })
        }
        const account = insert(owner, {
          name: typeof name === 'string' ? name : null,
          default_cluster: /** @type {string} */ (fields.default_cluster),
          default_project: /** @type {string} */ (fields.default_project),
          default_org: typeof fields.default_org === 'string' ? fields.default_org : null
        })
        const jwt = issueToken(account.role)
        const claims = verify(jwt)
        if (claims) accountTokens.set(account.id, claims.jti)
        const token = fullToken(jwt, { cluster: account.default_cluster, project: account.default_project, org: account.default_org })
        return json(201, { ...account, token })
      }
      return text(405, '405: Method Not Allowed')
    }

    const one = /^\/service_accounts\/([^/]+)$/.exec(path)
    if (one) {
      const key = decodeURIComponent(one[1])
      const account = lookup(owner, key)
      if (method !== 'GET' && method !== 'DELETE') return text(405, '405: Method Not Allowed')
      if (!account) return text(404, `Service account ${key} not found`)
      if (method === 'GET') return json(200, account)
      remove(account.id)
      return empty(204)
    }

    const perms = /^\/users\/([^/]+)\/permissions$/.exec(path)
    if (perms) {
      const role = decodeURIComponent(perms[1]).replaceAll(':', '/')
      const target = [...(byOwner.get(owner) ?? [])].map(id => accounts.get(id)).find(a => a?.role === role)
      if (!target) return text(404, `User ${decodeURIComponent(perms[1])} not found`)
      if (method === 'GET') return json(200, grants.get(role) ?? [])
      if (method === 'DELETE') {
        const uri = query.get('uri')
        if (!uri) return json(400, { error: 'uri is required' })
        grants.set(role, (grants.get(role) ?? []).filter(p => p.uri !== uri))
        return empty(204)
      }
      if (method !== 'POST') return text(405, '405: Method Not Allowed')
      /** @type {unknown} */
      let list
      try {
        list = JSON.parse(rawBody)
      } catch {
        return json(400, { error: 'Invalid JSON' })
      }
      if (!Array.isArray(list) || !list.length) return json(400, { error: 'Expected a non-empty list of permissions' })
      for (const item of list) {
        if (typeof item?.uri !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(item.uri)) return json(400, { error: `Invalid URI: ${String(item?.uri)}` })
        if (!ACTIONS.has(item.action)) return json(400, { error: `Invalid action: ${String(item.action)}` })
      }
      /** @type {Permission[]} */
      const granted = list.map(p => ({ uri: p.uri, action: p.action }))
      const kept = (grants.get(role) ?? []).filter(p => !granted.some(g => g.uri === p.uri))
      grants.set(role, [...kept, ...granted])
      return json(201, granted)
    }
    return text(404, 'Not Found')
  }

  /** The out-of-process control API under /_emulator/. @param {string} method @param {string} path @param {string} rawBody */
  function control(method, path, rawBody) {
    const json = (/** @type {number} */ status, /** @type {unknown} */ value) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) })
    /** @type {Record<string, any>} */
    let body = {}
    try {
      body = rawBody ? JSON.parse(rawBody) : {}
    } catch {
      return json(400, { error: 'Invalid JSON' })
    }
    if (path === '/_emulator/accounts' && method === 'GET') return json(200, emulator.accounts())
    if (path === '/_emulator/requests' && method === 'GET') return json(200, requests)
    if (path === '/_emulator/tokens' && method === 'POST') {
      const user = String(body.user ?? 'alice')
      return json(201, { token: issueToken(user), fullToken: emulator.fullTokenFor(user) })
    }
    if (path === '/_emulator/faults' && method === 'POST') {
      const rule = /** @type {Fault} */ (body)
      if (typeof rule.path === 'string' && rule.path.startsWith('^')) rule.path = new RegExp(rule.path)
      if (rule.times === null) rule.times = Infinity
      emulator.addFault(rule)
      return json(201, {})
    }
    if (path === '/_emulator/faults' && method === 'DELETE') {
      emulator.clearFaults()
      return { status: 204, headers: {}, body: '' }
    }
    if (path === '/_emulator/seed' && method === 'POST') {
      const count = Number(body.count ?? 1)
      emulator.seedAccounts(String(body.owner ?? 'alice'), count, { namePrefix: body.namePrefix, ageSeconds: body.ageSeconds })
      return json(201, { created: count })
    }
    return json(404, { error: 'Not Found' })
  }

  /**
   * Writes an answer, as a whole or (slow-body) in small pieces; generators stream with backpressure.
   * @param {import('node:http').ServerResponse} res
   * @param {{status: number, headers: Record<string, string>, body: string | (() => Generator<string>)}} answer
   * @param {Fault | undefined} fault
   */
  async function send(res, answer, fault) {
    res.setHeader('x-service-version', serviceVersion)
    if (typeof answer.body === 'function') {
      res.writeHead(answer.status, answer.headers)
      let chunk = ''
      for (const line of answer.body()) {
        chunk += line
        if (chunk.length < 64 * 1024) continue
        if (!res.write(chunk)) await new Promise(done => res.once('drain', done))
        chunk = ''
      }
      res.end(chunk)
      return
    }
    if (fault?.kind === 'slow-body') {
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) })
      for (let i = 0; i < answer.body.length && !res.destroyed; i += 8) {
        res.write(answer.body.slice(i, i + 8))
        await sleep(fault.ms ?? 100)
      }
      res.end()
      return
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) })
    res.end(answer.body)
  }

  const server = createServer(async (req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://emulator')
    /** @type {Buffer[]} */
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const method = req.method ?? 'GET'

    if (parsed.pathname.startsWith('/_emulator/')) {
      await send(res, control(method, parsed.pathname, rawBody), undefined)
      return
    }
    if (!parsed.pathname.startsWith('/api/v1/')) {
      await send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' }, undefined)
      return
    }
    const path = parsed.pathname.slice('/api/v1'.length)
    const fault = takeFault(method, path)
    /** @param {number} status */
    const log = status => {
      if (logRequests) requests.push({ method, path: parsed.pathname, query: parsed.search, headers: { ...req.headers }, status })
    }
    const act = () => handle(method, path, parsed.searchParams, req.headers, rawBody)
    const socket = req.socket

    switch (fault?.kind) {
      case 'reset-before':
        log(0)
        return socket.destroy()
      case 'reset-after':
        act()
        log(0)
        return socket.destroy()
      case 'hang':
        log(0)
        return void held.add(socket)
      case 'hang-after':
        act()
        log(0)
        return void held.add(socket)
      case 'status':
        log(fault.status ?? 503)
        return send(res, { status: fault.status ?? 503, headers: fault.headers ?? {}, body: fault.body ?? '' }, undefined)
      case 'status-after':
        act()
        log(fault.status ?? 502)
        return send(res, { status: fault.status ?? 502, headers: fault.headers ?? {}, body: fault.body ?? '' }, undefined)
      case 'redirect':
        log(fault.status ?? 307)
        return send(res, { status: fault.status ?? 307, headers: { location: fault.location ?? `${sink.origin}/api/v1${path}` }, body: '' }, undefined)
      case 'truncated': {
        const answer = act()
        log(answer.status)
        const body = typeof answer.body === 'string' ? answer.body : '{}'
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(body) + 100) })
        res.write(body.slice(0, Math.floor(body.length / 2)))
        return setTimeout(() => socket.destroy(), 20)
      }
      case 'malformed-json': {
        const answer = act()
        log(answer.status)
        return send(res, { status: answer.status, headers: { 'content-type': 'application/json' }, body: '{"id": "service-acc' }, undefined)
      }
      case 'delay':
        await sleep(fault.ms ?? 100)
        break
    }
    const answer = act()
    log(answer.status)
    await send(res, answer, fault)
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      held.delete(socket)
    })
  })
  server.keepAliveTimeout = 1000

  await new Promise(done => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => done(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const origin = `http://${host}:${address.port}`
  const url = `${origin}/api/v1`
  const sink = await startSink(options.host ?? '127.0.0.1')

  const emulator = {
    url,
    origin,
    port: address.port,
    sink,
    get requests() {
      return requests
    },
    get logRequests() {
      return logRequests
    },
    set logRequests(value) {
      logRequests = value
    },
    resetLog() {
      requests.length = 0
    },
    /** A JWT for a user. @param {string} user */
    issueToken: user => issueToken(user),
    /** A full token for a user. @param {string} user @param {{cluster?: string, project?: string, org?: string}} [context] */
    fullTokenFor: (user, context = {}) => fullToken(issueToken(user), context),
    /** Revokes a JWT, as the platform does when its account is removed. @param {string} token */
    revoke(token) {
      const claims = verify(token)
      if (claims) revoked.add(claims.jti)
    },
    /** Every account of every owner. @returns {Account[]} */
    accounts: () => [...accounts.values()].map(a => ({ ...a })),
    /** @param {string} id */
    account: id => {
      const account = accounts.get(id)
      return account ? { ...account } : undefined
    },
    /** @param {string} role */
    grants: role => [...(grants.get(role) ?? [])],
    /**
     * Makes accounts directly, e.g. old ones for prune.
     * @param {string} owner @param {number} count
     * @param {{namePrefix?: string, ageSeconds?: number, createdAt?: string, cluster?: string, project?: string, org?: string}} [fields]
     */
    seedAccounts(owner, count, fields = {}) {
      const created = fields.createdAt ?? isoMicro(new Date(Date.now() - (fields.ageSeconds ?? 0) * 1000))
      for (let i = 0; i < count; i++) {
        insert(owner, {
          name: `${fields.namePrefix ?? 'seeded-'}${i}`,
          created_at: created,
          default_cluster: fields.cluster,
          default_project: fields.project,
          default_org: fields.org ?? null
        })
      }
    },
    /** One account with any fields (an existing id is replaced). @param {string} owner @param {Partial<Account>} fields */
    seedAccount: (owner, fields) => insert(owner, fields),
    /** @param {Fault} rule */
    addFault(rule) {
      faults.push({ ...rule, left: rule.times ?? 1 })
    },
    clearFaults() {
      faults = []
      for (const socket of held) socket.destroy()
      held.clear()
    },
    async close() {
      faults = []
      for (const socket of sockets) socket.destroy()
      await new Promise(done => server.close(() => done(undefined)))
      await sink.close()
    }
  }
  return emulator
}

/**
 * Another origin to redirect to, recording what reaches it (an Authorization header here
 * would be a leaked credential).
 * @param {string} host
 */
async function startSink(host) {
  /** @type {{method: string, url: string, headers: Record<string, string | string[] | undefined>}[]} */
  const requests = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await new Promise(done => server.listen(0, host, () => done(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    origin: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    requests,
    close: () => {
      server.closeAllConnections()
      return new Promise(done => server.close(() => done(undefined)))
    }
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise(done => setTimeout(done, ms))
}
