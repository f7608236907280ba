export const id = 8;
export const ids = [8];
export const modules = {

/***/ 9174:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  S: () => (/* binding */ createDispatcher),
  w: () => (/* binding */ sendRequest)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./src/platform/loopback.ts
var loopback = __webpack_require__(2482);
;// CONCATENATED MODULE: ./src/platform/proxy.ts

/** Makes dispatchers that send requests for the API through `proxy`, but where NO_PROXY says. */
function proxyDispatchers(proxy, { tls, headersTimeout, bodyTimeout, maxHeaderSize, connections, pipelining }, env) {
    const where = proxyHost(proxy);
    const limits = { headersTimeout, bodyTimeout, maxHeaderSize, connections, pipelining };
    return () => {
        const sockets = new Set();
        const dispatcher = new undici.EnvHttpProxyAgent({
            // The API is https (plain http only on loopback, which never goes through a proxy).
            httpProxy: proxy.url,
            httpsProxy: proxy.url,
            // Stryker disable next-line StringLiteral: any string stops undici reading process.env, and names no API host
            noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
            connect: tls,
            proxyTls: tls,
            requestTls: tls,
            ...limits,
            // Without this the proxy's client gets only a connector: a CONNECT it never answers waits 300 s.
            clientFactory: (url, options) => new undici.Pool(url, { ...options, ...limits, connect: kept(options.connect, sockets) }),
            // A function `connect` is the proxy agent's tunnel; the direct agent's is an options object.
            factory: (origin, options) => new undici.Pool(origin, {
                ...options,
                connect: typeof options.connect === 'function' ? oneTryTunnel(options.connect, where, tls.timeout) : options.connect
            })
        });
        return { dispatcher, sockets };
    };
}
/**
 * The connector, keeping each socket to the proxy in `sockets` while it is open: undici
 * forgets a tunnel's socket once the CONNECT is answered, and destroying the dispatcher
 * would leave one whose TLS stalls.
 */
function kept(connect, sockets) {
    return (options, callback) => connect(options, (...result) => {
        const socket = result[1];
        if (socket)
            sockets.add(socket.once('close', () => sockets.delete(socket)));
        callback(...result);
    });
}
/** A tunnel the proxy failed, named for what happened. */
class ProxyTunnelError extends Error {
    code;
    constructor(code, message, cause) {
        super(message, { cause });
        this.code = code;
        this.name = 'ProxyTunnelError';
    }
}
/**
 * undici's client takes a socket error while connecting (UND_ERR_SOCKET) for one that will
 * pass and connects again at once, without end: a proxy that closes every CONNECT made
 * thousands of tunnels a second, and the request never failed. Through this connector such
 * a failure fails the request, and the client's retry loop counts it and backs off.
 *
 * Every failure here is before the connector handed over a socket, so not one byte of the
 * request (its bearer included) was written: the proxy saw only `CONNECT host:443`. That is
 * why these failures count as "not sent" (retry.ts), which lets a create repeat.
 */
function oneTryTunnel(tunnel, proxy, timeoutMs) {
    return (options, callback) => {
        // The proxy agent hands this signal to its CONNECT: undici's headersTimeout runs on a
        // coarse clock, up to a second late, and this one ends the wait for an answer on time.
        const signal = AbortSignal.timeout(timeoutMs);
        tunnel({ ...options, signal }, (...result) => result[0] ? callback(tunnelFailure(result[0], proxy, options.hostname, timeoutMs), null) : callback(...result));
    };
}
/** The failure a tunnel's setup ended with, named for what the proxy did; any other passes as it is. */
function tunnelFailure(error, proxy, host, timeoutMs) {
    switch (error.name === 'TimeoutError' ? 'TIMEOUT' : error.code) {
        case 'TIMEOUT': // the signal above
        case 'UND_ERR_HEADERS_TIMEOUT':
            return new ProxyTunnelError('PROXY_NO_ANSWER', `the proxy at ${proxy} did not answer the CONNECT within ${timeoutMs / 1000} s`, error);
        case 'UND_ERR_SOCKET':
            return new ProxyTunnelError('PROXY_CLOSED', `the proxy at ${proxy} closed the tunnel without an answer`, error);
        case 'ECONNRESET':
        case 'EPIPE':
            // A reset while the CONNECT waited, or after its 200 while TLS to the API was set up.
            return new ProxyTunnelError('PROXY_CLOSED', `the proxy at ${proxy} closed the tunnel to ${host}`, error);
        default:
            return error;
    }
}
/** The proxy's host and port: never its user or password. */
function proxyHost({ variable, url }) {
    try {
        return new URL(url).host || variable;
    }
    catch {
        throw new Error(`${variable} is not a URL (e.g. http://proxy.example.com:3128)`);
    }
}

;// CONCATENATED MODULE: ./src/platform/http.ts






/**
 * undici's timeouts and the request's signal end an attempt by `timeoutMs`, but not every
 * wait: a request queued for a connection ignores its signal until it has one, and a
 * tunnel is set up in stages with a timeout each. This limit, outside undici, is the one
 * nothing can outlive; a little later than theirs, so that their errors, which say what
 * stalled, come first.
 */
const DEADLINE_GRACE_MS = 1_500;
/** The most header bytes an answer may have: Node's default, set here so that no flag raises it. */
const MAX_HEADER_BYTES = 16 * 1024;
/**
 * A read may follow a request already on the wire (the verification after a grant) instead
 * of waiting for its answer: undici then sends it at once (each request says it does not
 * block the connection), and never sends a POST or DELETE behind another.
 */
const PIPELINING = 2;
/** An attempt cut off at its deadline: whether the request was sent is unknown. */
class AttemptDeadlineError extends Error {
    code = 'TIMEOUT';
    constructor(timeoutMs) {
        super(`no answer within ${timeoutMs / 1000} s`);
        this.name = 'AttemptDeadlineError';
    }
}
class BodyTooLargeError extends Error {
    code = 'BODY_TOO_LARGE';
    constructor(limitBytes) {
        super(`the answer is over the ${Math.round(limitBytes / 1024)} KiB this action reads`);
        this.name = 'BodyTooLargeError';
    }
}
/**
 * A dispatcher that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their lower-case
 * forms), as self-hosted runners behind proxies need. A loopback API never goes through a
 * proxy: the bearer would cross the network in clear. Every undici timeout of every client
 * (the proxy's own included) is `timeoutMs`.
 *
 * Every request and retry of a step goes on one connection (`connections`: at most that
 * many at once), a new one only when it failed or was closed: by default undici opens
 * another for a request sent while the first is still connecting or busy, a TCP and TLS
 * handshake (1 to 2 round trips) the step need not pay.
 */
async function createDispatcher(timeoutMs, apiUrl, extraCa, env = process.env, connections = 1) {
    // One TLS context for every connection of the step: given a `ca` list, TLS would parse it
    // all again for each one.
    const secureContext = extraCa.length ? await trustContext(extraCa, env) : undefined;
    // Explicit, so that NODE_TLS_REJECT_UNAUTHORIZED=0 in the job's environment never sends
    // the bearer to a server whose certificate does not check out.
    const tls = { secureContext, rejectUnauthorized: true, timeout: timeoutMs };
    const limits = {
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        maxHeaderSize: MAX_HEADER_BYTES,
        connections,
        pipelining: PIPELINING
    };
    const proxy = (0,loopback/* isLoopbackHost */.c)(new URL(apiUrl).hostname) ? undefined : chooseProxy(env);
    if (proxy) {
        return new RenewableDispatcher(proxyDispatchers(proxy, { tls, ...limits }, env));
    }
    // Direct, a connection is set up in one stage, under undici's connect timeout.
    return new RenewableDispatcher(() => ({ dispatcher: new undici.Agent({ connect: tls, ...limits }) }));
}
/** The proxy an https API goes through, by undici's precedence, and the variable that names it. */
function chooseProxy(env) {
    for (const variable of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
        const url = env[variable];
        if (url)
            return { variable, url };
    }
    return undefined;
}
/**
 * A TLS context that trusts what Node trusts by default plus `extra`: Node's list of its
 * default CAs (Node 22.15 and later; older ones give the roots they ship) and the step's
 * NODE_EXTRA_CA_CERTS, which older ones leave out. A CA listed twice counts once. Under
 * `--use-openssl-ca` Node lists none, so OpenSSL's store does not count here.
 */
async function trustContext(extra, env) {
    // Typed as always there, but missing before Node 22.15.
    // Stryker disable next-line StringLiteral: Node 20 has no getCACertificates; on Node 24.5+ http-wire.test.ts pins it
    const defaults = external_node_tls_.getCACertificates?.('default') ?? external_node_tls_.rootCertificates;
    return external_node_tls_.createSecureContext({ ca: [...defaults, ...(await environmentCertificates(env)), ...extra] });
}
/** NODE_EXTRA_CA_CERTS's certificates, read as Node reads them: a file it can't read adds none. */
async function environmentCertificates(env) {
    const file = env.NODE_EXTRA_CA_CERTS;
    if (!file)
        return [];
    // Stryker disable next-line StringLiteral: TLS skips text that holds no certificate
    return [await (0,promises_.readFile)(file, 'utf8').catch(() => '')];
}
async function sendRequest(dispatcher, req) {
    const sent = (0,undici.request)(req.url, {
        dispatcher,
        method: req.method,
        headers: req.headers,
        body: req.body,
        blocking: false,
        signal: AbortSignal.timeout(req.timeoutMs)
    });
    const deadline = new Deadline(req, dispatcher, sent);
    const { body, headers, statusCode } = await deadline.response;
    const chunks = body;
    return {
        status: statusCode,
        statusText: external_node_http_.STATUS_CODES[statusCode] ?? '',
        header(name) {
            const value = headers[name];
            return Array.isArray(value) ? value[0] : value;
        },
        async text(limitBytes) {
            const parts = [];
            let size = 0;
            for await (const chunk of chunks) {
                size += chunk.length;
                if (size > limitBytes) {
                    body.destroy();
                    throw new BodyTooLargeError(limitBytes);
                }
                parts.push(chunk);
            }
            return Buffer.concat(parts).toString('utf8');
        },
        async head(limitBytes) {
            const parts = [];
            let size = 0;
            for await (const chunk of chunks) {
                parts.push(chunk);
                size += chunk.length;
                if (size >= limitBytes) {
                    body.destroy();
                    break;
                }
            }
            return Buffer.concat(parts).subarray(0, limitBytes).toString('utf8');
        },
        discard: () => body.dump(),
        async *lineBatches({ lineBytes, bodyBytes }) {
            body.setEncoding('utf8');
            let pending = '';
            let size = 0;
            for await (const chunk of body) {
                // Characters, not bytes: a bound either way, and it spares encoding every chunk.
                size += chunk.length;
                const lines = (pending + chunk).split('\n');
                // Stryker disable next-line StringLiteral: split() always yields at least one part
                pending = lines.pop() ?? '';
                if (size > bodyBytes) {
                    body.destroy();
                    throw new BodyTooLargeError(bodyBytes);
                }
                if (pending.length > lineBytes || lines.some(line => line.length > lineBytes)) {
                    body.destroy();
                    throw new BodyTooLargeError(lineBytes);
                }
                if (lines.length)
                    yield lines;
            }
            if (pending)
                yield [pending];
        }
    };
}
/**
 * One attempt's hard limit: at it the attempt fails, its body is destroyed, and a dispatcher
 * from createDispatcher is renewed, so that whatever undici still holds of it goes too.
 * Ends when the body closes: read to its end, dumped or destroyed.
 */
class Deadline {
    response;
    body;
    expired;
    constructor({ timeoutMs, budgetLeftMs = Infinity }, dispatcher, sent) {
        let fail = () => undefined;
        const expiry = new Promise((_, reject) => (fail = reject));
        expiry.catch(() => undefined); // after the response came, its body carries the failure
        const timer = setTimeout(() => {
            this.expired = new AttemptDeadlineError(timeoutMs);
            fail(this.expired);
            this.body?.destroy(this.expired);
            if (dispatcher instanceof RenewableDispatcher)
                dispatcher.renew();
        }, Math.min(timeoutMs + DEADLINE_GRACE_MS, budgetLeftMs));
        sent.then(({ body }) => {
            if (this.expired)
                return void body.destroy(this.expired);
            this.body = body;
            body.once('close', () => clearTimeout(timer));
        }, () => clearTimeout(timer));
        this.response = Promise.race([sent, expiry]);
    }
}
/**
 * The dispatcher createDispatcher makes: undici's, replaced by a fresh one when an attempt
 * outlived its deadline, after destroying every connection and request the old one held.
 */
class RenewableDispatcher extends undici.Dispatcher {
    make;
    #current;
    constructor(make) {
        super();
        this.make = make;
        this.#current = make();
    }
    dispatch(options, handler) {
        return this.#current.dispatcher.dispatch(options, handler);
    }
    renew() {
        const stuck = this.#current;
        this.#current = this.make();
        stuck.dispatcher.destroy().catch(() => undefined);
        for (const socket of stuck.sockets ?? [])
            socket.destroy();
    }
    close(callback) {
        return settled(this.#current.dispatcher.close(), callback);
    }
    destroy(errorOrCallback, callback) {
        if (typeof errorOrCallback === 'function')
            return settled(this.#current.dispatcher.destroy(null), errorOrCallback);
        return settled(this.#current.dispatcher.destroy(errorOrCallback ?? null), callback);
    }
}
/** undici's callback form: the callback runs once `done` settles, whichever way. */
function settled(done, callback) {
    if (callback)
        done.then(callback, callback);
    return done;
}


/***/ }),

/***/ 7008:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runCreate: () => (/* binding */ runCreate)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/config-dir.ts
var config_dir = __webpack_require__(7819);
// EXTERNAL MODULE: ./src/operations/lost-create.ts
var lost_create = __webpack_require__(7683);
// EXTERNAL MODULE: ./src/operations/removal.ts
var removal = __webpack_require__(3794);
// EXTERNAL MODULE: ./src/platform/names.ts
var names = __webpack_require__(3735);
// EXTERNAL MODULE: ./src/operations/finished-runs.ts
var finished_runs = __webpack_require__(6970);
;// CONCATENATED MODULE: ./src/operations/sweep.ts



/**
 * Accounts this action generated for this repository in other runs, older than the limit:
 * what runs that never reached their post step left behind.
 */
function leftovers(accounts, options) {
    if (!options.olderThanMs)
        return [];
    const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
    return accounts.filter(account => {
        const run = account.name === null ? undefined : (0,names/* generatedNameRun */.qZ)(account.name, options.repository);
        return run !== undefined && run !== options.runId && (0,removal/* createdBy */.uf)(account, cutoff);
    });
}
async function sweep(client, options) {
    const accounts = await client.list();
    const old = leftovers(accounts, options);
    if (!options.finishedRuns)
        return (0,removal/* removeEach */.O0)(client, old, options.concurrency);
    const judgement = await (0,finished_runs/* judgeByRuns */.xf)(accounts, {
        ...options.finishedRuns,
        repository: options.repository,
        ageInput: 'sweep-older-than'
    });
    return { ...(await (0,removal/* removeEach */.O0)(client, (0,finished_runs/* doomedBy */.Ad)(judgement, accounts, old), options.concurrency)), judgement };
}

// EXTERNAL MODULE: ./src/platform/errors.ts
var errors = __webpack_require__(6316);
// EXTERNAL MODULE: ./src/platform/permissions.ts
var platform_permissions = __webpack_require__(2731);
;// CONCATENATED MODULE: ./src/operations/grant.ts


/**
 * Grants the permissions input's lines to a role, short forms expanded against the new
 * account's target. A refusal (403) says which line it was for.
 */
async function grantLines(client, role, lines, target) {
    const permissions = lines.map(line => (0,platform_permissions/* expandPermission */.qV)(line, target));
    try {
        return await client.grant(role, permissions);
    }
    catch (error) {
        if (!(error instanceof errors/* PlatformError */.Wk) || error.status !== 403)
            throw error;
        throw new Error(await refusal(client, role, lines, permissions, error), { cause: error });
    }
}
/**
 * The line a refused grant was for. All lines go in one request, so with several the line
 * is found by granting each alone (a grant may repeat: it leaves the same grant).
 */
async function refusal(client, role, lines, permissions, refused) {
    if (lines.length === 1)
        return refusedLine(lines[0], permissions[0], refused);
    for (const [index, permission] of permissions.entries()) {
        try {
            await client.grant(role, [permission]);
        }
        catch (error) {
            if (error instanceof errors/* PlatformError */.Wk && error.status === 403)
                return refusedLine(lines[index], permission, error);
            break;
        }
    }
    return refused.message;
}
function refusedLine(line, permission, error) {
    const written = line.uri === permission.uri ? '' : ` (written ${line.uri})`;
    return `line ${line.line} of permissions, ${permission.action} on ${permission.uri}${written}, was refused: ${error.message}`;
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __webpack_require__(8422);
;// CONCATENATED MODULE: ./src/operations/target.ts

/** Clusters named in a message at most: a platform may list many. */
const CLUSTERS_NAMED = 20;
/**
 * Where the new account points: the inputs first, then the full token's context, then the
 * platform's discovery document. That document is always asked, before anything is made:
 * a cluster the token cannot use is a mistake in the inputs, and the platform would make
 * an account on it anyway.
 */
async function resolveTarget(client, given, context) {
    let cluster = given.cluster || context.cluster;
    let project = given.project || context.project;
    let org = given.org || context.org;
    // The org is taken from the platform only with a project taken from it, as before the check.
    const known = Boolean(cluster && project);
    const config = await client.config();
    if (!config.authorized) {
        throw new Error(`the platform at ${client.apiUrl} did not accept the token (GET /config answered "authorized": false)`);
    }
    const usable = config.clusters.map(c => c.name);
    if (cluster && !usable.includes(cluster)) {
        const from = given.cluster ? '' : ' (from the full token)';
        throw new inputs/* InputError */.dz('cluster', `names cluster "${cluster}"${from}, which this token cannot use; ${clusterList(usable)}`);
    }
    cluster ||= usable[0];
    if (!cluster)
        throw new inputs/* InputError */.dz('cluster', 'is needed: the platform config lists no cluster to default to');
    const onCluster = config.projects.filter(p => p.cluster_name === cluster && (!org || !p.org_name || p.org_name === org));
    const chosen = project ? onCluster.find(p => p.name === project) : onCluster[0];
    project ||= chosen?.name;
    if (!project) {
        throw new inputs/* InputError */.dz('project', `is needed: the platform config lists no project on cluster "${cluster}" to default to`);
    }
    if (!known)
        org ||= chosen?.org_name ?? undefined;
    return org ? { cluster, project, org } : { cluster, project };
}
function clusterList(names) {
    if (!names.length)
        return 'it can use none';
    const more = names.length - CLUSTERS_NAMED;
    const named = names
        .slice(0, CLUSTERS_NAMED)
        .map(name => JSON.stringify(name.slice(0, 100)))
        .join(', ');
    return `it can use ${named}${more > 0 ? ` and ${more} more` : ''}`;
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/platform/retry.ts
var retry = __webpack_require__(385);
;// CONCATENATED MODULE: ./src/operations/verify.ts



/**
 * The wait between asks while the platform refuses a new token: short and fixed, so that a
 * token is noticed within about this long of starting to work (docs/performance.md).
 */
const VERIFY_INTERVAL_MS = 250;
/** Each wait is the interval give or take this share, so that jobs created together ask apart. */
const JITTER = 0.2;
/** The platform answered about the token itself, and said no (yet). */
function isRefusal(error) {
    return error.status === 401 || error.status === 403;
}
/** Throttling, a 5xx or a network failure: the platform said nothing about the token. */
function isTrouble(error) {
    return (0,retry/* isTransient */.dg)(error) || error.status >= 500;
}
/**
 * Asks `GET /config` as the new account until the platform says it is authorized: a new
 * token may take a moment to be accepted everywhere. Only an answer about the token
 * (`authorized: false`, 401, 403) counts as "not accepted yet", and only for `seconds`,
 * asked again every 250 ms (jittered). While the platform throttles or fails, the asking
 * goes on within the client's own budget, after the client's backoff (longer, and at
 * least what a Retry-After asks): a credential is given up as unproven only when the
 * platform has said no, or never answered in all that time.
 */
async function verifyCredential(asNewAccount, options) {
    const now = options.now ?? Date.now;
    const wait = options.sleep ?? promises_.setTimeout;
    const random = options.random ?? Math.random;
    const refusedUntil = now() + options.seconds * 1000;
    let refusal;
    let troubles = 0;
    for (;;) {
        options.signal?.throwIfAborted();
        try {
            const config = await asNewAccount.config();
            if (config.authorized)
                return config;
            refusal = 'GET /config answered "authorized": false';
        }
        catch (error) {
            if (!(error instanceof errors/* PlatformError */.Wk))
                throw error;
            if (isTrouble(error)) {
                if (await asNewAccount.pause(++troubles, error))
                    continue;
                throw new Error(`the platform never answered whether the new token works: ${(0,errors/* errorMessage */.gJ)(error)}`, {
                    cause: error
                });
            }
            if (!isRefusal(error))
                throw error;
            refusal = (0,errors/* errorMessage */.gJ)(error);
        }
        const left = refusedUntil - now();
        if (left <= 0)
            break;
        const interval = Math.round(VERIFY_INTERVAL_MS * (1 - JITTER + 2 * JITTER * random()));
        await wait(Math.min(interval, left));
        options.signal?.throwIfAborted();
    }
    throw new Error(`the new token was still not accepted after ${options.seconds} s (${refusal})`);
}
/** The registry host of a cluster in a /config answer, or '' when it names none. */
function registryHost(config, cluster) {
    const url = config.clusters.find(c => c.name === cluster)?.registry_url;
    if (!url)
        return '';
    try {
        return new URL(url).host;
    }
    catch {
        return '';
    }
}

// EXTERNAL MODULE: ./src/outputs.ts
var outputs = __webpack_require__(7729);
// EXTERNAL MODULE: ./src/platform/http.ts + 1 modules
var http = __webpack_require__(9174);
// EXTERNAL MODULE: ./src/platform/token.ts
var token = __webpack_require__(206);
// EXTERNAL MODULE: ./src/runner.ts + 20 modules
var runner = __webpack_require__(5290);
// EXTERNAL MODULE: ./src/state.ts
var state = __webpack_require__(2462);
// EXTERNAL MODULE: ./src/summary.ts
var summary = __webpack_require__(8855);
// EXTERNAL MODULE: ./src/steps/finished-runs.ts
var steps_finished_runs = __webpack_require__(2996);
// EXTERNAL MODULE: ./src/steps/removed.ts
var removed = __webpack_require__(1759);
;// CONCATENATED MODULE: ./src/steps/create.ts


















/** The create operation as a step: the account, its grants, outputs, CLI login and state for post. */
async function runCreate(client, inputs) {
    const run = runner/* runIdentity */.yK();
    // Alongside the create, on connections of its own, so its requests never queue behind the
    // create's; a 429 it hears still paces the create, as any throttling of the platform would.
    const sweeping = inputs.sweepOlderThanMs || inputs.sweepFinishedRuns ? sweepLeftovers(client, run, inputs) : undefined;
    try {
        await createAccountStep(client, inputs, run);
    }
    finally {
        if (sweeping)
            await reportSweep(await sweeping, run);
        // Post goes on from what main heard of throttling (the sweep's included), as a later request of main would.
        const throttled = client.throttledLately();
        if (throttled)
            (0,state/* saveThrottled */.K2)(throttled);
    }
}
async function createAccountStep(client, inputs, run) {
    // The step's warnings, for the summary as well as the log.
    const warnings = [];
    const warn = (message) => {
        warnings.push(message);
        runner/* warning */.$e(message);
    };
    const target = await resolveTarget(client, inputs, inputs.credential.context);
    const generated = !inputs.name;
    const name = inputs.name || (0,names/* generatedName */.xg)(run, (0,names/* randomNamePart */.iS)());
    const cleanup = inputs.cleanup;
    // Saved before the request, so that post can find the account even if main never sees the answer.
    const pending = { name, generated, cleanup };
    (0,state/* recordPending */.PQ)({ ...pending, tokenAccepted: client.tokenWasAccepted });
    // What the create met on the way: a warning if it failed, else one notice.
    const retries = [];
    const { result, signal } = await settleThroughSignals((0,lost_create/* createAccount */._m)(client, { name, default_cluster: target.cluster, default_project: target.project, default_org: target.org }, { nameIsGenerated: generated, warn: message => retries.push(message) }));
    if (result.status === 'fulfilled' && retries.length)
        runner/* notice */.lm(`The create succeeded after trouble: ${retries.join('; ')}`);
    else
        retries.forEach(warn);
    if (result.status === 'rejected') {
        // A clear failure made nothing, so post has nothing to look for; an unresolved one leaves
        // the pending name for post to find, saying whether the create's own answer was a success.
        const unresolved = result.reason instanceof lost_create/* UnresolvedCreateError */.O;
        if (unresolved)
            (0,state/* recordPending */.PQ)({ ...pending, tokenAccepted: client.tokenWasAccepted });
        else
            (0,state/* recordNothing */.R)();
        throw result.reason;
    }
    const account = result.value;
    // The new credential is masked before anything else touches it; its shape is checked first,
    // so that a hostile answer can neither flood the log with masks nor mask the account's id.
    const { masks, whole } = (0,token/* tokenMasks */.vc)(account.token, account.id);
    for (const form of masks)
        runner/* mask */.dK(form);
    (0,state/* recordCreated */.yo)(account.id, cleanup);
    if (signal)
        throw new Error(`Received ${signal}: the create finished and the post step will remove ${account.id}`);
    runner/* info */.pq(`Created service account ${name} (${account.id}) on cluster ${account.default_cluster}, ` +
        `project ${account.default_project}${account.default_org ? `, org ${account.default_org}` : ''}`);
    const decoded = whole ? (0,token/* decodeFullToken */.hb)(account.token) : undefined;
    if (!decoded) {
        return removeUndelivered(client, account, 'the platform answered with a token that is not a full token ' +
            `(base64 JSON holding an auth JWT, at most ${token/* FULL_TOKEN_MAX_CHARS */.J4 / 1024} KiB)`);
    }
    const { granted, registry } = await grantAndVerify(client, account, decoded.authToken, inputs, target, warn);
    for (const [key, value] of Object.entries((0,outputs/* accountOutputs */.M6)(account)))
        runner/* setOutput */.uH(key, value);
    if (inputs.outputToken) {
        runner/* setOutput */.uH('token', account.token);
        runner/* setOutput */.uH('auth-token', decoded.authToken);
    }
    runner/* setOutput */.uH('permissions', JSON.stringify(granted));
    runner/* setOutput */.uH('registry', registry);
    if (inputs.exportEnv)
        exportCliEnvironment(account.token);
    (0,state/* recordDelivered */.o9)(account.id, cleanup);
    runner/* info */.pq(cleanup ? 'The post step will remove it.' : 'cleanup is false: it will be kept.');
    await runner/* writeSummary */.Sy((0,summary/* createdSummary */.$F)(account, granted, cleanup, {
        apiUrl: client.apiUrl,
        registry,
        verified: inputs.verifySeconds > 0,
        warnings
    }));
}
/**
 * The grants and the verification together, as neither needs the other's answer. A
 * half-configured credential is worse than none, and one handed out must work: if a grant
 * fails or the platform never accepts the token, the account goes. Only what /config shows
 * of the account's cluster can depend on the grants (a platform may show an account only
 * the clusters it holds a grant on): when it shows none while grants were made, /config is
 * asked once more, so that `registry` and the warning are what they were with the grants first.
 */
async function grantAndVerify(client, account, authToken, { permissions, verifySeconds }, target, warn) {
    // Each try is one request and verifyCredential decides on the next; while the platform
    // throttles or fails, it may ask for the rest of the step's budget.
    const budgetMs = Math.max(client.timeLeftMs(), verifySeconds * 1000 + client.timeoutMs);
    const asNewAccount = client.as(authToken, { maxAttempts: 1, budgetMs });
    const stop = new AbortController();
    // The grant first: a read may follow it on the connection, never the other way round.
    const granting = permissions.length ? grantLines(client, account.role, permissions, target) : Promise.resolve([]);
    const verifying = verifySeconds
        ? verifyCredential(asNewAccount, { seconds: verifySeconds, signal: stop.signal })
        : Promise.resolve(undefined);
    // Its failure is read below, after the grants' answer: until then it must not go unhandled.
    verifying.catch(() => undefined);
    let granted;
    try {
        granted = await granting;
    }
    catch (error) {
        stop.abort();
        return removeUndelivered(client, account, (0,errors/* errorMessage */.gJ)(error));
    }
    for (const p of granted)
        runner/* info */.pq(`Granted ${p.action} on ${p.uri} to ${account.role}`);
    let config;
    try {
        config = await verifying;
        if (config && granted.length && !seesCluster(config, account))
            config = await verifyCredential(asNewAccount, { seconds: verifySeconds });
    }
    catch (error) {
        return removeUndelivered(client, account, (0,errors/* errorMessage */.gJ)(error));
    }
    if (!config)
        return { granted, registry: '' };
    if (!seesCluster(config, account)) {
        warn(`The new account is accepted but sees no cluster "${account.default_cluster}": a CLI login (export-env) will fail with ` +
            `"No clusters configured". Grant it a permission on that cluster, e.g. a "permissions" line ` +
            `"storage://${account.default_cluster}/<org>/<project> read"`);
    }
    return { granted, registry: registryHost(config, account.default_cluster) };
}
const seesCluster = (config, account) => config.clusters.some(c => c.name === account.default_cluster);
/** Leftovers the sweep may remove at once. */
const SWEEP_CONNECTIONS = 4;
/**
 * Removes what runs of this repository left behind, on connections of its own, up to
 * SWEEP_CONNECTIONS removals at once; a failure here never fails the create.
 */
async function sweepLeftovers(client, run, inputs) {
    const dispatcher = await (0,http/* createDispatcher */.S)(inputs.timeoutMs, inputs.apiUrl, inputs.caCertificates, process.env, SWEEP_CONNECTIONS);
    try {
        // A budget of its own, a third of create's, so that a slow sweep never starves the create.
        const sweeping = client.as(undefined, { budgetMs: client.timeoutMs * client.maxAttempts, dispatcher });
        return await sweep(sweeping, {
            repository: run,
            runId: run.runId,
            olderThanMs: inputs.sweepOlderThanMs,
            finishedRuns: (0,steps_finished_runs/* askingGitHub */.N)(inputs, run, () => sweeping.timeLeftMs()),
            concurrency: SWEEP_CONNECTIONS
        });
    }
    catch (error) {
        return error instanceof Error ? error : new Error(String(error));
    }
    finally {
        await dispatcher.close();
    }
}
/** What the sweep did: the log, a warning for what it could not do, the `removed` output and the summary. */
async function reportSweep(result, run) {
    if (result instanceof Error) {
        runner/* warning */.$e(`Could not sweep earlier runs' leftover accounts: ${(0,errors/* errorMessage */.gJ)(result)}`);
        return;
    }
    const byRuns = await (0,steps_finished_runs/* reportJudgement */.q)(result.judgement, result, run.repository, 'Swept');
    const byAge = result.removed.filter(account => !byRuns.has(account));
    for (const account of byAge)
        runner/* info */.pq(`Swept ${account.name} (${account.id}, created ${account.created_at}), left by an earlier run`);
    if (result.failed.length) {
        runner/* warning */.$e(`Could not sweep ${result.failed.length} account(s): ${(0,removal/* failureLines */.w7)(result.failed).join('; ')}`);
    }
    const oversized = (0,removed/* setRemovedOutput */.Y)(result.removed);
    if (oversized)
        runner/* warning */.$e(`Swept ${result.removed.length} accounts, but ${oversized}`);
    if (byAge.length) {
        const rest = oversized ? (0,removed/* refusedOutput */.K)('removed') : undefined;
        await runner/* writeSummary */.Sy((0,summary/* accountsSummary */.Nx)("Swept earlier runs' leftover Apolo service accounts", byAge, rest));
    }
}
/** Removes an account whose token never reached the workflow, and fails the step. */
async function removeUndelivered(client, account, reason) {
    try {
        // A fresh budget: whatever went before, this removal deserves every attempt.
        await client.as(undefined, {}).rm(account.id);
    }
    catch (removal) {
        // The saved record still says undelivered, so the post step removes it whatever cleanup says.
        throw new Error(`${reason}; removing service account ${account.id} failed too, the post step will try again: ${(0,errors/* errorMessage */.gJ)(removal)}`, {
            cause: removal
        });
    }
    (0,state/* recordNothing */.R)();
    throw new Error(`${reason}; service account ${account.id} was removed again`);
}
/**
 * Logs later `apolo` and `neuro` steps in as the new account. Their config folders point at a
 * fresh folder, since the passed config is ignored where a config already exists.
 */
function exportCliEnvironment(fullToken) {
    const dir = (0,config_dir/* makeConfigDir */.qM)(runner/* runnerTemp */.X5());
    (0,state/* saveConfigDir */.vt)(dir);
    runner/* exportVariable */.dN('APOLO_PASSED_CONFIG', fullToken);
    runner/* exportVariable */.dN('NEURO_PASSED_CONFIG', fullToken);
    runner/* exportVariable */.dN('APOLO_CONFIG', (0,external_node_path_.join)(dir, 'apolo'));
    runner/* exportVariable */.dN('NEUROMATION_CONFIG', (0,external_node_path_.join)(dir, 'neuro'));
    runner/* info */.pq(`Later apolo and neuro steps run as the new account (config in ${dir}).`);
}
/**
 * A cancelled run (SIGINT, then SIGTERM from the runner) must not lose an account being made:
 * while `work` is in flight a signal is only noted, and the caller learns of it once `work`
 * has settled and can save what it made.
 */
async function settleThroughSignals(work) {
    let signal;
    const onSignal = (received) => {
        signal = received;
        runner/* warning */.$e(`Received ${received}: finishing the create in flight so its account can be removed`);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
        const [result] = await Promise.allSettled([work]);
        return { result, signal };
    }
    finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
}


/***/ })

};
