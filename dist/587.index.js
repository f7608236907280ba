export const id = 587;
export const ids = [587];
export const modules = {

/***/ 7587:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createClient: () => (/* binding */ createClient)
});

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/platform/answers.ts
var answers = __webpack_require__(3020);
// EXTERNAL MODULE: ./src/platform/errors.ts
var errors = __webpack_require__(6316);
// EXTERNAL MODULE: ./src/platform/retry.ts
var platform_retry = __webpack_require__(385);
;// CONCATENATED MODULE: ./src/platform/failures.ts
/**
 * How a failed request becomes a PlatformError: a status other than the expected ones, no
 * answer (network, proxy, timeout), or an expected answer that could not be read. Only
 * cleaned text reaches a message: it is printed.
 */


/** Of an error body only the start is read: enough for any JSON error the platform writes. */
const ERROR_BODY_BYTES = 256 * 1024;
async function statusFailure(call, response, apiUrl) {
    const { status } = response;
    const fields = { operation: call.operation, status, retryAfterMs: (0,platform_retry/* parseRetryAfter */.mu)(response.header('retry-after')) };
    if (status >= 300 && status < 400) {
        await response.discard().catch(() => undefined);
        const location = response.header('location');
        return new errors/* PlatformError */.Wk({
            ...fields,
            message: `redirected to ${location ? safeLocation(location) : 'an unnamed location'}; ` +
                'redirects are not followed so that the credential never leaves the API URL'
        });
    }
    if (status === 407) {
        await response.discard().catch(() => undefined);
        return new errors/* PlatformError */.Wk({ ...fields, message: PROXY_REFUSED });
    }
    const body = await response.head(ERROR_BODY_BYTES).catch(() => '');
    const said = (0,errors/* serverMessage */.x_)(body, response.header('content-type'), new URL(apiUrl).origin) || response.statusText;
    const hint = statusHint(call, status, apiUrl);
    return new errors/* PlatformError */.Wk({ ...fields, message: hint ? `${said}; ${hint}` : said });
}
/** What a status most likely means for this request: the fix, where the status alone hides it. */
function statusHint(call, status, apiUrl) {
    if (status === 404 && !new URL(apiUrl).pathname.endsWith('/api/v1'))
        return `the API URL usually ends in /api/v1 (api-url is ${apiUrl})`;
    if (status !== 403)
        return undefined;
    if (call.kind === 'create')
        return "the token's user lacks the right to create service accounts: use the token of a user who has it";
    if (call.kind === 'grant')
        return 'granting needs "manage" on what is granted, for the token\'s user';
    return undefined;
}
const PROXY_REFUSED = 'the proxy refused the request (Proxy Authentication Required): check the user and password in HTTPS_PROXY or HTTP_PROXY';
function networkFailure(call, error, timeoutMs, url) {
    const code = errorCode(error);
    const message = (0,errors/* errorMessage */.gJ)(error);
    // undici reports a proxy's refusal to open a tunnel as an abort naming its status.
    const proxyStatus = /^Proxy response \((\d{3})\)/.exec(message)?.[1];
    if (proxyStatus) {
        const status = Number(proxyStatus);
        return new errors/* PlatformError */.Wk({
            operation: call.operation,
            status,
            message: status === 407 ? PROXY_REFUSED : 'the proxy refused to open a tunnel',
            cause: error
        });
    }
    const timedOut = code === 'TIMEOUT' || code?.endsWith('_TIMEOUT') === true;
    return new errors/* PlatformError */.Wk({
        operation: call.operation,
        status: 0,
        code: code ?? 'ERROR',
        message: timedOut
            ? `timed out after ${timeoutMs / 1000} s waiting for ${call.method} ${url}`
            : `${(0,errors/* cleanMessage */.V8)(message)} (${call.method} ${url})`,
        cause: error
    });
}
/** A failure while reading an expected answer: cut off, stalled, too large, or not what was asked. */
function bodyFailure(call, status, error, timeoutMs, url) {
    if (error instanceof errors/* PlatformError */.Wk)
        return error;
    const code = errorCode(error);
    if (code === 'BODY_TOO_LARGE')
        return new errors/* PlatformError */.Wk({ operation: call.operation, status, message: (0,errors/* errorMessage */.gJ)(error), code, cause: error });
    const failure = networkFailure(call, error, timeoutMs, url);
    return new errors/* PlatformError */.Wk({
        operation: call.operation,
        status,
        code: failure.code,
        message: `the answer was cut off: ${failure.serverMessage}`,
        unreadable: true,
        cause: error
    });
}
function errorCode(error) {
    if (typeof error !== 'object' || error === null)
        return undefined;
    const { code, name, cause } = error;
    if (name === 'TimeoutError')
        return 'TIMEOUT';
    if (typeof code === 'string')
        return code;
    return errorCode(cause);
}
function safeLocation(location) {
    try {
        const url = new URL(location);
        return (0,errors/* cleanMessage */.V8)(`${url.origin}${url.pathname}`);
    }
    catch {
        return (0,errors/* cleanMessage */.V8)(location);
    }
}

// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(1455);
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
    // Stryker disable next-line ArrayDeclaration: TLS skips text that holds no certificate
    if (!file)
        return [];
    // Stryker disable next-line StringLiteral: TLS skips text that holds no certificate
    return [await (0,external_node_fs_promises_.readFile)(file, 'utf8').catch(() => '')];
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

// EXTERNAL MODULE: ./src/platform/names.ts
var names = __webpack_require__(3735);
// EXTERNAL MODULE: ./src/platform/token.ts
var token = __webpack_require__(206);
;// CONCATENATED MODULE: ./src/platform/client.ts
/**
 * The platform client: its requests, their retries, pacing and time budget. What an answer
 * must hold is answers.ts's; how a failure is worded, failures.ts's.
 */








/** Answers read whole are capped: an account is under 1 KiB, /config tens of KiB. */
const JSON_LIMIT_BYTES = 4 * 1024 * 1024;
const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';
/**
 * The platform's service accounts API over undici. Knows nothing of GitHub: every
 * secret it is given or receives is the caller's to mask.
 */
class PlatformClient {
    apiUrl;
    timeoutMs;
    maxAttempts;
    options;
    deadline;
    budgetMs;
    /** Set by the first success: from then on a 401 is a hiccup, not a verdict. */
    tokenAccepted;
    throttling;
    constructor(options) {
        this.apiUrl = options.apiUrl.replace(/\/+$/, '');
        this.options = {
            timeoutMs: 30_000,
            maxAttempts: 5,
            maxDelayMs: 20_000,
            baseDelayMs: 500,
            sleep: promises_.setTimeout,
            random: Math.random,
            now: Date.now,
            ...options
        };
        const { timeoutMs, maxAttempts, budgetMs } = this.options;
        this.timeoutMs = timeoutMs;
        this.maxAttempts = maxAttempts;
        this.budgetMs = budgetMs ?? 3 * maxAttempts * timeoutMs;
        this.deadline = this.options.now() + this.budgetMs;
        this.tokenAccepted = options.tokenAccepted ?? false;
        this.throttling = options.throttling ?? new platform_retry/* ThrottleMemory */.Mk();
    }
    /** The platform has answered this token with a success, in this step or (as given) earlier in the job. */
    get tokenWasAccepted() {
        return this.tokenAccepted;
    }
    /** Every account of the caller, read as NDJSON so large lists stream. */
    async list() {
        const operation = 'list service accounts';
        const accounts = [];
        await this.call({
            operation,
            kind: 'read',
            method: 'GET',
            path: ['service_accounts'],
            accept: `${NDJSON_TYPE}, ${JSON_TYPE};q=0.5`
        }, [200], async (response) => {
            accounts.length = 0; // a retry reads the list again from the start
            await (0,answers/* parseAccounts */.I9)(operation, response, accounts);
        });
        return accounts;
    }
    /**
     * One create; repeated here only when it surely never reached the platform. An answer about
     * any account but the one asked for is unreadable: a lost create, settled by a look-up
     * (operations/lost-create.ts), never an account to hand out or remove later.
     */
    async create(request) {
        const body = {
            default_cluster: request.default_cluster,
            default_project: request.default_project
        };
        // The server rejects "" for these, so an absent value is omitted, never sent empty.
        if (request.name)
            body.name = request.name;
        if (request.default_org)
            body.default_org = request.default_org;
        const operation = 'create service account';
        return this.callJson({ operation, kind: 'create', method: 'POST', path: ['service_accounts'], body }, [201], value => {
            const created = (0,answers/* readCreated */.$6)(operation, value);
            const wrong = (0,answers/* notAsked */.Op)(created, request.name, (0,token/* tokenIdentity */.sX)(this.options.authToken));
            if (wrong) {
                throw new errors/* PlatformError */.Wk({
                    operation,
                    status: 201,
                    message: `the answer is about another account: ${wrong}`,
                    unreadable: true
                });
            }
            return created;
        });
    }
    /** The account of that id or name; an answer about any other account is refused. */
    async get(idOrName) {
        const operation = `get service account ${idOrName}`;
        return this.callJson({ operation, kind: 'read', method: 'GET', path: ['service_accounts', idOrName] }, [200], value => {
            const account = (0,answers/* readAccount */.GM)(operation, value);
            if (account.id !== idOrName && account.name !== idOrName) {
                throw new errors/* PlatformError */.Wk({ operation, status: 200, message: `the answer is another account (${account.id})` });
            }
            return account;
        });
    }
    /** Removes an account; the platform revokes its token at once. */
    async rm(idOrName) {
        await this.call({
            operation: `remove service account ${idOrName}`,
            kind: 'remove',
            method: 'DELETE',
            path: ['service_accounts', idOrName]
        }, [204, 200], response => response.discard());
    }
    /** The discovery document: clusters and projects the caller can use. */
    async config() {
        return this.callJson({ operation: 'read platform config', kind: 'read', method: 'GET', path: ['config'] }, [200], answers/* readConfig */.Xg);
    }
    /** Grants permissions to a role, e.g. a service account's `alice/service-accounts/ci`. */
    async grant(role, permissions) {
        const operation = `grant permissions to ${role}`;
        if (!(0,names/* isServiceAccountRole */.hH)(role)) {
            throw new errors/* PlatformError */.Wk({
                operation,
                status: 0,
                message: 'refused: not a role of the shape <owner>/service-accounts/<name>'
            });
        }
        return this.callJson(
        // Granting the same permission twice leaves the same grant, so it may repeat.
        {
            operation,
            kind: 'grant',
            method: 'POST',
            path: ['users', role.replaceAll('/', ':'), 'permissions'],
            body: permissions
        }, [201, 200], value => (0,answers/* readPermissions */.zi)(operation, value));
    }
    /**
     * The same client with a time budget of its own, speaking as someone else (e.g. a new
     * account) or as itself (`authToken` undefined), over its connection or another's.
     */
    as(authToken, overrides) {
        const tokenAccepted = authToken === undefined ? this.tokenAccepted : false;
        return new PlatformClient({
            ...this.options,
            authToken: authToken ?? this.options.authToken,
            tokenAccepted,
            throttling: this.throttling,
            ...overrides
        });
    }
    /** A dispatcher of its own to this platform (see `openDispatcher`), for work alongside this client's. */
    async openDispatcher(connections) {
        if (!this.options.openDispatcher)
            throw new Error('This client was given no way to open more connections.');
        return await this.options.openDispatcher(connections);
    }
    /** What this job heard of throttling in the last 10 s, for a later step to go on from. */
    throttledLately() {
        return this.throttling.lately(this.options.now());
    }
    /** What is left of this client's time budget. */
    timeLeftMs() {
        return Math.max(0, this.deadline - this.options.now());
    }
    /**
     * Waits before retry number `retry` after `failure`, within the budget; false when the
     * wait would end past it.
     */
    async pause(retry, failure) {
        const { baseDelayMs, maxDelayMs, random, sleep, log } = this.options;
        const backoff = (0,platform_retry/* isThrottled */.B5)(failure) ? this.throttling.retryNumber(this.options.now(), retry) : retry;
        const delay = (0,platform_retry/* backoffDelay */.EY)(backoff, failure.retryAfterMs, { baseMs: baseDelayMs, maxMs: maxDelayMs }, random);
        if (this.options.now() + delay >= this.deadline)
            return false;
        log?.(`${failure.operation}: trying again in ${delay} ms`);
        await sleep(delay);
        return true;
    }
    async callJson(call, expected, check) {
        let result;
        await this.call(call, expected, async (response) => {
            let value;
            try {
                value = JSON.parse(await response.text(JSON_LIMIT_BYTES));
            }
            catch (error) {
                if (error instanceof SyntaxError)
                    throw new errors/* PlatformError */.Wk({
                        operation: call.operation,
                        status: response.status,
                        message: 'the answer is not valid JSON',
                        unreadable: true
                    });
                throw error;
            }
            result = check(value);
        });
        return result;
    }
    /**
     * Sends one logical request, repeating it as retry.ts allows, and hands a response with an
     * expected status to `read`.
     */
    async call(call, expected, read) {
        const url = `${this.apiUrl}/${call.path.map(pathSegment).join('/')}`;
        // Failures that count against maxAttempts: throttling only spends the budget.
        let counted = 0;
        await this.paceAfterThrottling();
        const started = this.options.now();
        for (let attempt = 1;; attempt++) {
            const failure = await this.attempt(call, url, attempt, expected, read);
            if (!failure)
                return;
            if ((0,platform_retry/* isThrottled */.B5)(failure))
                this.throttling.record(this.options.now(), failure.retryAfterMs ?? this.options.baseDelayMs);
            else
                counted++;
            if (counted >= this.options.maxAttempts || !(0,platform_retry/* mayRepeat */.xg)(call.kind, failure, this.tokenAccepted))
                throw attempt === 1 ? failure : this.afterAttempts(failure, ` (after ${this.tried(attempt, started)})`);
            if (!(await this.pause(attempt, failure)))
                throw this.outOfTime(call, this.afterAttempts(failure, `; gave up after ${this.tried(attempt, started)}`));
        }
    }
    /** `5 attempts over 12 s`: what a request was given before it failed for good. */
    tried(attempts, startedMs) {
        const ms = this.options.now() - startedMs;
        return `${attempts} attempt${attempts === 1 ? '' : 's'} over ${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
    }
    /** The last failure of a request, with `suffix` saying how many attempts it had. */
    afterAttempts(failure, suffix) {
        return new errors/* PlatformError */.Wk({
            operation: failure.operation,
            status: failure.status,
            code: failure.code,
            unreadable: failure.unreadable,
            retryAfterMs: failure.retryAfterMs,
            message: `${failure.serverMessage}${suffix}`,
            cause: failure
        });
    }
    /** A new request of a job the platform has just throttled waits first (retry.ts `ThrottleMemory`). */
    async paceAfterThrottling() {
        const { now, random, sleep, log, maxDelayMs } = this.options;
        const delay = this.throttling.pacingDelay(now(), maxDelayMs, random);
        if (!delay || now() + delay >= this.deadline)
            return;
        log?.(`the platform throttled this job lately: waiting ${delay} ms first`);
        await sleep(delay);
    }
    /** One attempt: undefined when `read` took the answer, else what went wrong. */
    async attempt(call, url, attempt, expected, read) {
        const { log, now } = this.options;
        const budgetLeftMs = this.deadline - now();
        const timeoutMs = Math.min(this.options.timeoutMs, budgetLeftMs);
        if (timeoutMs <= 0)
            return this.outOfTime(call);
        const started = now();
        log?.(`${call.method} ${url} (attempt ${attempt})`);
        let response;
        try {
            response = await sendRequest(this.options.dispatcher, {
                url,
                method: call.method,
                headers: this.headers(call),
                // Undefined for a call without a body, as JSON.stringify(undefined) is.
                body: JSON.stringify(call.body),
                timeoutMs,
                budgetLeftMs
            });
        }
        catch (error) {
            const failure = networkFailure(call, error, timeoutMs, url);
            log?.(`${call.method} ${url}: ${failure.serverMessage} after ${now() - started} ms`);
            return failure;
        }
        log?.(`${call.method} ${url}: HTTP ${response.status} in ${now() - started} ms`);
        // A 2xx: undici hands over no 1xx as an answer.
        if (response.status < 300)
            this.tokenAccepted = true;
        if (!expected.includes(response.status))
            return statusFailure(call, response, this.apiUrl);
        try {
            await read(response);
            return undefined;
        }
        catch (error) {
            const failure = bodyFailure(call, response.status, error, timeoutMs, url);
            log?.(`${call.method} ${url}: ${failure.serverMessage}`);
            return failure;
        }
    }
    outOfTime(call, last) {
        const seconds = Math.round(this.budgetMs / 1000);
        return new errors/* PlatformError */.Wk({
            operation: call.operation,
            status: last?.status ?? 0,
            code: last?.code ?? 'OUT_OF_TIME',
            message: `${last ? `${last.serverMessage}: ` : 'gave up: '}these requests had ${seconds} s in all (docs/reliability.md, "Time limits")`,
            cause: last
        });
    }
    headers(call) {
        const headers = {
            authorization: `Bearer ${this.options.authToken}`,
            'user-agent': this.options.userAgent,
            accept: call.accept ?? JSON_TYPE
        };
        if (call.body !== undefined)
            headers['content-type'] = JSON_TYPE;
        return headers;
    }
}
/**
 * A path segment, encoded. An empty, `.` or `..` segment would be resolved away by URL
 * rules and send the request somewhere else (`DELETE /api/v1/`), so none is ever sent.
 */
function pathSegment(value) {
    if (value === '' || value === '.' || value === '..') {
        throw new Error(`refusing to send a request for "${value}": not an id or name`);
    }
    return encodeURIComponent(value);
}

// EXTERNAL MODULE: ./src/runner.ts + 20 modules
var runner = __webpack_require__(5290);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
;// CONCATENATED MODULE: ./src/client-factory.ts





/**
 * `tokenAccepted`: the platform has accepted this credential earlier in the job;
 * `throttled`: what an earlier step of the job heard of throttling.
 */
async function createClient(inputs, log, tokenAccepted = false, throttled) {
    warnOfUncheckedTls(process.env);
    const openDispatcher = (connections) => createDispatcher(inputs.timeoutMs, inputs.apiUrl, inputs.caCertificates, process.env, connections);
    return new PlatformClient({
        apiUrl: inputs.apiUrl,
        authToken: inputs.credential.authToken,
        userAgent: version/* USER_AGENT */._,
        timeoutMs: inputs.timeoutMs,
        maxAttempts: inputs.maxAttempts,
        tokenAccepted,
        throttling: new platform_retry/* ThrottleMemory */.Mk(throttled),
        dispatcher: await openDispatcher(1),
        openDispatcher,
        log
    });
}
/**
 * The action's own requests check certificates whatever this says (platform/http.ts), but
 * other tools of the job may not, and whoever set it may believe the action does not either.
 */
function warnOfUncheckedTls(env) {
    const value = env.NODE_TLS_REJECT_UNAUTHORIZED;
    if (!value || value === '1')
        return;
    (0,runner/* warning */.$e)('NODE_TLS_REJECT_UNAUTHORIZED is set in the environment (at 0 Node skips certificate checks): ' +
        "this action still checks the platform's and any proxy's certificates, other tools of this job may not. " +
        'Trust a private CA with ca-certificate or NODE_EXTRA_CA_CERTS instead.');
}


/***/ })

};
