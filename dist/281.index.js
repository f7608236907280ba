export const id = 281;
export const ids = [281];
export const modules = {

/***/ 1281:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openRunsClient: () => (/* binding */ openRunsClient)
/* harmony export */ });
/* unused harmony exports ANSWER_LIMIT_BYTES, boundedFetch, RunsClient, rateLimitWait */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _platform_retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(385);
/* harmony import */ var _urls_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5945);



/** The longest answer read: a run attempt's JSON is a few KiB. */
const ANSWER_LIMIT_BYTES = 256 * 1024;
const TOO_LONG = "GitHub's answer is over";
/** GitHub's advice for a secondary rate limit that names no wait: at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;
const BACKOFF = { baseMs: 1_000, maxMs: 20_000 };
/** Loads Octokit (its own chunk of the bundle) and makes a client for the repository. */
async function openRunsClient(options) {
    const { getOctokit } = await Promise.all(/* import() */[__webpack_require__.e(665), __webpack_require__.e(351)]).then(__webpack_require__.bind(__webpack_require__, 1351));
    // The proxy-aware fetch getOctokit would use, wrapped below to bound what is read.
    const { defaults } = await __webpack_require__.e(/* import() */ 665).then(__webpack_require__.bind(__webpack_require__, 8665));
    const proxyFetch = defaults.request.fetch;
    const octokit = getOctokit(options.token, {
        baseUrl: (0,_urls_js__WEBPACK_IMPORTED_MODULE_2__/* .checkGitHubUrl */ .zv)('GITHUB_API_URL', options.apiUrl),
        userAgent: options.userAgent,
        // Octokit's own warnings would reach the log unchecked.
        log: { debug: () => { }, info: () => { }, warn: () => { }, error: () => { } },
        request: { fetch: boundedFetch(proxyFetch), redirect: 'error' }
    });
    return new RunsClient(octokit.request, options);
}
/** A fetch whose answers are read whole, at most ANSWER_LIMIT_BYTES of them. */
function boundedFetch(inner) {
    return async (url, init) => {
        const response = await inner(url, init);
        const bytes = await readAtMost(response, ANSWER_LIMIT_BYTES);
        const empty = response.status === 204 || response.status === 304;
        return new Response(empty ? null : bytes, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers
        });
    };
}
async function readAtMost(response, limit) {
    if (Number(response.headers.get('content-length')) > limit || !response.body) {
        await response.body?.cancel();
        if (response.body)
            throw new Error(`${TOO_LONG} ${limit} bytes`);
        return new Uint8Array();
    }
    const parts = [];
    let size = 0;
    for await (const part of response.body) {
        size += part.byteLength;
        if (size > limit)
            throw new Error(`${TOO_LONG} ${limit} bytes`);
        parts.push(part);
    }
    return Buffer.concat(parts);
}
class RunsClient {
    request;
    options;
    owner;
    repo;
    requests = 0;
    /** Nothing is sent before this: GitHub asked the whole client to wait. */
    notBefore = 0;
    constructor(request, options) {
        this.request = request;
        this.options = options;
        const parts = (0,_urls_js__WEBPACK_IMPORTED_MODULE_2__/* .ownerAndName */ .uD)(options.repository);
        if (!parts)
            throw new Error(`GITHUB_REPOSITORY must be owner/name; got "${options.repository.slice(0, 100)}"`);
        [this.owner, this.repo] = parts;
    }
    now() {
        return (this.options.now ?? Date.now)();
    }
    async sleep(ms) {
        await (this.options.sleep ?? node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(ms);
    }
    /** `GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}`, retried as its failure allows. */
    async attemptStatus(run) {
        let counted = 0;
        for (let retry = 1;; retry++) {
            const waitMs = this.notBefore - this.now();
            if (waitMs > 0)
                await this.sleep(waitMs);
            const left = this.options.deadline - this.now();
            if (left <= 0)
                return { unknown: 'budget', detail: "the step's time for GitHub ran out" };
            if (this.requests >= this.options.maxRequests)
                return { unknown: 'budget', detail: `this step's ${this.options.maxRequests} requests to GitHub are spent` };
            this.requests++;
            let failure;
            try {
                const { data } = await this.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}', {
                    owner: this.owner,
                    repo: this.repo,
                    run_id: run.runId,
                    attempt_number: run.attempt,
                    request: { signal: AbortSignal.timeout(Math.ceil(Math.min(this.options.timeoutMs, left))) }
                });
                return statusOf(data, run);
            }
            catch (error) {
                failure = error;
            }
            const answer = failure.response;
            const rateLimitMs = answer && rateLimitWait(answer, this.now());
            if (rateLimitMs !== undefined) {
                // Not counted against maxAttempts: GitHub said when to come back.
                const until = this.now() + rateLimitMs;
                if (until >= this.options.deadline)
                    return { unknown: 'budget', detail: `GitHub rate-limited this token for ${Math.ceil(rateLimitMs / 1000)} s` };
                this.notBefore = Math.max(this.notBefore, until);
                continue;
            }
            const unknown = reasonOf(failure);
            if (unknown.unknown !== 'server' && unknown.unknown !== 'network')
                return unknown;
            if (++counted >= this.options.maxAttempts)
                return unknown;
            const delay = (0,_platform_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .backoffDelay */ .EY)(retry, undefined, BACKOFF, this.options.random ?? Math.random);
            if (this.now() + delay >= this.options.deadline)
                return unknown;
            await this.sleep(delay);
        }
    }
}
/** GitHub's answer, if it is one about this very attempt. */
function statusOf(data, run) {
    const fields = (typeof data === 'object' && data !== null ? data : {});
    const { status, id, run_attempt: attempt } = fields;
    if (typeof status !== 'string' || String(id) !== run.runId || String(attempt) !== run.attempt)
        return { unknown: 'unreadable', detail: "GitHub's answer was not about the run attempt asked for" };
    return { status };
}
/**
 * How long GitHub asked to wait, for a primary or secondary rate limit (403 or 429 with
 * Retry-After, or x-ratelimit-remaining 0); undefined for any other failure.
 */
function rateLimitWait(answer, now = Date.now()) {
    if (answer.status !== 403 && answer.status !== 429)
        return undefined;
    const retryAfter = (0,_platform_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .parseRetryAfter */ .mu)(answer.headers['retry-after'], now);
    if (retryAfter !== undefined)
        return retryAfter;
    if (answer.headers['x-ratelimit-remaining'] === '0') {
        const reset = Number(answer.headers['x-ratelimit-reset']);
        return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : SECONDARY_LIMIT_WAIT_MS;
    }
    const message = answer.data?.message;
    if (answer.status === 429 || (typeof message === 'string' && /rate limit/i.test(message)))
        return SECONDARY_LIMIT_WAIT_MS;
    return undefined;
}
function reasonOf(failure) {
    const status = failure.response?.status;
    if (status === undefined) {
        if (failure.cause?.name === 'TimeoutError')
            return { unknown: 'network', detail: 'GitHub did not answer in time' };
        if (failure.cause?.message?.startsWith(TOO_LONG))
            return { unknown: 'network', detail: failure.cause.message };
        return { unknown: 'network', detail: 'GitHub could not be reached' };
    }
    if (status === 401)
        return { unknown: 'unauthorized', detail: 'GitHub answered 401: the token was not accepted' };
    if (status === 403)
        return { unknown: 'forbidden', detail: 'GitHub answered 403: the token may not read Actions runs' };
    if (status === 404)
        return { unknown: 'not-found', detail: 'GitHub answered 404: no such run attempt, or none the token can see' };
    if (status >= 500)
        return { unknown: 'server', detail: `GitHub answered ${status}` };
    return { unknown: 'unreadable', detail: `GitHub answered ${status}` };
}


/***/ })

};
