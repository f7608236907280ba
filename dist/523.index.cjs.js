"use strict";
exports.id = 523;
exports.ids = [523];
exports.modules = {

/***/ 523:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

var __webpack_unused_export__;

__webpack_unused_export__ = ({ value: true });
exports.createClient = createClient;
const client_js_1 = __webpack_require__(1480);
const http_js_1 = __webpack_require__(1267);
const runner_js_1 = __webpack_require__(4813);
const version_js_1 = __webpack_require__(311);
/** `tokenAccepted`: the platform has accepted this credential earlier in the job. */
async function createClient(inputs, log, tokenAccepted = false) {
    warnOfUncheckedTls(process.env);
    return new client_js_1.PlatformClient({
        apiUrl: inputs.apiUrl,
        authToken: inputs.credential.authToken,
        userAgent: version_js_1.USER_AGENT,
        timeoutMs: inputs.timeoutMs,
        maxAttempts: inputs.maxAttempts,
        tokenAccepted,
        dispatcher: await (0, http_js_1.createDispatcher)(inputs.timeoutMs, inputs.apiUrl, inputs.caCertificates),
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
    (0, runner_js_1.warning)('NODE_TLS_REJECT_UNAUTHORIZED is set in the environment (at 0 Node skips certificate checks): ' +
        "this action still checks the platform's and any proxy's certificates, other tools of this job may not. " +
        'Trust a private CA with ca-certificate or NODE_EXTRA_CA_CERTS instead.');
}


/***/ }),

/***/ 1480:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.PlatformClient = void 0;
const answers_js_1 = __webpack_require__(3020);
const errors_js_1 = __webpack_require__(6316);
const failures_js_1 = __webpack_require__(640);
const http_js_1 = __webpack_require__(1267);
const names_js_1 = __webpack_require__(3735);
const retry_js_1 = __webpack_require__(385);
const token_js_1 = __webpack_require__(206);
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
            sleep: defaultSleep,
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
        this.throttling = options.throttling ?? new retry_js_1.ThrottleMemory();
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
            await (0, answers_js_1.parseAccounts)(operation, response, accounts);
        });
        return accounts;
    }
    /**
     * One create; repeated here only when it surely never reached the platform. An answer about
     * any account but the one asked for is unreadable: a lost create, settled by a look-up
     * (operations/create.ts), never an account to hand out or remove later.
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
            const created = (0, answers_js_1.readCreated)(operation, value);
            const wrong = (0, answers_js_1.notAsked)(created, request.name, (0, token_js_1.tokenIdentity)(this.options.authToken));
            if (wrong) {
                throw new errors_js_1.PlatformError({
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
            const account = (0, answers_js_1.readAccount)(operation, value);
            if (account.id !== idOrName && account.name !== idOrName) {
                throw new errors_js_1.PlatformError({ operation, status: 200, message: `the answer is another account (${account.id})` });
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
        return this.callJson({ operation: 'read platform config', kind: 'read', method: 'GET', path: ['config'] }, [200], answers_js_1.readConfig);
    }
    /** Grants permissions to a role, e.g. a service account's `alice/service-accounts/ci`. */
    async grant(role, permissions) {
        const operation = `grant permissions to ${role}`;
        if (!(0, names_js_1.isServiceAccountRole)(role)) {
            throw new errors_js_1.PlatformError({
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
        }, [201, 200], value => (0, answers_js_1.readPermissions)(operation, value));
    }
    /**
     * The same client with a time budget of its own, speaking as someone else (e.g. a new
     * account) or as itself (`authToken` undefined).
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
        const backoff = (0, retry_js_1.isThrottled)(failure) ? this.throttling.retryNumber(this.options.now(), retry) : retry;
        const delay = (0, retry_js_1.backoffDelay)(backoff, failure.retryAfterMs, { baseMs: baseDelayMs, maxMs: maxDelayMs }, random);
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
                    throw new errors_js_1.PlatformError({
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
        for (let attempt = 1;; attempt++) {
            const failure = await this.attempt(call, url, attempt, expected, read);
            if (!failure)
                return;
            if ((0, retry_js_1.isThrottled)(failure))
                this.throttling.record(this.options.now(), failure.retryAfterMs ?? this.options.baseDelayMs);
            else
                counted++;
            if (counted >= this.options.maxAttempts || !(0, retry_js_1.mayRepeat)(call.kind, failure, this.tokenAccepted))
                throw failure;
            if (!(await this.pause(attempt, failure)))
                throw this.outOfTime(call, failure);
        }
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
            response = await (0, http_js_1.sendRequest)(this.options.dispatcher, {
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
            const failure = (0, failures_js_1.networkFailure)(call, error, timeoutMs, url);
            log?.(`${call.method} ${url}: ${failure.serverMessage} after ${now() - started} ms`);
            return failure;
        }
        log?.(`${call.method} ${url}: HTTP ${response.status} in ${now() - started} ms`);
        // A 2xx: undici hands over no 1xx as an answer.
        if (response.status < 300)
            this.tokenAccepted = true;
        if (!expected.includes(response.status))
            return (0, failures_js_1.statusFailure)(call, response, this.apiUrl);
        try {
            await read(response);
            return undefined;
        }
        catch (error) {
            const failure = (0, failures_js_1.bodyFailure)(call, response.status, error, timeoutMs, url);
            log?.(`${call.method} ${url}: ${failure.serverMessage}`);
            return failure;
        }
    }
    outOfTime(call, last) {
        const seconds = Math.round(this.budgetMs / 1000);
        return new errors_js_1.PlatformError({
            operation: call.operation,
            status: last?.status ?? 0,
            code: last?.code ?? 'OUT_OF_TIME',
            message: `${last ? `${last.serverMessage}; ` : ''}gave up: these requests had ${seconds} s in all (README, "Time limits")`,
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
exports.PlatformClient = PlatformClient;
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
function defaultSleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}


/***/ }),

/***/ 640:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.statusFailure = statusFailure;
exports.networkFailure = networkFailure;
exports.bodyFailure = bodyFailure;
/**
 * How a failed request becomes a PlatformError: a status other than the expected ones, no
 * answer (network, proxy, timeout), or an expected answer that could not be read. Only
 * cleaned text reaches a message: it is printed.
 */
const errors_js_1 = __webpack_require__(6316);
const retry_js_1 = __webpack_require__(385);
/** Of an error body only the start is read: enough for any JSON error the platform writes. */
const ERROR_BODY_BYTES = 256 * 1024;
async function statusFailure(call, response, apiUrl) {
    const { status } = response;
    const fields = { operation: call.operation, status, retryAfterMs: (0, retry_js_1.parseRetryAfter)(response.header('retry-after')) };
    if (status >= 300 && status < 400) {
        await response.discard().catch(() => undefined);
        const location = response.header('location');
        return new errors_js_1.PlatformError({
            ...fields,
            message: `redirected to ${location ? safeLocation(location) : 'an unnamed location'}; ` +
                'redirects are not followed so that the credential never leaves the API URL'
        });
    }
    if (status === 407) {
        await response.discard().catch(() => undefined);
        return new errors_js_1.PlatformError({ ...fields, message: PROXY_REFUSED });
    }
    const body = await response.head(ERROR_BODY_BYTES).catch(() => '');
    return new errors_js_1.PlatformError({
        ...fields,
        message: (0, errors_js_1.serverMessage)(body, response.header('content-type'), new URL(apiUrl).origin) || response.statusText
    });
}
const PROXY_REFUSED = 'the proxy refused the request (Proxy Authentication Required): check the user and password in HTTPS_PROXY or HTTP_PROXY';
function networkFailure(call, error, timeoutMs, url) {
    const code = errorCode(error);
    const message = (0, errors_js_1.errorMessage)(error);
    // undici reports a proxy's refusal to open a tunnel as an abort naming its status.
    const proxyStatus = /^Proxy response \((\d{3})\)/.exec(message)?.[1];
    if (proxyStatus) {
        const status = Number(proxyStatus);
        return new errors_js_1.PlatformError({
            operation: call.operation,
            status,
            message: status === 407 ? PROXY_REFUSED : 'the proxy refused to open a tunnel',
            cause: error
        });
    }
    const timedOut = code === 'TIMEOUT' || code?.endsWith('_TIMEOUT') === true;
    return new errors_js_1.PlatformError({
        operation: call.operation,
        status: 0,
        code: code ?? 'ERROR',
        message: timedOut
            ? `timed out after ${timeoutMs / 1000} s waiting for ${call.method} ${url}`
            : `${(0, errors_js_1.cleanMessage)(message)} (${call.method} ${url})`,
        cause: error
    });
}
/** A failure while reading an expected answer: cut off, stalled, too large, or not what was asked. */
function bodyFailure(call, status, error, timeoutMs, url) {
    if (error instanceof errors_js_1.PlatformError)
        return error;
    const code = errorCode(error);
    if (code === 'BODY_TOO_LARGE')
        return new errors_js_1.PlatformError({ operation: call.operation, status, message: (0, errors_js_1.errorMessage)(error), code, cause: error });
    const failure = networkFailure(call, error, timeoutMs, url);
    return new errors_js_1.PlatformError({
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
        return (0, errors_js_1.cleanMessage)(`${url.origin}${url.pathname}`);
    }
    catch {
        return (0, errors_js_1.cleanMessage)(location);
    }
}


/***/ }),

/***/ 1267:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.createDispatcher = createDispatcher;
exports.sendRequest = sendRequest;
const loopback_js_1 = __webpack_require__(2482);
// Only the client reaches this module, and it loads once the inputs are good (main.ts).
const undici_js_1 = __webpack_require__(615);
/**
 * undici's timeouts and the request's signal end an attempt by `timeoutMs`, but not every
 * wait: a request queued for a connection ignores its signal until it has one, and a
 * tunnel is set up in stages with a timeout each. This limit, outside undici, is the one
 * nothing can outlive; a little later than theirs, so that their errors, which say what
 * stalled, come first.
 */
const DEADLINE_GRACE_MS = 1_500;
/**
 * The most header bytes an answer may have: Node's default, set here so that undici need not
 * load node:http to read it (scripts/lazy-builtins.js), and so that no flag raises it.
 */
const MAX_HEADER_BYTES = 16 * 1024;
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
 * (the proxy's own included) is `timeoutMs`. Only runs behind a proxy load the proxy agent.
 */
async function createDispatcher(timeoutMs, apiUrl, extraCa, env = process.env) {
    // One TLS context for every connection of the step: given a `ca` list, TLS would parse it
    // all again for each one.
    const secureContext = extraCa.length ? await trustContext(extraCa, env) : undefined;
    // Explicit, so that NODE_TLS_REJECT_UNAUTHORIZED=0 in the job's environment never sends
    // the bearer to a server whose certificate does not check out.
    const tls = { secureContext, rejectUnauthorized: true, timeout: timeoutMs };
    const limits = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, maxHeaderSize: MAX_HEADER_BYTES };
    const proxy = (0, loopback_js_1.isLoopbackHost)(new URL(apiUrl).hostname) ? undefined : chooseProxy(env);
    if (proxy) {
        const { proxyDispatchers } = await __webpack_require__.e(/* import() */ 367).then(__webpack_require__.t.bind(__webpack_require__, 9367, 23));
        return new RenewableDispatcher(proxyDispatchers(proxy, { tls, ...limits }, env));
    }
    // Direct, a connection is set up in one stage, under undici's connect timeout.
    return new RenewableDispatcher(() => ({ dispatcher: new undici_js_1.Agent({ connect: tls, ...limits }) }));
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
 * A TLS context that trusts what Node trusts plus `extra`. Adding to a context's store makes
 * it a copy of Node's own, whatever the trust flags (`--use-openssl-ca`, `--use-system-ca`),
 * without parsing Node's roots again as a `ca` list would. No public API does this, and a
 * `ca` list cannot say "Node's roots" exactly, so a Node without the way in fails closed.
 */
async function trustContext(extra, env) {
    const tls = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 1692, 23));
    const context = tls.createSecureContext();
    // Node's own handle: a Node without it, or without the method, fails closed below.
    const store = (context.context ?? {});
    if (typeof store.addCACert !== 'function') {
        throw new Error(`ca-certificate cannot be added to what Node ${process.version} trusts; give the CA in NODE_EXTRA_CA_CERTS instead`);
    }
    // Node 20 leaves NODE_EXTRA_CA_CERTS out of the copy (Node 24 does not); a CA added twice counts once.
    for (const pem of [...(await environmentCertificates(env)), ...extra])
        store.addCACert(pem);
    return context;
}
/** NODE_EXTRA_CA_CERTS's certificates, read as Node reads them: a file it can't read adds none. */
async function environmentCertificates(env) {
    const file = env.NODE_EXTRA_CA_CERTS;
    if (!file)
        return [];
    const fs = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 1455, 23));
    // Stryker disable next-line StringLiteral: TLS skips text that holds no certificate
    return [await fs.readFile(file, 'utf8').catch(() => '')];
}
async function sendRequest(dispatcher, req) {
    const url = new URL(req.url);
    const sent = undici_js_1.request.call(dispatcher, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(req.timeoutMs)
    });
    const deadline = new Deadline(req, dispatcher, sent);
    const { body, headers, statusCode } = await deadline.response;
    const chunks = body;
    return {
        status: statusCode,
        // node:http only for its reason phrases, read on a failure that gives no message of its own.
        get statusText() {
            return process.getBuiltinModule('node:http').STATUS_CODES[statusCode] ?? '';
        },
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
class RenewableDispatcher extends undici_js_1.DispatcherBase {
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

/***/ 615:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.request = exports.DispatcherBase = exports.Agent = void 0;
// The parts of undici that every request uses, loaded with src/platform/http.ts once the
// inputs are good, so that a run that fails on its inputs loads none of undici (nor V8's settings).
// undici's package entry evaluates all of undici (fetch, WebSocket, caches, mocks), which
// costs more start-up time than the whole rest of the action; these are the parts used.
const node_v8_1 = __webpack_require__(8877);
// undici parses HTTP with WebAssembly (llhttp). After a couple of answers V8 starts
// optimising it in the background, and the process then waits 100-200 ms at exit for a
// parser it no longer needs (Node 20 after one answer, Node 24 after two). The baseline
// code is plenty for the action's few answers (100,000 listed accounts included: see the
// README's Performance), so the tier-up budget is set out of reach, before the parser is
// first compiled. V8 reads this flag when it decides to tier up, so setting it at run time
// takes effect on Node 20 and 24 alike.
// Stryker disable next-line StringLiteral: no test can read a V8 setting back; npm run bench times its effect
(0, node_v8_1.setFlagsFromString)('--wasm-tiering-budget=1000000000');
var agent_js_1 = __webpack_require__(7405);
Object.defineProperty(exports, "Agent", ({ enumerable: true, get: function () { return __importDefault(agent_js_1).default; } }));
var dispatcher_js_1 = __webpack_require__(883);
Object.defineProperty(exports, "DispatcherBase", ({ enumerable: true, get: function () { return __importDefault(dispatcher_js_1).default; } }));
var api_request_js_1 = __webpack_require__(4043);
Object.defineProperty(exports, "request", ({ enumerable: true, get: function () { return __importDefault(api_request_js_1).default; } }));


/***/ }),

/***/ 311:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.USER_AGENT = exports.VERSION = void 0;
/** Kept equal to package.json's version by a test. */
exports.VERSION = '1.0.0';
exports.USER_AGENT = `apolo-service-account-action/${exports.VERSION} (node ${process.version}; ${process.platform})`;


/***/ })

};
;