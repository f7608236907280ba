// A local emulator of the Apolo (Neu.ro) service accounts API, for tests, the demo and offline
// workflows. It speaks the platform's wire contract on loopback (see emulator/README.md), keeps
// everything in memory and misbehaves on demand. Node built-ins only: runs on a fresh clone.
import { createServer } from 'node:http'
import { control } from './control.js'
import { Faults } from './faults.js'
import { GITHUB_PATH, GitHub } from './github.js'
import { RateLimit, ownerOf } from './rate-limit.js'
import { json, listen, originOf, readBody, send, sleep, startSink, text } from './http.js'
import { clusterDefaults, route } from './routes.js'
import { Settings } from './settings.js'
import { StartGate } from './start-gate.js'
import { Store } from './store.js'
import { Throttle } from './throttle.js'
import { Tokens, fullToken, jwtOf } from './tokens.js'

export { FAULT_KINDS } from './faults.js'
export { AUTH_SERVICE_URL, NAME_PATTERN, REGISTRY_DOMAIN, registryUrl } from './routes.js'

/** @typedef {import('./store.js').Account} Account */
/** @typedef {import('./store.js').Permission} Permission */
/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./faults.js').FaultKind} FaultKind */
/** @typedef {import('./throttle.js').ThrottleOptions} ThrottleOptions */
/** @typedef {import('./rate-limit.js').RateLimitOptions} RateLimitOptions */
/** @typedef {import('./routes.js').ClusterConfig} ClusterConfig */
/** @typedef {import('./routes.js').ProjectConfig} ProjectConfig */
/** @typedef {{cluster?: string, project?: string, org?: string | null}} TokenContext */

/**
 * @typedef {object} LoggedRequest
 * @property {string} method
 * @property {string} path the full path, e.g. /api/v1/service_accounts
 * @property {string} query the search string, '' or starting with '?'
 * @property {import('node:http').IncomingHttpHeaders} headers lower-case names
 * @property {number} status 0 when no answer was sent (reset, hang)
 */

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
 * @property {ThrottleOptions} [throttle] 429 past this many API requests at once; off by default
 * @property {RateLimitOptions} [rateLimit] 429 past this many API requests a second per owner; off by default
 * @property {import('./start-gate.js').StartGateOptions} [startGate] API requests wait until this many
 *   have arrived, then go on spread over time (for herds run on one machine); none by default
 * @property {number | 'never'} [newTokenDelayMs] a new service account's token fails, as an unknown
 *   one does, for this long after create (Infinity or 'never': for ever); default 0
 * @property {boolean} [clustersNeedGrant] GET /config with a service account's token lists only the
 *   clusters its role holds a grant on, and their projects; default false
 * @property {number} [keepAliveMs] an idle connection is closed after this long; default 75000, as aiohttp
 */

/**
 * Starts the emulator and its redirect sink on loopback.
 * @param {EmulatorOptions} [options]
 */
export async function startEmulator(options = {}) {
  const host = options.host ?? '127.0.0.1'
  const serviceVersion = `platform-service-accounts-api/${options.serviceVersion ?? '0.0.0+emulator'}`
  const logRequests = options.logRequests ?? true
  const tokens = new Tokens()
  const store = new Store(jti => tokens.revoke(jti))
  const faults = new Faults()
  const throttle = new Throttle(options.throttle)
  const rateLimit = new RateLimit(options.rateLimit)
  const github = new GitHub()
  const startGate = options.startGate && new StartGate(options.startGate)
  let apiRequests = 0
  const settings = new Settings({
    newTokenDelayMs: options.newTokenDelayMs,
    clustersNeedGrant: options.clustersNeedGrant,
    keepAliveMs: options.keepAliveMs
  })
  /** @type {LoggedRequest[]} */
  const requests = []

  // The sink first: from the moment the server listens, its handler needs everything below.
  const sink = await startSink(host)
  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy())
  })
  server.keepAliveTimeout = settings.keepAliveMs
  try {
    await listen(server, options.port ?? 0, host)
  } catch (error) {
    await sink.close()
    throw error
  }
  const origin = originOf(server)
  const url = `${origin}/api/v1`
  const clusters = (options.clusters ?? [{ name: 'default', orgs: ['test-org'] }]).map(cluster => ({
    ...clusterDefaults(origin, cluster.name),
    ...cluster
  }))
  /** @type {ProjectConfig[]} */
  const projects =
    options.projects ??
    clusters
      .slice(0, 1)
      .map(c => ({ name: 'test-project', role: 'owner', cluster_name: c.name, org_name: c.orgs?.[0] ?? null }))
  const platform = { store, tokens, origin, url, clusters, projects, settings }

  /**
   * The owner whose bucket a request draws from; none for a request without a working token.
   * @param {import('node:http').IncomingHttpHeaders} headers
   */
  function ownerFor(headers) {
    const bearer = /^bearer (.+)$/i.exec(headers.authorization ?? '')
    const identity = bearer ? tokens.verify(bearer[1])?.identity : undefined
    return identity === undefined ? undefined : ownerOf(identity)
  }

  /**
   * Control requests go straight through; API requests pass the throttle, then the owner's rate
   * limit, then a fault if one matches, and are logged with the status they got.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   */
  async function serve(req, res) {
    const target = new URL(req.url ?? '/', 'http://emulator')
    const method = req.method ?? 'GET'
    res.setHeader('x-service-version', serviceVersion)
    const isControl = target.pathname.startsWith('/_emulator/')
    if (target.pathname.startsWith(`${GITHUB_PATH}/`)) return serveGitHub(req, res, target, method)
    if (startGate && !isControl) await startGate.pass()
    const admitted = isControl ? { holdMs: 0 } : throttle.enter(res)
    const raw = await readBody(req)
    if (isControl) return send(res, control(emulator, method, target.pathname, raw))
    apiRequests++

    /** @param {number} status */
    const log = status => {
      if (logRequests)
        requests.push({ method, path: target.pathname, query: target.search, headers: { ...req.headers }, status })
      options.log?.(`${method} ${target.pathname}${target.search} ${status || '(no answer)'}`)
    }
    const owner = ownerFor(req.headers)
    const refusal = 'refusal' in admitted ? admitted.refusal : owner === undefined ? undefined : rateLimit.take(owner)
    if (refusal) {
      log(refusal.status)
      return send(res, refusal)
    }
    const holdMs = 'holdMs' in admitted ? admitted.holdMs : 0
    if (holdMs) await sleep(holdMs)
    if (!target.pathname.startsWith('/api/v1/')) {
      log(404)
      return send(res, text(404, '404: Not Found'))
    }
    const path = target.pathname.slice('/api/v1'.length)
    /** @param {import('./routes.js').AuthTrouble} [auth] */
    const act = auth => {
      try {
        return route(platform, method, path, target.searchParams, req.headers, raw, auth)
      } catch (error) {
        const message = `Unexpected exception: ${/** @type {Error} */ (error).message}. Path with query: ${target.pathname}${target.search}.`
        return json(500, { error: message })
      }
    }
    const fault = faults.take(method, path)
    if (fault)
      return faults.spoil(fault, { res, act, log, redirectTo: `${sink.origin}${target.pathname}${target.search}` })
    const answer = act()
    log(answer.status)
    return send(res, answer)
  }

  /**
   * GitHub's API (github.js): past its own faults, never the platform's throttle, rate limit or gate.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {URL} target @param {string} method
   */
  async function serveGitHub(req, res, target, method) {
    await readBody(req)
    const path = target.pathname.slice(GITHUB_PATH.length)
    /** @param {number} status */
    const log = status => {
      github.requests.push({ method, path, headers: { ...req.headers }, status })
      options.log?.(`GitHub ${method} ${path} ${status || '(no answer)'}`)
    }
    const act = () => github.route(method, path, req.headers)
    const fault = github.faults.take(method, path)
    if (fault) return github.faults.spoil(fault, { res, act, log, redirectTo: `${sink.origin}${target.pathname}` })
    const answer = act()
    log(answer.status)
    return send(res, answer)
  }

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
    tokens: Object.fromEntries((options.users ?? ['alice']).map(user => [user, tokens.issue(user)])),
    /** Every API request served, oldest first. */
    get requests() {
      return requests
    },
    resetLog() {
      requests.length = 0
      github.requests.length = 0
    },
    /** GitHub's side (github.js): run attempts' statuses, its token, faults and request log. */
    github,
    /** The emulator's GITHUB_API_URL, `http://127.0.0.1:<port>/github`. */
    githubUrl: `${origin}${GITHUB_PATH}`,
    /** A JWT for a user. @param {string} user */
    issueToken: (/** @type {string} */ user) => tokens.issue(user),
    /**
     * A full token for a user, as create returns; context defaults to the first discovered project.
     * @param {string} user @param {TokenContext} [context]
     */
    fullTokenFor(user, context = {}) {
      const fallback = projects[0]
      return fullToken(tokens.issue(user), url, {
        cluster: context.cluster ?? fallback?.cluster_name ?? 'default',
        project: context.project ?? fallback?.name ?? 'test-project',
        org: context.org === undefined ? fallback?.org_name : context.org
      })
    },
    /** Makes a JWT (or the JWT in a full token) stop working, or never start to. @param {string} token */
    revoke(token) {
      const claims = tokens.read(jwtOf(token))
      if (claims) tokens.revoke(claims.jti)
    },
    /** Every account of every owner (copies, no tokens). @returns {Account[]} */
    accounts: () => Array.from(store.all(), a => ({ ...a })),
    /** @param {string} id @returns {Account | undefined} */
    account(id) {
      const account = store.get(id)
      return account && { ...account }
    },
    /** The grants a role holds. @param {string} role @returns {Permission[]} */
    grants: (/** @type {string} */ role) => store.grants(role).map(p => ({ ...p })),
    /**
     * Makes `count` accounts named `${namePrefix}${i}` at once (no tokens), e.g. old ones for prune.
     * @param {string} owner @param {number} count @param {import('./store.js').SeedFields} [fields]
     */
    seedAccounts: (
      /** @type {string} */ owner,
      /** @type {number} */ count,
      /** @type {import('./store.js').SeedFields} */ fields = {}
    ) => store.seed(owner, count, fields),
    /**
     * One account with any field values (the owner is the argument); an existing id is replaced
     * in place, keeping its token and grants.
     * @param {string} owner @param {Partial<Account>} fields @returns {Account}
     */
    seedAccount: (/** @type {string} */ owner, /** @type {Partial<Account>} */ fields) => ({
      ...store.seedOne(owner, fields)
    }),
    /** Makes matching requests misbehave; see FAULT_KINDS. @param {Fault} rule */
    addFault: (/** @type {Fault} */ rule) => faults.add(rule),
    /** Drops every fault and lets go of hung connections. */
    clearFaults: () => {
      faults.clear()
      github.faults.clear()
    },
    /** The throttle in force, or undefined. */
    get throttle() {
      return throttle.options
    },
    /** Turns the throttle on, changes it, or turns it off (undefined). @param {ThrottleOptions | undefined} options */
    setThrottle: (/** @type {ThrottleOptions | undefined} */ options) => throttle.set(options),
    /** The start gate's options, how many requests wait at it and when it opened; undefined: none. */
    get startGate() {
      return startGate?.state
    },
    /** The per-owner rate limit in force, or undefined. */
    get rateLimit() {
      return rateLimit.options
    },
    /**
     * Turns the per-owner rate limit on, changes it (every bucket starts full), or turns it off
     * (undefined). @param {RateLimitOptions | undefined} options
     */
    setRateLimit: (/** @type {RateLimitOptions | undefined} */ options) => rateLimit.set(options),
    /**
     * What the API has borne since start or resetLoad(), kept even with logRequests off: requests
     * received, in flight now and at most at once, and the 429s of the throttle and of the rate limit.
     */
    get load() {
      const { inFlight, peakInFlight, refused } = throttle.counts
      return { requests: apiRequests, inFlight, peakInFlight, throttled: refused, rateLimited: rateLimit.refused }
    },
    resetLoad() {
      apiRequests = 0
      throttle.resetCounts()
      rateLimit.resetCount()
    },
    /** How long a new service account's token fails after create, in ms; Infinity: for ever. */
    get newTokenDelayMs() {
      return settings.newTokenDelayMs
    },
    /**
     * For accounts created from now on (a token keeps the delay it was created with): a whole
     * number of ms >= 0, or Infinity / 'never'. @param {number | 'never'} ms
     */
    setNewTokenDelay: (/** @type {number | 'never'} */ ms) => settings.setNewTokenDelay(ms),
    /** Whether /config shows a service account only the clusters it holds a grant on. */
    get clustersNeedGrant() {
      return settings.clustersNeedGrant
    },
    /** @param {boolean} on */
    setClustersNeedGrant: (/** @type {boolean} */ on) => settings.setClustersNeedGrant(on),
    /** The settings as JSON has them (Infinity is "never"). */
    get settings() {
      return settings.toJSON()
    },
    /** Sets any of the settings at once, all or none. @param {{newTokenDelayMs?: number | 'never', clustersNeedGrant?: boolean, keepAliveMs?: number}} changes */
    updateSettings: (/** @type {Record<string, unknown>} */ changes) => {
      settings.update(changes)
      // Node reads it as each answer ends: connections idle from now on keep the new value.
      server.keepAliveTimeout = settings.keepAliveMs
    },
    /** Stops both servers, cutting every connection (hung ones too). */
    close() {
      closing ??= (async () => {
        startGate?.open()
        faults.clear()
        github.faults.clear()
        server.closeAllConnections()
        await Promise.all([new Promise(done => server.close(done)), sink.close()])
      })()
      return closing
    }
  }
  return emulator
}
