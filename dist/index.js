/******/ (() => { // webpackBootstrap
/******/ 	var __webpack_modules__ = ({

/***/ 7819:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {

"use strict";

var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.makeConfigDir = makeConfigDir;
exports.removeConfigDir = removeConfigDir;
exports.isConfigDirOf = isConfigDirOf;
const node_fs_1 = __nccwpck_require__(3024);
const node_os_1 = __nccwpck_require__(8161);
const node_path_1 = __importDefault(__nccwpck_require__(6760));
/** Every CLI config folder the action makes starts with this, directly inside the root. */
const PREFIX = 'apolo-service-account-';
/** A fresh folder for the CLI's config under `root` (the runner's temp folder). */
function makeConfigDir(root) {
    return (0, node_fs_1.mkdtempSync)(node_path_1.default.join(root ?? (0, node_os_1.tmpdir)(), PREFIX));
}
/**
 * Removes a folder post was told about, only if it is provably one `makeConfigDir` made:
 * a real folder (not a link), named with the prefix, directly inside the same root.
 * Returns why it was left, or undefined once removed.
 */
function removeConfigDir(dir, root) {
    let real;
    try {
        if (!(0, node_fs_1.lstatSync)(dir).isDirectory())
            return 'it is not a folder';
        real = (0, node_fs_1.realpathSync)(dir);
    }
    catch {
        return undefined; // already gone
    }
    const expectedParent = (0, node_fs_1.realpathSync)(root ?? (0, node_os_1.tmpdir)());
    if (!isConfigDirOf(real, expectedParent))
        return `it is not a folder this action makes (${PREFIX}… directly inside ${expectedParent})`;
    // Stryker disable next-line BooleanLiteral: force only tells if the folder vanishes between the checks and here
    (0, node_fs_1.rmSync)(real, { recursive: true, force: true });
    return undefined;
}
/** Whether a real path is one `makeConfigDir` could have made in `root`, by the platform's path rules. */
function isConfigDirOf(real, root, paths = node_path_1.default) {
    const name = paths.basename(real);
    return paths.dirname(real) === paths.resolve(root) && name.startsWith(PREFIX) && name.length > PREFIX.length;
}


/***/ }),

/***/ 9407:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.runPost = exports.runMain = void 0;
// What the bundle exports (ncc's entry, src/bundle.cjs, re-exports it): both steps share
// nearly all their code, so dist/ holds it once, and dist/main.js and dist/post.js each run
// one of these. What only some runs need (undici, the create step, the job summary's writer,
// the proxy agent) loads when first used.
var main_js_1 = __nccwpck_require__(1730);
Object.defineProperty(exports, "runMain", ({ enumerable: true, get: function () { return main_js_1.runMain; } }));
var post_js_1 = __nccwpck_require__(6661);
Object.defineProperty(exports, "runPost", ({ enumerable: true, get: function () { return post_js_1.runPost; } }));


/***/ }),

/***/ 6236:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.InputError = void 0;
const errors_js_1 = __nccwpck_require__(6316);
/**
 * A bad input: the message names the input and what it allows. A value it repeats has
 * anything token-like cut out, in case a secret went into the wrong input.
 */
class InputError extends Error {
    input;
    constructor(input, detail) {
        super((0, errors_js_1.redactTokens)(`Input "${input}" ${detail}`));
        this.input = input;
        this.name = 'InputError';
    }
}
exports.InputError = InputError;


/***/ }),

/***/ 8422:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.INPUT_DEFAULTS = exports.DEFAULT_API_URL = void 0;
exports.readInputs = readInputs;
exports.readConnection = readConnection;
const input_error_js_1 = __nccwpck_require__(6236);
const loopback_js_1 = __nccwpck_require__(2482);
const names_js_1 = __nccwpck_require__(3735);
const permissions_js_1 = __nccwpck_require__(2731);
const token_js_1 = __nccwpck_require__(206);
const OPERATIONS = ['create', 'list', 'get', 'rm', 'prune'];
exports.DEFAULT_API_URL = 'https://api.apolo.us/api/v1';
/** The defaults of optional inputs, as action.yml declares them (a test keeps them equal). */
exports.INPUT_DEFAULTS = {
    operation: 'create',
    cleanup: 'true',
    'export-env': 'false',
    'older-than': '24h',
    'dry-run': 'false',
    'timeout-seconds': '30',
    'max-attempts': '5',
    'verify-seconds': '30',
    'output-token': 'true'
};
/**
 * Reads and checks every input, before any request. `onSecret` sees each form of the
 * credential first, so it can be masked before anything could print it.
 */
function readInputs(read, onSecret) {
    // The credential first, so that it is masked before any other input can fail.
    const connection = readConnection(read, onSecret);
    const operation = readChoice(read, 'operation', OPERATIONS);
    switch (operation) {
        case 'create':
            return {
                ...connection,
                operation,
                name: readName(read, false),
                cluster: readPlainValue(read, 'cluster'),
                project: readPlainValue(read, 'project'),
                org: readPlainValue(read, 'org'),
                cleanup: readBoolean(read, 'cleanup'),
                permissions: readPermissions(read),
                ...readDelivery(read),
                verifySeconds: readInteger(read, 'verify-seconds', 0, 600),
                sweepOlderThanMs: readDuration(read, 'sweep-older-than', MIN_SWEEP_AGE)
            };
        case 'list':
            return { ...connection, operation };
        case 'get':
        case 'rm':
            return { ...connection, operation, name: readName(read, true, operation) };
        case 'prune':
            return {
                ...connection,
                operation,
                namePrefix: readNamePrefix(read),
                olderThanMs: readDuration(read, 'older-than', MIN_PRUNE_AGE),
                dryRun: readBoolean(read, 'dry-run')
            };
    }
}
function readName(read, required, operation) {
    const name = read('name').trim();
    if (required && !name)
        throw new input_error_js_1.InputError('name', `is required for operation "${operation}": the id or name of the account`);
    if (name && !(0, names_js_1.isValidName)(name)) {
        throw new input_error_js_1.InputError('name', `must be lowercase letters, digits and "-", in labels separated by ".", each starting and ending with a letter or digit (e.g. "ci-build.42"); got "${name}"`);
    }
    return name;
}
/**
 * A cluster, project or org name: printable ASCII with no spaces, as the platform's own
 * names are. Anything else could only be a mistake or an attack on the log.
 */
function readPlainValue(read, name) {
    const value = read(name).trim();
    if (!/^[\x21-\x7e]*$/.test(value)) {
        throw new input_error_js_1.InputError(name, `must be printable ASCII with no spaces or line breaks (e.g. "default"); got ${JSON.stringify(value.slice(0, 100))}`);
    }
    return value;
}
function readPermissions(read) {
    try {
        return (0, permissions_js_1.parsePermissions)(read('permissions'));
    }
    catch (error) {
        throw new input_error_js_1.InputError('permissions', error.message);
    }
}
function readNamePrefix(read) {
    const prefix = read('name-prefix').trim();
    if (!prefix) {
        throw new input_error_js_1.InputError('name-prefix', 'is required for operation "prune", so that it never removes every account (e.g. "gha-my-repo-")');
    }
    if (prefix && !/^[a-z0-9][-a-z0-9.]*$/.test(prefix)) {
        throw new input_error_js_1.InputError('name-prefix', `must be the start of a valid name: lowercase letters, digits, "-" and "."; got "${prefix}"`);
    }
    return prefix;
}
const DURATION_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MIN_PRUNE_AGE = '1m';
// A sweep runs unattended on every create: only what no job of a day could still be using.
const MIN_SWEEP_AGE = '6h';
/** A duration in ms; empty is older-than's default, or 0 (off) for sweep-older-than. */
function readDuration(read, name, minimum) {
    const value = read(name).trim() || (name === 'older-than' ? exports.INPUT_DEFAULTS[name] : '');
    if (!value)
        return 0;
    const ms = durationMs(value);
    if (ms === undefined || ms < durationMs(minimum)) {
        throw new input_error_js_1.InputError(name, `must be a duration of at least ${minimum}, as a whole number and a unit s, m, h, d or w (e.g. 30m, 6h, 7d); got "${value}"`);
    }
    return ms;
}
/** `30m`, `6h`, `7d`, `2w`: a whole number and a unit. */
function durationMs(value) {
    const match = /^(\d{1,9})([smhdw])$/.exec(value);
    return match ? Number(match[1]) * DURATION_UNITS[match[2]] : undefined;
}
/** How the credential reaches later steps: at least one way, or it could never be used. */
function readDelivery(read) {
    const outputToken = readBoolean(read, 'output-token');
    const exportEnv = readBoolean(read, 'export-env');
    if (!outputToken && !exportEnv) {
        throw new input_error_js_1.InputError('output-token', 'can be "false" only with export-env: "true": otherwise no later step could use the credential');
    }
    return { outputToken, exportEnv };
}
/** PEM certificates, each one parsed: a typo should fail here, not as a TLS error later. */
function readCaCertificates(read) {
    const text = read('ca-certificate').trim();
    if (!text)
        return [];
    const blocks = pemBlocks(text);
    if (!blocks?.length) {
        throw new input_error_js_1.InputError('ca-certificate', 'must be PEM text: one or more "-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----" blocks and nothing else');
    }
    // Loaded here, not at import: only runs given a CA need node:crypto this early.
    const { X509Certificate } = process.getBuiltinModule('node:crypto');
    for (const [index, block] of blocks.entries()) {
        try {
            new X509Certificate(block);
        }
        catch {
            throw new input_error_js_1.InputError('ca-certificate', `holds a certificate that does not parse (block ${index + 1} of ${blocks.length})`);
        }
    }
    return blocks;
}
const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';
/** The certificate blocks of PEM text, or undefined if anything else is in it. One pass. */
function pemBlocks(text) {
    const blocks = [];
    let at = 0;
    while (at < text.length) {
        const begin = text.indexOf(PEM_BEGIN, at);
        if (begin < 0 || text.slice(at, begin).trim())
            return undefined;
        const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: without it, `at` falls back before this block and the next pass returns undefined just the same
        if (end < 0)
            return undefined;
        at = end + PEM_END.length;
        blocks.push(text.slice(begin, at));
    }
    return blocks;
}
function readConnection(read, onSecret) {
    const raw = read('token').trim();
    if (!raw)
        throw new input_error_js_1.InputError('token', 'is required: a platform auth token (JWT) or full token');
    onSecret(raw);
    let credential;
    try {
        credential = (0, token_js_1.parseCredential)(raw);
    }
    catch (error) {
        throw new input_error_js_1.InputError('token', error.message);
    }
    onSecret(credential.authToken);
    return {
        credential,
        apiUrl: readApiUrl(read('api-url').trim() || credential.context.url || exports.DEFAULT_API_URL),
        timeoutMs: readInteger(read, 'timeout-seconds', 1, 600) * 1000,
        maxAttempts: readInteger(read, 'max-attempts', 1, 10),
        caCertificates: readCaCertificates(read)
    };
}
function readApiUrl(value) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new input_error_js_1.InputError('api-url', `must be an absolute URL such as ${exports.DEFAULT_API_URL}; got "${value}"`);
    }
    if (url.username || url.password)
        throw new input_error_js_1.InputError('api-url', 'must not carry a user name or password');
    if (url.protocol === 'http:' && !(0, loopback_js_1.isLoopbackHost)(url.hostname)) {
        throw new input_error_js_1.InputError('api-url', `must use https: plain http is allowed only for a loopback host (the local emulator); got "${url.origin}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new input_error_js_1.InputError('api-url', `must be an https URL; got "${url.protocol}"`);
    }
    if (url.search || url.hash)
        throw new input_error_js_1.InputError('api-url', 'must not have a query or fragment');
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
function readChoice(read, name, allowed) {
    const value = read(name).trim() || exports.INPUT_DEFAULTS[name];
    if (!allowed.includes(value)) {
        throw new input_error_js_1.InputError(name, `must be one of ${allowed.join(', ')}; got "${value}"`);
    }
    return value;
}
function readBoolean(read, name) {
    const value = read(name).trim() || exports.INPUT_DEFAULTS[name];
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new input_error_js_1.InputError(name, `must be "true" or "false"; got "${value}"`);
}
function readInteger(read, name, min, max) {
    const value = read(name).trim() || exports.INPUT_DEFAULTS[name];
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new input_error_js_1.InputError(name, `must be a whole number from ${min} to ${max}; got "${value}"`);
    }
    return Number(value);
}


/***/ }),

/***/ 1730:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {

"use strict";

var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.runMain = runMain;
const inputs_js_1 = __nccwpck_require__(8422);
const prune_js_1 = __nccwpck_require__(1186);
const outputs_js_1 = __nccwpck_require__(7729);
const errors_js_1 = __nccwpck_require__(6316);
const tls_early_js_1 = __nccwpck_require__(6248);
const runner = __importStar(__nccwpck_require__(4813));
const summary_js_1 = __nccwpck_require__(8855);
/** The main step: one operation, its outputs, and for create the state that post needs. */
async function runMain() {
    try {
        const inputs = (0, inputs_js_1.readInputs)(runner.readInput, runner.mask);
        (0, tls_early_js_1.loadTlsEarly)(inputs.apiUrl);
        // The client (and undici with it) and the create step load only once the inputs are good.
        const { createClient } = await Promise.all(/* import() */[__nccwpck_require__.e(99), __nccwpck_require__.e(523)]).then(__nccwpck_require__.bind(__nccwpck_require__, 523));
        const client = await createClient(inputs, runner.debug);
        runner.setOutput('api-url', inputs.apiUrl);
        switch (inputs.operation) {
            case 'create': {
                const { runCreate } = await __nccwpck_require__.e(/* import() */ 346).then(__nccwpck_require__.t.bind(__nccwpck_require__, 5346, 23));
                return await runCreate(client, inputs);
            }
            case 'list':
                return await list(client);
            case 'get':
                return await get(client, inputs.name);
            case 'rm':
                return await rm(client, inputs.name);
            case 'prune':
                return await pruneStale(client, inputs);
        }
    }
    catch (error) {
        runner.setFailed((0, errors_js_1.errorMessage)(error));
    }
}
async function list(client) {
    const accounts = await client.list();
    const json = JSON.stringify(accounts);
    runner.info(`Found ${accounts.length} service account${accounts.length === 1 ? '' : 's'}`);
    runner.writeSummary((0, summary_js_1.accountsSummary)('Apolo service accounts', accounts));
    const oversized = (0, outputs_js_1.oversizedOutput)('accounts', json);
    if (oversized) {
        throw new Error(`${oversized}: remove the accounts no longer needed (operation: prune), or read one account by name (operation: get)`);
    }
    runner.setOutput('accounts', json);
}
async function get(client, idOrName) {
    const account = await client.get(idOrName);
    for (const [key, value] of Object.entries((0, outputs_js_1.accountOutputs)(account)))
        runner.setOutput(key, value);
    runner.info(`Found service account ${account.name ?? ''} (${account.id})`);
    runner.writeSummary((0, summary_js_1.accountsSummary)('Apolo service account', [account]));
}
async function rm(client, idOrName) {
    // Looked up first so that the id of what is removed can be reported.
    const account = await client.get(idOrName);
    await client.rm(account.id);
    runner.setOutput('id', account.id);
    runner.info(`Removed service account ${account.name ?? ''} (${account.id})`);
    runner.writeSummary((0, summary_js_1.accountsSummary)('Removed Apolo service account', [account]));
}
async function pruneStale(client, inputs) {
    const result = await (0, prune_js_1.prune)(client, {
        namePrefix: inputs.namePrefix,
        olderThanMs: inputs.olderThanMs,
        dryRun: inputs.dryRun
    });
    const verb = inputs.dryRun ? 'Would remove' : 'Removed';
    for (const account of result.removed)
        runner.info(`${verb} ${account.name} (${account.id}, created ${account.created_at})`);
    runner.info(`${verb} ${result.removed.length} stale service account(s) starting with "${inputs.namePrefix}"`);
    runner.writeSummary((0, summary_js_1.accountsSummary)(`${verb} stale Apolo service accounts`, result.removed));
    const problems = result.failed.length
        ? [`Could not remove ${result.failed.length} account(s): ${(0, prune_js_1.failureLines)(result.failed).join('; ')}`]
        : [];
    const removed = (0, outputs_js_1.removedOutput)(result.removed);
    const oversized = (0, outputs_js_1.oversizedOutput)('removed', removed);
    if (oversized)
        problems.push(`${verb} ${result.removed.length} accounts (each named above), but ${oversized}`);
    else
        runner.setOutput('removed', removed);
    if (problems.length)
        throw new Error(problems.join('. '));
}


/***/ }),

/***/ 3776:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.UnresolvedCreateError = void 0;
exports.createAccount = createAccount;
exports.findByName = findByName;
const errors_js_1 = __nccwpck_require__(6316);
const retry_js_1 = __nccwpck_require__(385);
/** A create whose outcome is unknown: an account may exist that only a look-up by name can find. */
class UnresolvedCreateError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'UnresolvedCreateError';
    }
}
exports.UnresolvedCreateError = UnresolvedCreateError;
/**
 * Creates an account. The token comes back only from this call, so a create whose answer
 * is lost may leave an account with a token nobody holds. The rules (README, "When an
 * answer is lost"):
 *
 * - a failure that may have acted (retry.ts) is settled by looking the name up;
 * - a generated name is this run's alone, so an account of that name is this run's,
 *   whatever its age: it is removed, and the create made again;
 * - a user-chosen name may be another job's: an account found is never removed; the step
 *   fails and names it;
 * - a 409 after an earlier attempt that may have acted is that attempt's account, and
 *   follows the same two rules.
 */
async function createAccount(client, request, options) {
    let earlierMayHaveActed = false;
    // An attempt may have acted and no look-up has found its account yet: it may still appear.
    let unsettled = false;
    // Attempts that count against maxAttempts: throttling only spends the budget.
    let counted = 0;
    for (let attempt = 1;; attempt++) {
        let failure;
        try {
            return await client.create(request);
        }
        catch (error) {
            if (!(error instanceof errors_js_1.PlatformError))
                throw error;
            failure = error;
        }
        if (!(0, retry_js_1.isThrottled)(failure))
            counted++;
        const lost = (0, retry_js_1.mayHaveActed)(failure) || (failure.status === 409 && earlierMayHaveActed);
        earlierMayHaveActed ||= lost;
        if (lost) {
            options.warn(`${failure.message}; checking whether service account "${request.name}" was made anyway`);
            unsettled = !(await settleLostCreate(client, request.name, options.nameIsGenerated, failure, options.warn));
        }
        // A 500 is not worth repeating, but what it may have made is gone now. What the client
        // repeats by itself (not sent, throttled) it has already repeated as often as allowed.
        const worthRepeating = ((0, retry_js_1.isTransient)(failure) && !(0, retry_js_1.mayRepeat)('create', failure)) || (lost && failure.status === 409);
        if (worthRepeating && counted < client.maxAttempts && (await client.pause(attempt, failure)))
            continue;
        // The platform may still be making what a lost attempt asked for: post looks again.
        if (unsettled) {
            throw new UnresolvedCreateError(`${failure.message}; an account "${request.name}" may still appear: the post step looks again`, {
                cause: failure
            });
        }
        throw failure;
    }
}
/**
 * Removes what a lost create of a generated name made; refuses to guess for a user's name.
 * Returns whether an account was found (and removed); false when none is there yet.
 */
async function settleLostCreate(client, name, generated, failure, warn) {
    let existing;
    try {
        existing = await findByName(client, name);
        if (!existing)
            return false;
        if (generated) {
            warn(`removing ${existing.id}, made by the lost create: its token can never be read`);
            await client.rm(existing.id);
            return true;
        }
    }
    catch (error) {
        throw new UnresolvedCreateError(`${failure.message}; and whether it made an account is unknown: ${(0, errors_js_1.errorMessage)(error)}`, {
            cause: error
        });
    }
    throw new errors_js_1.PlatformError({
        operation: 'create service account',
        status: failure.status,
        code: failure.code,
        message: `${failure.serverMessage || 'the answer was lost'}; an account named "${name}" exists (${existing.id}, created ${existing.created_at}), ` +
            "made by this create or by another job using the same name. It was left as it is: if it is this run's, " +
            `remove it with "apolo service-account rm ${existing.id}"; give each job its own name, or leave "name" empty`,
        cause: failure
    });
}
async function findByName(client, name) {
    try {
        return await client.get(name);
    }
    catch (error) {
        if ((0, errors_js_1.isNotFound)(error))
            return undefined;
        throw error;
    }
}


/***/ }),

/***/ 1186:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.createdBy = createdBy;
exports.prune = prune;
exports.removeEach = removeEach;
exports.failureLines = failureLines;
const answers_js_1 = __nccwpck_require__(3020);
const errors_js_1 = __nccwpck_require__(6316);
/** Created at or before `cutoff`; an unreadable date is never taken for old. */
function createdBy(account, cutoff) {
    const created = (0, answers_js_1.parseCreatedAt)(account.created_at);
    return Number.isFinite(created) && created <= cutoff;
}
/** The caller's accounts whose name starts with the prefix and that are older than the limit. */
function staleAccounts(accounts, options) {
    const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
    return accounts.filter(account => account.name?.startsWith(options.namePrefix) && createdBy(account, cutoff));
}
async function prune(client, options) {
    const stale = staleAccounts(await client.list(), options);
    if (options.dryRun)
        return { removed: stale, failed: [] };
    return removeEach(client, stale);
}
/** Removes accounts one by one, going on past failures so one bad account blocks none. */
async function removeEach(client, accounts) {
    const result = { removed: [], failed: [] };
    for (const account of accounts) {
        try {
            await client.rm(account.id);
            result.removed.push(account);
        }
        catch (error) {
            // Gone in the meantime, e.g. removed by its own run's post step: the goal is met.
            if ((0, errors_js_1.isNotFound)(error))
                continue;
            result.failed.push({ account, reason: (0, errors_js_1.errorMessage)(error) });
        }
    }
    return result;
}
/** Failures named in one message at most: the rest are counted, so a message stays readable. */
const FAILURES_NAMED = 10;
/** The failures as `<id>: <reason>` lines, the first FAILURES_NAMED of them and `and N more`. */
function failureLines(failed) {
    const lines = failed.slice(0, FAILURES_NAMED).map(({ account, reason }) => `${account.id}: ${reason}`);
    if (failed.length > FAILURES_NAMED)
        lines.push(`and ${failed.length - FAILURES_NAMED} more`);
    return lines;
}


/***/ }),

/***/ 7729:
/***/ ((__unused_webpack_module, exports) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.accountOutputs = accountOutputs;
exports.removedOutput = removedOutput;
exports.oversizedOutput = oversizedOutput;
/** The account's outputs, by their action.yml names. */
function accountOutputs(account) {
    return {
        id: account.id,
        name: account.name ?? '',
        role: account.role,
        owner: account.owner,
        'default-cluster': account.default_cluster,
        'default-project': account.default_project,
        'default-org': account.default_org ?? '',
        'created-at': account.created_at,
        'role-deleted': String(account.role_deleted ?? false)
    };
}
/** The `removed` output of prune and of create's sweep: what went, never more than that. */
function removedOutput(accounts) {
    return JSON.stringify(accounts.map(a => ({ id: a.id, name: a.name, created_at: a.created_at })));
}
/** GitHub keeps at most 1 MB of one output: a longer one would reach later steps cut short. */
const OUTPUT_LIMIT_BYTES = 1024 * 1024;
/** Why `value` cannot be the output `name`, or undefined when it can. */
function oversizedOutput(name, value) {
    const bytes = Buffer.byteLength(value);
    if (bytes <= OUTPUT_LIMIT_BYTES)
        return undefined;
    return `the ${name} output would be ${(bytes / OUTPUT_LIMIT_BYTES).toFixed(1)} MB, over the 1 MB GitHub allows for one output, so it is not set`;
}


/***/ }),

/***/ 3020:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readAccount = readAccount;
exports.parseAccounts = parseAccounts;
exports.readCreated = readCreated;
exports.notAsked = notAsked;
exports.readPermissions = readPermissions;
exports.readConfig = readConfig;
exports.parseCreatedAt = parseCreatedAt;
/**
 * The platform's answers read into known shapes: only the fields this action uses, each of
 * the type it expects, so nothing else a server sends reaches outputs, logs or summaries.
 * Also what a create answer must match, and the bounded read of a list.
 */
const errors_js_1 = __nccwpck_require__(6316);
const names_js_1 = __nccwpck_require__(3735);
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const text = (value) => (typeof value === 'string' ? value : '');
const textOrNull = (value) => (typeof value === 'string' ? value : null);
/** An account; its id must look like one, since it is sent back in a path. */
function readAccount(operation, value) {
    if (!isObject(value) || typeof value.id !== 'string' || typeof value.role !== 'string') {
        throw new errors_js_1.PlatformError({ operation, status: 200, message: 'the answer is not a service account' });
    }
    if (!(0, names_js_1.isAccountId)(value.id)) {
        throw new errors_js_1.PlatformError({ operation, status: 200, message: 'the answer holds an account id that is not one' });
    }
    return {
        id: value.id,
        name: textOrNull(value.name),
        role: value.role,
        owner: text(value.owner),
        default_cluster: text(value.default_cluster),
        default_project: text(value.default_project),
        default_org: textOrNull(value.default_org),
        created_at: text(value.created_at),
        role_deleted: value.role_deleted === true
    };
}
/**
 * Lists: bounded in bytes and in accounts. 100,000 accounts is far more than anyone keeps (a
 * platform account is about 300 bytes, so 30 MB), and tens of MB of memory however small a
 * hostile server makes each line; past it the list is refused, not cut.
 */
const LIST_LIMIT = { lineBytes: 64 * 1024, bodyBytes: 64 * 1024 * 1024, accounts: 100_000 };
/**
 * Accounts from an NDJSON stream, parsed a chunk at a time so that memory holds the accounts,
 * not the body; or from a JSON array when the server ignores `Accept`.
 */
async function parseAccounts(operation, response, accounts) {
    const failure = (message) => new errors_js_1.PlatformError({ operation, status: response.status, message });
    const bad = () => failure('the answer is not a list of accounts');
    const parse = (text) => {
        try {
            return JSON.parse(text);
        }
        catch {
            throw bad();
        }
    };
    const add = (value) => {
        if (accounts.length >= LIST_LIMIT.accounts) {
            throw failure(`the list holds more than ${LIST_LIMIT.accounts.toLocaleString('en-US')} accounts, more than this action reads`);
        }
        accounts.push(readAccount(operation, value));
    };
    if (!response.header('content-type')?.includes('ndjson')) {
        const value = parse(await response.text(LIST_LIMIT.bodyBytes));
        if (!Array.isArray(value))
            throw bad();
        for (const item of value)
            add(item);
        return;
    }
    for await (const lines of response.lineBatches(LIST_LIMIT)) {
        for (const line of lines)
            if (line.trim())
                add(parse(line));
    }
}
/** The create answer: an account and its token. Without a token it may still have made one. */
function readCreated(operation, value) {
    const account = readAccount(operation, value);
    const token = value.token;
    if (typeof token !== 'string' || !token) {
        // Unreadable as a create answer: the account may exist, and asking again may do better.
        throw new errors_js_1.PlatformError({ operation, status: 201, message: 'the answer holds no token', unreadable: true });
    }
    return { ...account, token };
}
/**
 * What in a create answer says it is not about the account asked for: its name, its owner
 * (when the caller's identity is known, it is the owner) or its role. Undefined when all fit.
 */
function notAsked(account, name, caller) {
    if (name && account.name !== name)
        return `its name is not "${name}"`;
    if (!account.owner || (caller !== undefined && !ownersOf(caller).includes(account.owner)))
        return 'its owner is not the caller';
    // An unnamed account's role ends in 16 hex characters instead of a name.
    const expected = `${account.owner}/service-accounts/${name || account.role.split('/').pop()}`;
    if (account.role !== expected || !(0, names_js_1.isServiceAccountRole)(account.role))
        return `its role is not "<owner>/service-accounts/${name || '<name>'}"`;
    return undefined;
}
/**
 * Who may own what a caller makes: the caller; for a service account's token (its role,
 * `<user>/service-accounts/<name>`), also the user who owns that account.
 */
function ownersOf(caller) {
    const user = /^([^/]+)\/service-accounts\/[^/]+$/.exec(caller)?.[1];
    return user ? [caller, user] : [caller];
}
function readPermissions(operation, value) {
    if (!Array.isArray(value))
        throw new errors_js_1.PlatformError({ operation, status: 201, message: 'the answer is not a list' });
    return value.filter(isObject).map(p => ({ uri: text(p.uri), action: text(p.action) }));
}
function readConfig(value) {
    const fields = isObject(value) ? value : {};
    const list = (items) => (Array.isArray(items) ? items.filter(isObject) : []);
    return {
        authorized: fields.authorized === true,
        clusters: list(fields.clusters)
            .filter(c => typeof c.name === 'string')
            .map(c => ({
            name: text(c.name),
            orgs: Array.isArray(c.orgs) ? c.orgs.filter(o => typeof o === 'string') : [],
            registry_url: text(c.registry_url)
        })),
        projects: list(fields.projects)
            .filter(p => typeof p.name === 'string' && typeof p.cluster_name === 'string')
            .map(p => ({ name: text(p.name), cluster_name: text(p.cluster_name), org_name: textOrNull(p.org_name) }))
    };
}
/** `created_at` in milliseconds; a time with no offset is UTC, as the platform writes it. */
function parseCreatedAt(value) {
    const hasOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
    return Date.parse(hasOffset ? value : `${value}Z`);
}


/***/ }),

/***/ 6316:
/***/ ((__unused_webpack_module, exports) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.INTERNAL_URL = exports.PlatformError = void 0;
exports.isNotFound = isNotFound;
exports.errorMessage = errorMessage;
exports.redactTokens = redactTokens;
exports.serverMessage = serverMessage;
exports.replaceControls = replaceControls;
exports.hideForeignUrls = hideForeignUrls;
exports.cleanMessage = cleanMessage;
/** A failed call to the platform, carrying only what is safe to print. */
class PlatformError extends Error {
    operation;
    status;
    serverMessage;
    code;
    unreadable;
    retryAfterMs;
    constructor(fields) {
        super(describe(fields), { cause: fields.cause });
        this.name = 'PlatformError';
        this.operation = fields.operation;
        this.status = fields.status;
        this.serverMessage = fields.message;
        this.code = fields.code;
        this.unreadable = fields.unreadable ?? false;
        this.retryAfterMs = fields.retryAfterMs;
    }
}
exports.PlatformError = PlatformError;
function describe({ operation, status, message, code }) {
    if (status === 0)
        return `${operation} failed: ${message}${code ? ` (${code})` : ''}`;
    return `${operation} failed: HTTP ${status}${message ? `: ${message}` : ''}`;
}
function isNotFound(error) {
    return error instanceof PlatformError && error.status === 404;
}
/** The message of anything thrown. */
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}
const MAX_MESSAGE = 300;
// Text looked at for a message: enough for any real one, and bounds the work on a huge body.
const MAX_SCANNED = 4 * MAX_MESSAGE;
/**
 * Cuts out anything that may be a credential: every run of base64/base64url characters
 * that holds `eyJ` (how a JWT, and base64 of any JSON object, begins) or that decodes to
 * text naming a "token" (a full token, whatever its key order or spacing). A run ends
 * after its `=` padding, as base64 does (the decoder stops there), so `token=` before a
 * token is a run of its own. One pass over a single character class, so linear in the
 * text's length.
 */
function redactTokens(text) {
    return text.replace(/[A-Za-z0-9+/_.-]{8,}=*/g, run => (looksLikeToken(run) ? '***' : run));
}
function looksLikeToken(run) {
    if (run.includes('eyJ'))
        return true;
    if (run.length < 16)
        return false;
    // Node's decoder skips `.`, which would shift the alignments below: drop it first.
    const base64 = run.replaceAll('.', '');
    // Each of the four alignments, in case the token is glued to other base64-looking text.
    return [0, 1, 2, 3].some(offset => Buffer.from(base64.slice(offset), 'base64').toString('latin1').includes('"token"'));
}
/**
 * The server's message from an error body, in one of the platform's three shapes:
 * JSON `{"error": ...}`, JSON `{"code", "description"}`, or a short plain-text line.
 * Anything else (HTML from a proxy, binary) yields no message rather than a raw body.
 */
function serverMessage(body, contentType, apiOrigin) {
    const text = body.trim();
    if (text.startsWith('{')) {
        try {
            const parsed = JSON.parse(text);
            const message = parsed.error ?? parsed.description ?? parsed.message;
            return typeof message === 'string' ? cleanMessage(message, apiOrigin) : '';
        }
        catch {
            return '';
        }
    }
    if (contentType?.startsWith('text/plain') && !text.includes('\n'))
        return cleanMessage(text, apiOrigin);
    return '';
}
/** Replaces every C0 and C1 control character and the Unicode line and paragraph separators. */
function replaceControls(text, by) {
    return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, by);
}
/** What stands in the log for a URL of the platform's insides. */
exports.INTERNAL_URL = '<platform-internal URL>';
/** A URL with any scheme; stops at spaces, quotes and brackets, as messages delimit them. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{0,15}:\/\/[^\s'"`<>()[\]{}|\\^]*/gi;
/**
 * Replaces every URL whose origin is not `apiOrigin` by a placeholder: a server's message
 * may name its auth service's internal address, and the log of a public repository is
 * public. The status and the rest of the message stay.
 */
function hideForeignUrls(text, apiOrigin) {
    return text.replace(URL_IN_TEXT, url => (URL.canParse(url) && new URL(url).origin === apiOrigin ? url : exports.INTERNAL_URL));
}
/**
 * One short line, with nothing token-like and no control characters; given the API's
 * origin (for a server's own message), with no URL of anywhere else.
 */
function cleanMessage(message, apiOrigin) {
    // Cut first: a token cut in two still starts with `eyJ` or is under 8 characters.
    const cut = message.slice(0, MAX_SCANNED);
    const scoped = apiOrigin === undefined ? cut : hideForeignUrls(cut, apiOrigin);
    const oneLine = replaceControls(redactTokens(scoped), () => ' ').trim();
    return oneLine.length > MAX_MESSAGE || message.length > MAX_SCANNED ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine;
}


/***/ }),

/***/ 2482:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isLoopbackHost = isLoopbackHost;
const node_net_1 = __nccwpck_require__(7030);
/** Loopback hosts as URL's `hostname` writes them: the only hosts plain http may reach. */
function isLoopbackHost(hostname) {
    // URL writes an IPv4 address, however it was given, as four decimal parts.
    return hostname === 'localhost' || hostname === '[::1]' || ((0, node_net_1.isIPv4)(hostname) && hostname.startsWith('127.'));
}


/***/ }),

/***/ 3735:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isValidName = isValidName;
exports.repositoryTag = repositoryTag;
exports.generatedName = generatedName;
exports.generatedNameRun = generatedNameRun;
exports.randomNamePart = randomNamePart;
exports.isServiceAccountRole = isServiceAccountRole;
exports.isAccountId = isAccountId;
const node_crypto_1 = __nccwpck_require__(7598);
const errors_js_1 = __nccwpck_require__(6316);
/** The server's own name grammar: dot-separated labels of [a-z0-9-], alphanumeric at both ends. */
const NAME_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
function isValidName(name) {
    return NAME_PATTERN.test(name);
}
/** Every generated name starts with this, so `prune` can find what runs left behind. */
const GENERATED_NAME_PREFIX = 'gha-';
/** Hex digits of randomness in a generated name: 64 bits. */
const RANDOM_HEX = 16;
/**
 * The repository exactly, whatever its name: `r<GITHUB_REPOSITORY_ID>`, or without one
 * `h<16 hex of SHA-256 of owner/name>` (GitHub's names are case-insensitive).
 */
function repositoryTag(run) {
    if (/^\d{1,20}$/.test(run.repositoryId))
        return `r${run.repositoryId}`;
    return `h${(0, node_crypto_1.createHash)('sha256').update(run.repository.toLowerCase()).digest('hex').slice(0, 16)}`;
}
/**
 * A name that traces the account to the run that made it, fitted to the name grammar:
 * `gha-<repo>-<job>-<repository tag>-<run id>-<attempt>-<16 hex random>`. The readable
 * labels come first, so `name-prefix: gha-<repo>-` finds them; the exact parts come last,
 * each free of `-`, so a name is read from its end without doubt.
 */
function generatedName(run, randomHex) {
    const parts = [
        label(repositoryName(run.repository), 30),
        label(run.job, 30),
        repositoryTag(run),
        digits(run.runId, 20) || '0',
        digits(run.runAttempt, 5) || '1',
        randomHex
    ].filter(Boolean);
    return GENERATED_NAME_PREFIX + parts.join('-');
}
/** What `generatedName` ends with: repository tag, run id, attempt, random. */
const GENERATED_TAIL = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?(r\d{1,20}|h[0-9a-f]{16})-(\d{1,20})-\d{1,5}-[0-9a-f]{16}$/;
/**
 * The run id in a name `generatedName` made for this repository, or undefined when the name
 * is not one: the repository tag must be this repository's exactly, so no other repository's
 * name is taken for ours however alike the two repositories' names are. A name over 200
 * characters is not read: no generated name comes near.
 */
function generatedNameRun(name, run) {
    const repo = label(repositoryName(run.repository), 30);
    const prefix = GENERATED_NAME_PREFIX + (repo ? `${repo}-` : '');
    if (name.length > 200 || !name.startsWith(prefix))
        return undefined;
    const match = GENERATED_TAIL.exec(name.slice(prefix.length));
    return match && match[1] === repositoryTag(run) ? match[2] : undefined;
}
/** The random part of `generatedName`: matrix legs share run, attempt and job, never this. */
function randomNamePart() {
    return (0, node_crypto_1.randomBytes)(RANDOM_HEX / 2).toString('hex');
}
/** `name` of `owner/name`. */
function repositoryName(repository) {
    return repository.slice(repository.lastIndexOf('/') + 1);
}
function digits(value, maxLength) {
    return value.length <= maxLength && /^\d+$/.test(value) ? value : '';
}
function label(value, maxLength) {
    return value
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, maxLength)
        .replace(/^-|-$/g, '');
}
/**
 * A service account's role, `<owner>/service-accounts/<name>` (the owner a user, or the role
 * of the account that made it): the only shape sent as `users/<role>/permissions`, since
 * `/` becomes `:` on the way and any other character or segment would name another user.
 * At most 1024 characters, so that the path stays short.
 */
function isServiceAccountRole(role) {
    if (role.length > 1024)
        return false;
    const [name, kind, ...owner] = role.split('/').reverse();
    return (kind === 'service-accounts' &&
        isValidName(name) &&
        owner.length > 0 &&
        owner.every(segment => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(segment)));
}
/**
 * What an account id may be before it is sent back in a path or saved for post:
 * `service-account-<uuid4>` on the platform; any short run of URL-safe characters that
 * starts with a letter or digit, and is nothing token-like (a server echoing a credential).
 */
function isAccountId(value) {
    return /^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$/.test(value) && (0, errors_js_1.redactTokens)(value) === value;
}


/***/ }),

/***/ 2731:
/***/ ((__unused_webpack_module, exports) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parsePermissions = parsePermissions;
const PERMISSION_ACTIONS = ['read', 'write', 'manage'];
/**
 * Parses one grant per line, `<uri> <action>`. Blank lines and `#` comments are skipped.
 * Throws with the line number and what is wrong.
 */
function parsePermissions(text) {
    const permissions = [];
    text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.split('#', 1)[0].trim();
        if (!line)
            return;
        const fields = line.split(/\s+/);
        const where = `line ${index + 1} ("${line}")`;
        if (fields.length !== 2)
            throw new Error(`${where} must be "<uri> <action>", e.g. "storage://default/my-org/my-project/data read"`);
        const [uri, action] = fields;
        if (!/^[a-z][a-z0-9+.-]*:\/\/[\x21-\x7e]+$/.test(uri)) {
            throw new Error(`${where} has no full URI: write it as scheme://..., e.g. storage://<cluster>/<org>/<project>/path`);
        }
        if (/^image:\/\/[^/]+\/.*[:@]/.test(uri)) {
            throw new Error(`${where} names an image with a tag or digest: grant on the image name, without ":tag" or "@sha256:…", as the platform refuses tags`);
        }
        if (!PERMISSION_ACTIONS.includes(action)) {
            throw new Error(`${where} has action "${action}"; allowed: ${PERMISSION_ACTIONS.join(', ')}`);
        }
        permissions.push({ uri, action: action });
    });
    return permissions;
}


/***/ }),

/***/ 385:
/***/ ((__unused_webpack_module, exports) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ThrottleMemory = void 0;
exports.surelyNotSent = surelyNotSent;
exports.isTransient = isTransient;
exports.isThrottled = isThrottled;
exports.isAuthHiccup = isAuthHiccup;
exports.mayRepeat = mayRepeat;
exports.mayHaveActed = mayHaveActed;
exports.backoffDelay = backoffDelay;
exports.parseRetryAfter = parseRetryAfter;
/** Failures before any byte of the request left this machine. */
const NOT_SENT_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'UND_ERR_CONNECT_TIMEOUT',
    'ENETUNREACH',
    'EHOSTUNREACH',
    // A tunnel the proxy closed or never opened: the request waits for the tunnel (proxy.ts).
    'PROXY_CLOSED',
    'PROXY_NO_ANSWER'
]);
/** Network failures that can pass: refused, reset, timed out, cut short. Not TLS errors. */
const PASSING_CODES = new Set([
    ...NOT_SENT_CODES,
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'UND_ERR_SOCKET',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'TIMEOUT'
]);
/** Throttling and gateway trouble; never an answer about the request itself. */
const PASSING_STATUSES = new Set([429, 502, 503, 504]);
/**
 * Failures before the request could reach the platform: refused, unresolved, unreachable,
 * a TLS handshake that failed (the request is sent only after it), or no time left to send.
 */
function surelyNotSent(failure) {
    if (failure.status !== 0)
        return false;
    // Stryker disable next-line StringLiteral: no rule names the stand-in, so any string is an unknown code
    const code = failure.code ?? '';
    return NOT_SENT_CODES.has(code) || code === 'OUT_OF_TIME' || TLS_CODE.test(code);
}
/** Node's and OpenSSL's codes for a TLS handshake or certificate that failed. */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;
/** Worth trying again: the same request may well succeed in a moment. */
function isTransient(failure) {
    // Stryker disable next-line StringLiteral: no rule names the stand-in, so any string is an unknown code
    if (failure.status === 0)
        return PASSING_CODES.has(failure.code ?? '');
    return failure.unreadable || PASSING_STATUSES.has(failure.status);
}
/**
 * The platform asking the client to wait: a 429, or a 503 that says for how long. Retried
 * for as long as the time budget allows, without counting against `max-attempts`.
 */
function isThrottled(failure) {
    return failure.status === 429 || (failure.status === 503 && failure.retryAfterMs !== undefined);
}
/**
 * A 401 for a token the platform has accepted before in this job: its auth service
 * hiccupped (the server answers 401 when its auth check fails), the token is not wrong.
 * A removal follows only an accepted request, or a saved record that proves one.
 */
function isAuthHiccup(kind, failure, tokenAccepted) {
    return failure.status === 401 && (tokenAccepted || kind === 'remove');
}
/**
 * May the client send the very same request again after this failure? `tokenAccepted`:
 * the platform has accepted this bearer earlier in the job.
 */
function mayRepeat(kind, failure, tokenAccepted = false) {
    // A 401 and a 429 come before the platform acts: even a create surely made nothing.
    if (isAuthHiccup(kind, failure, tokenAccepted) || failure.status === 429)
        return true;
    // A create that may have acted is settled by a look-up first (operations/create.ts).
    if (kind === 'create')
        return surelyNotSent(failure) && isTransient(failure);
    // Giving up a removal leaves a live credential behind.
    if (kind === 'remove' && failure.status === 500)
        return true;
    return isTransient(failure);
}
/**
 * Could a create that failed like this have made the account? Only a 4xx is the platform
 * (or a proxy) refusing; anything else (a lost or cut answer, a redirect, a 5xx from a
 * gateway that may stand after the platform) may have come after it acted.
 */
function mayHaveActed(failure) {
    if (failure.status === 0)
        return !surelyNotSent(failure);
    return failure.status < 400 || failure.status >= 500;
}
/**
 * How long to wait before retry number `retry` (1 for the first). Full jitter: a random
 * share of a ceiling that doubles per retry, as AWS's standard retry mode and Google's
 * backoff guidance do, so that jobs failing together come back apart. A `Retry-After` is
 * a floor, never the whole wait: the share is added on top of it, with a ceiling of twice
 * the time asked for, doubling per retry, so that a throttled herd spreads out over more
 * than the platform's own estimate instead of returning in the same instant.
 */
function backoffDelay(retry, retryAfterMs, { baseMs, maxMs }, random) {
    const ceiling = Math.min(maxMs, Math.max(baseMs * 2 ** (retry - 1), (retryAfterMs ?? 0) * 2 ** retry));
    const floor = Math.min(retryAfterMs ?? 0, maxMs);
    return Math.min(maxMs, Math.floor(floor + random() * ceiling));
}
/** How long after a throttled answer a job still counts itself throttled. */
const THROTTLE_MEMORY_MS = 10_000;
/**
 * What a job has heard of throttling lately, shared by its clients: the idea of AWS's
 * adaptive retry mode (a throttled client slows all its requests, more the more it is
 * throttled) cut to a job that sends a few requests. Within 10 s of a throttled answer:
 * - a new request (not a retry) first waits a random share of the last wait asked for,
 *   doubled per throttled answer the job has had, so that the request after a throttled
 *   one (verification after a create) does not meet the same congestion at once;
 * - a throttled retry backs off from the job's count of throttled answers, not the
 *   request's, so a job that keeps being throttled keeps spreading further.
 */
class ThrottleMemory {
    // Stryker disable next-line UnaryOperator: with no answer recorded the count and wait are 0, so "recent" changes no result
    atMs = -Infinity;
    waitMs = 0;
    count = 0;
    /** Notes a throttled answer that asked for `retryAfterMs` (or the base wait). */
    record(nowMs, waitMs) {
        this.count = this.recent(nowMs) ? this.count + 1 : 1;
        this.atMs = nowMs;
        this.waitMs = waitMs;
    }
    /** The wait before a new request. */
    pacingDelay(nowMs, maxMs, random) {
        if (!this.recent(nowMs))
            return 0;
        return Math.floor(random() * Math.min(maxMs, this.waitMs * 2 ** (this.count - 1)));
    }
    /** The retry number a throttled request backs off from: at least the job's count. */
    retryNumber(nowMs, retry) {
        return this.recent(nowMs) ? Math.max(retry, this.count) : retry;
    }
    recent(nowMs) {
        return nowMs - this.atMs <= THROTTLE_MEMORY_MS;
    }
}
exports.ThrottleMemory = ThrottleMemory;
/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; undefined when absent or bad. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d{1,9}$/.test(trimmed))
        return Number(trimmed) * 1000;
    if (trimmed.length > 64)
        return undefined;
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}


/***/ }),

/***/ 6248:
/***/ ((__unused_webpack_module, exports) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.loadTlsEarly = loadTlsEarly;
/**
 * Loading Node's TLS (Node 24) starts reading its root certificates on another thread. For an
 * https API it is loaded before the client's code compiles, so that the reading overlaps that
 * work instead of holding up the first connection (README, "Performance": "TLS loads early").
 */
function loadTlsEarly(apiUrl) {
    if (apiUrl.startsWith('https:'))
        process.getBuiltinModule('node:tls');
}


/***/ }),

/***/ 206:
/***/ ((__unused_webpack_module, exports) => {

"use strict";

/** The two forms of platform credential and the conversions between them. */
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.FULL_TOKEN_MAX_CHARS = void 0;
exports.parseCredential = parseCredential;
exports.decodeFullToken = decodeFullToken;
exports.tokenMasks = tokenMasks;
exports.tokenIdentity = tokenIdentity;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
function isJwt(value) {
    return JWT.test(value);
}
/**
 * Reads a credential in either form. Throws an error that never contains the value.
 */
function parseCredential(value) {
    const trimmed = value.trim();
    if (isJwt(trimmed))
        return { authToken: trimmed, context: {} };
    const decoded = decodeFullToken(trimmed);
    if (!decoded) {
        throw new Error('is neither an auth token (a JWT) nor a full token (base64 JSON with "token" and "url")');
    }
    return { authToken: decoded.authToken, fullToken: trimmed, context: decoded.context };
}
/** The longest full token taken: the platform's are under 2 KiB. */
exports.FULL_TOKEN_MAX_CHARS = 16 * 1024;
/** The JWT and context inside a full token, or undefined when it is not one. */
function decodeFullToken(value) {
    if (value.length > exports.FULL_TOKEN_MAX_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(value))
        return undefined;
    const fields = decodedJson(value, 'base64');
    if (typeof fields?.token !== 'string' || !isJwt(fields.token))
        return undefined;
    return {
        authToken: fields.token,
        context: {
            url: stringOrUndefined(fields.url),
            cluster: stringOrUndefined(fields.cluster),
            project: stringOrUndefined(fields.project_name),
            org: stringOrUndefined(fields.org_name)
        }
    };
}
/** The JSON value in base64 text, or undefined when it holds none. */
function decodedJson(text, encoding) {
    try {
        return JSON.parse(Buffer.from(text, encoding).toString('utf8'));
    }
    catch {
        // Not JSON: undefined.
    }
}
function stringOrUndefined(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
/** Masks one malformed token may issue: each is matched against every later line of the job. */
const MAX_MASKS = 16;
/**
 * What of a created token to mask. A full token: itself and its JWT (`whole`: the token can
 * be handed out). Anything else is masked as far as is safe: as given, trimmed, without
 * whitespace, the JWT inside, then whitespace-separated pieces, at most MAX_MASKS forms of 8
 * to FULL_TOKEN_MAX_CHARS characters (shorter ones would hide ordinary words). No form that
 * holds or is part of `visible` (the account id a failure tells the user to remove) is
 * masked; a full token with such a form is not `whole`.
 */
function tokenMasks(raw, visible) {
    const hides = (form) => form.includes(visible) || visible.includes(form);
    const decoded = decodeFullToken(raw);
    if (decoded) {
        const masks = [raw, decoded.authToken].filter(form => !hides(form));
        return { masks, whole: masks.length === 2 };
    }
    const masks = new Set();
    const add = (form) => {
        if (form && form.length >= 8 && form.length <= exports.FULL_TOKEN_MAX_CHARS && !hides(form))
            masks.add(form);
    };
    const compact = raw.length <= 2 * exports.FULL_TOKEN_MAX_CHARS ? raw.replace(/\s/g, '') : '';
    for (const form of [raw, raw.trim(), compact, innerToken(compact)])
        add(form);
    for (const [piece] of raw.matchAll(/\S+/g)) {
        if (masks.size >= MAX_MASKS)
            break;
        add(piece);
    }
    return { masks: [...masks], whole: false };
}
/** The `token` field of base64 JSON, however malformed the rest. */
function innerToken(compact) {
    if (compact.length > exports.FULL_TOKEN_MAX_CHARS)
        return undefined;
    const inner = decodedJson(compact, 'base64')?.token;
    return typeof inner === 'string' ? inner.trim() : undefined;
}
/** Where the platform reads a caller's identity from in its JWTs; the SDK also reads `identity`. */
const IDENTITY_CLAIMS = ['https://platform.neuromation.io/user', 'identity'];
/**
 * The identity a JWT's payload names (a user, or a service account's role), unverified: the
 * platform's answers are checked against it, never trusted for it. Undefined when unreadable.
 */
function tokenIdentity(jwt) {
    const payload = jwt.split('.')[1];
    if (!payload || payload.length > 64 * 1024)
        return undefined;
    const claims = decodedJson(payload, 'base64url');
    const identity = IDENTITY_CLAIMS.map(claim => claims?.[claim]).find(value => typeof value === 'string' && value);
    return identity;
}


/***/ }),

/***/ 6661:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {

"use strict";

var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.runPost = runPost;
const promises_1 = __nccwpck_require__(8500);
const config_dir_js_1 = __nccwpck_require__(7819);
const inputs_js_1 = __nccwpck_require__(8422);
const create_js_1 = __nccwpck_require__(3776);
const errors_js_1 = __nccwpck_require__(6316);
const tls_early_js_1 = __nccwpck_require__(6248);
const runner = __importStar(__nccwpck_require__(4813));
const state_js_1 = __nccwpck_require__(2462);
const summary_js_1 = __nccwpck_require__(8855);
/**
 * Waits between looks for an account whose create main never saw the end of: it may show
 * up a moment after the create's answer was lost (README, "When an answer is lost").
 */
const PENDING_LOOKUP_DELAYS_MS = [1_000, 2_000, 4_000];
/** The post step: removes what main created, when asked to. Runs even when the job failed. */
async function runPost() {
    cleanConfigDir();
    const record = (0, state_js_1.loadAccount)();
    switch (record.kind) {
        case 'none':
            runner.info('No service account was created by this step: nothing to remove.');
            return;
        case 'invalid':
            runner.warning('The saved state is not one this action writes: nothing is removed.');
            return;
        case 'created':
            if (!record.cleanup && record.delivered) {
                runner.info(`cleanup is false: service account ${record.id} is kept.`);
                runner.writeSummary((0, summary_js_1.removedSummary)(record.id, 'kept'));
                return;
            }
            // An account whose token never reached the workflow goes whatever cleanup says.
            // Main's create answered with this credential: a 401 now is a hiccup.
            // Stryker disable next-line BooleanLiteral: a removal's 401 is a hiccup either way (retry.ts isAuthHiccup)
            return withClient(record.id, true, client => removeAccount(client, record.id));
        case 'pending':
            return withClient(record.name, record.tokenAccepted, client => removePending(client, record));
    }
}
async function withClient(target, tokenAccepted, work) {
    try {
        const connection = (0, inputs_js_1.readConnection)(runner.readInput, runner.mask);
        (0, tls_early_js_1.loadTlsEarly)(connection.apiUrl);
        const { createClient } = await Promise.all(/* import() */[__nccwpck_require__.e(99), __nccwpck_require__.e(523)]).then(__nccwpck_require__.bind(__nccwpck_require__, 523));
        await work(await createClient(connection, runner.debug, tokenAccepted));
    }
    catch (error) {
        runner.writeSummary((0, summary_js_1.removedSummary)(target, 'NOT removed'));
        runner.setFailed(`Service account ${target} could not be removed and its token may still be valid: ${(0, errors_js_1.errorMessage)(error)}. ` +
            `Remove it by hand: apolo service-account rm ${target}`);
    }
}
async function removeAccount(client, id) {
    try {
        await client.rm(id);
    }
    catch (error) {
        if (!(0, errors_js_1.isNotFound)(error))
            throw error;
        runner.warning(`Service account ${id} was already gone.`);
        runner.writeSummary((0, summary_js_1.removedSummary)(id, 'already gone'));
        return;
    }
    runner.info(`Removed service account ${id}; its token is revoked.`);
    runner.writeSummary((0, summary_js_1.removedSummary)(id, 'removed'));
}
/** Main never saw the create's answer: find what it made, if anything, and remove it if provably this run's. */
async function removePending(client, record) {
    if (!record.generated) {
        // A name the workflow chose may be another job's: what holds it is never removed on a guess.
        const account = await (0, create_js_1.findByName)(client, record.name);
        if (!account) {
            runner.info(`The create of "${record.name}" made no account: nothing to remove.`);
            return;
        }
        runner.warning(`Main stopped before it saw the create of "${record.name}" finish. An account of that name exists (${account.id}); ` +
            `it may be this run's or another job's, so it is left. If it is this run's, remove it: apolo service-account rm ${account.id}`);
        runner.writeSummary((0, summary_js_1.removedSummary)(account.id, 'left'));
        return;
    }
    for (const delay of [0, ...PENDING_LOOKUP_DELAYS_MS]) {
        if (delay)
            await (0, promises_1.setTimeout)(delay);
        // A generated name is this run's alone: whatever holds it is the lost create's account.
        const account = await (0, create_js_1.findByName)(client, record.name);
        if (account) {
            runner.warning(`Main stopped before it saw the create finish; removing ${account.id} ("${record.name}") made by it`);
            return removeAccount(client, account.id);
        }
    }
    runner.info(`The create of "${record.name}" made no account: nothing to remove.`);
}
function cleanConfigDir() {
    const dir = (0, state_js_1.loadConfigDir)();
    // Stryker disable next-line ConditionalExpression: removeConfigDir('') finds nothing there and leaves it
    if (!dir)
        return;
    try {
        const refused = (0, config_dir_js_1.removeConfigDir)(dir, runner.runnerTemp());
        if (refused)
            runner.warning(`Left the folder ${dir}: ${refused}`);
    }
    catch (error) {
        runner.warning(`Could not remove the CLI config folder ${dir}: ${(0, errors_js_1.errorMessage)(error)}`);
    }
}


/***/ }),

/***/ 4813:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readInput = readInput;
exports.safeText = safeText;
exports.mask = mask;
exports.info = info;
exports.debug = debug;
exports.warning = warning;
exports.setFailed = setFailed;
exports.setOutput = setOutput;
exports.saveState = saveState;
exports.getState = getState;
exports.exportVariable = exportVariable;
exports.writeSummary = writeSummary;
exports.runnerTemp = runnerTemp;
exports.runIdentity = runIdentity;
/**
 * The runner's side: the one module that talks to @actions/core, and the one way to the
 * log. Everything else gets plain values and functions.
 *
 * Start-up time is paid on every CI job, so this takes only the parts of @actions/core that
 * a run uses. Its entry point would also evaluate @actions/http-client with all of undici
 * (for OIDC); the files below are the same code it re-exports, reached by path since the
 * package does not export them.
 */
const node_fs_1 = __nccwpck_require__(3024);
const node_os_1 = __nccwpck_require__(8161);
const file_command_js_1 = __nccwpck_require__(8792);
const errors_js_1 = __nccwpck_require__(6316);
/** An input as @actions/core's getInput reads it: trimmed, '' when unset. */
function readInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
/**
 * The only writer to stdout. The runner obeys `::command::` at the start of any line and
 * `##[command]` anywhere in it, so text from the platform or an input must never start a
 * line or hold a line break: control characters are escaped as the runner's own command
 * values are, and a command-looking start is broken. Anything token-like is cut out too.
 */
function emit(command, text) {
    // A secret is given to the runner as it is; everything else is made safe first.
    const data = command === 'add-mask' ? escapeCommandData(text) : safeText(text, command !== undefined);
    process.stdout.write(`${command ? `::${command}::` : ''}${data}${node_os_1.EOL}`);
}
/**
 * Any text as one inert line (see `emit`); a command's value also has `%` escaped, since
 * the runner unescapes it. Exported for its tests.
 */
function safeText(text, commandData = false) {
    const redacted = (0, errors_js_1.redactTokens)(text);
    const escaped = commandData ? escapeCommandData(redacted) : escapeBreaks(redacted);
    return (0, errors_js_1.replaceControls)(escaped, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
        .replace(/^(\s*):/, '$1%3A')
        .replace(/##\[/g, '##%5B');
}
/** As @actions/core escapes a command's value: the runner reverses exactly this. */
function escapeCommandData(text) {
    return escapeBreaks(text.replace(/%/g, '%25'));
}
function escapeBreaks(text) {
    return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function mask(secret) {
    if (secret)
        emit('add-mask', secret);
}
function info(message) {
    emit(undefined, message);
}
function debug(message) {
    emit('debug', message);
}
function warning(message) {
    emit('warning', message);
}
function setFailed(message) {
    process.exitCode = 1;
    emit('error', message);
}
/** Output, state and env values go through files with a random delimiter, never stdout. */
function setOutput(name, value) {
    (0, file_command_js_1.issueFileCommand)('OUTPUT', (0, file_command_js_1.prepareKeyValueMessage)(name, value));
}
function saveState(name, value) {
    (0, file_command_js_1.issueFileCommand)('STATE', (0, file_command_js_1.prepareKeyValueMessage)(name, value));
}
function getState(name) {
    return process.env[`STATE_${name}`] ?? '';
}
function exportVariable(name, value) {
    process.env[name] = value;
    (0, file_command_js_1.issueFileCommand)('ENV', (0, file_command_js_1.prepareKeyValueMessage)(name, value));
}
/**
 * Appends to the job summary, as @actions/core's `summary.addRaw(markdown, true).write()`
 * does; a failure to write it is a warning, never a failed step. (That module's file
 * access goes through `fs.promises`, which loads Node's readline and REPL parts.) At once,
 * as the file commands are written: a run that looks up no host name (an API at an IP
 * address) would otherwise start libuv's thread pool for this one write.
 */
function writeSummary(markdown) {
    try {
        const path = process.env.GITHUB_STEP_SUMMARY;
        if (!path)
            throw new Error('GITHUB_STEP_SUMMARY is not set: this runner keeps no job summary');
        (0, node_fs_1.appendFileSync)(path, `${markdown}${node_os_1.EOL}`);
    }
    catch (error) {
        warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
    }
}
/** The folder for per-job files: the runner's temp folder, or the system's outside a run. */
function runnerTemp() {
    return process.env.RUNNER_TEMP || undefined;
}
/**
 * The run that is making accounts, for default names, read from the runner's variables.
 * Not @actions/github's Context: it prints to stdout itself when GITHUB_EVENT_PATH is missing.
 */
function runIdentity() {
    const env = (name) => (process.env[name] ?? '').trim();
    return {
        repository: env('GITHUB_REPOSITORY') || 'local', // 'local': outside a workflow run
        repositoryId: env('GITHUB_REPOSITORY_ID'),
        runId: env('GITHUB_RUN_ID'),
        runAttempt: env('GITHUB_RUN_ATTEMPT'),
        job: env('GITHUB_JOB')
    };
}


/***/ }),

/***/ 2462:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.encodeAccount = encodeAccount;
exports.decodeAccount = decodeAccount;
exports.saveAccount = saveAccount;
exports.saveConfigDir = saveConfigDir;
exports.loadAccount = loadAccount;
exports.loadConfigDir = loadConfigDir;
/**
 * What main leaves for post, in one place: the keys, the record, and the checks post makes
 * before it believes any of it. Never a secret.
 */
const names_js_1 = __nccwpck_require__(3735);
const runner_js_1 = __nccwpck_require__(4813);
const STATE_KEYS = {
    account: 'account',
    /** The CLI config folder made by export-env, for post to remove. */
    configDir: 'config-dir'
};
function encodeAccount(record) {
    return JSON.stringify(record);
}
/**
 * The record as post reads it: anything malformed is no record at all, since post must
 * never act on what it cannot prove main saved.
 */
function decodeAccount(text) {
    if (!text)
        return { kind: 'none' };
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return { kind: 'invalid' };
    }
    // Any other JSON value (a string, a number, an array) has no kind, so is refused below.
    if (value === null)
        return { kind: 'invalid' };
    const { kind, cleanup } = value;
    if (kind === 'none')
        return { kind };
    if (typeof cleanup !== 'boolean')
        return { kind: 'invalid' };
    if (kind === 'pending') {
        const { name, generated, tokenAccepted } = value;
        if (typeof name !== 'string' || !(0, names_js_1.isValidName)(name))
            return { kind: 'invalid' };
        if (typeof generated !== 'boolean' || typeof tokenAccepted !== 'boolean')
            return { kind: 'invalid' };
        return { kind, name, generated, cleanup, tokenAccepted };
    }
    if (kind === 'created') {
        const { id, delivered } = value;
        if (typeof id !== 'string' || !(0, names_js_1.isAccountId)(id) || typeof delivered !== 'boolean')
            return { kind: 'invalid' };
        return { kind, id, delivered, cleanup };
    }
    return { kind: 'invalid' };
}
/** Main's side: the latest record wins, as the runner keeps the last value of a key. */
function saveAccount(record) {
    (0, runner_js_1.saveState)(STATE_KEYS.account, encodeAccount(record));
}
function saveConfigDir(dir) {
    (0, runner_js_1.saveState)(STATE_KEYS.configDir, dir);
}
/** Post's side. */
function loadAccount() {
    return decodeAccount((0, runner_js_1.getState)(STATE_KEYS.account));
}
function loadConfigDir() {
    return (0, runner_js_1.getState)(STATE_KEYS.configDir);
}


/***/ }),

/***/ 8855:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

"use strict";

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.SUMMARY_ROWS = void 0;
exports.createdSummary = createdSummary;
exports.accountsSummary = accountsSummary;
exports.removedSummary = removedSummary;
exports.cell = cell;
const errors_js_1 = __nccwpck_require__(6316);
/** Job summary sections as Markdown. Never given a token. */
function createdSummary(account, permissions, cleanup) {
    return [
        '### Apolo service account created',
        '',
        table(['Field', 'Value'], [
            ['ID', code(account.id)],
            ['Name', code(account.name ?? '(none)')],
            ['Role', code(account.role)],
            ['Owner', cell(account.owner)],
            ['Cluster', cell(account.default_cluster)],
            ['Project', cell(account.default_project)],
            ['Org', cell(account.default_org ?? '(none)')],
            ['Created at', cell(account.created_at)],
            [
                'Permissions',
                permissions.length ? permissions.map(p => `${code(p.uri)} ${cell(p.action)}`).join('<br>') : '(none)'
            ],
            ['Removed by the post step', cleanup ? 'yes' : 'no (<code>cleanup: false</code>)']
        ])
    ].join('\n');
}
/** Rows shown at most: a step's summary is capped at 1 MiB, and a long table helps nobody. */
exports.SUMMARY_ROWS = 100;
function accountsSummary(title, accounts) {
    if (!accounts.length)
        return `### ${title}\n\nNone.\n`;
    const more = accounts.length - exports.SUMMARY_ROWS;
    return [
        `### ${title} (${accounts.length})`,
        '',
        table(['Name', 'ID', 'Cluster', 'Project', 'Org', 'Created at'], accounts
            .slice(0, exports.SUMMARY_ROWS)
            .map(a => [
            code(a.name ?? '(none)'),
            code(a.id),
            cell(a.default_cluster),
            cell(a.default_project),
            cell(a.default_org ?? ''),
            cell(a.created_at)
        ])),
        more > 0 ? `… and ${more} more (the step's output has them all).\n` : ''
    ].join('\n');
}
function removedSummary(account, outcome) {
    return `### Apolo service account cleanup\n\n${code(account)}: **${outcome}**\n`;
}
function table(header, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line), ''].join('\n');
}
function code(value) {
    return `<code>${cell(value)}</code>`;
}
// A cell longer than this says nothing more, and a server could send megabytes.
const MAX_CELL = 200;
/**
 * A value from the platform as inert text in a Markdown table: every character that is not
 * plainly safe becomes an HTML character reference, which Markdown shows as that character
 * and never reads as syntax (`|`, `*`, `<`, backticks, brackets, line breaks all included).
 * GitHub also makes links of bare `http://`, `https://`, `ftp://` and `www.` addresses and of
 * e-mail addresses (and mentions of `@` names): a joiner inside each `://` of those schemes,
 * each `www.` and around each `@` keeps them plain text, so a hostile platform cannot put a
 * link in the summary. Other URIs (`storage://…`) are never links and are left as they are.
 */
function cell(value) {
    // U+2060 WORD JOINER: invisible, and no link GitHub's autolinker finds runs across it.
    const joiner = '\u2060';
    const cut = value.length > MAX_CELL ? `${value.slice(0, MAX_CELL)}…` : value;
    const unlinked = (0, errors_js_1.replaceControls)((0, errors_js_1.redactTokens)(cut), () => ' ')
        .replace(/(https?|ftp):\/\//gi, `$1:${joiner}//`)
        .replace(/(w{3})\./gi, `$1${joiner}.`)
        .replace(/@/g, `${joiner}@${joiner}`);
    return unlinked.replace(/[^A-Za-z0-9 .,:/@+=…-]/gu, c => `&#${c.codePointAt(0)};`);
}


/***/ }),

/***/ 4589:
/***/ ((module) => {

"use strict";
// scripts/build.js: node:assert loads on the first failed check.
module.exports = function assert(value, message) {
  if (value) return
  const { AssertionError } = require("node:assert")
  throw new AssertionError({ message, actual: value, expected: true, operator: '==', stackStartFn: assert })
};

/***/ }),

/***/ 6698:
/***/ ((module) => {

"use strict";
module.exports = require("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

"use strict";
module.exports = require("node:buffer");

/***/ }),

/***/ 7598:
/***/ ((module) => {

"use strict";
module.exports = require("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

"use strict";
module.exports = require("node:diagnostics_channel");

/***/ }),

/***/ 8474:
/***/ ((module) => {

"use strict";
module.exports = require("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

"use strict";
module.exports = require("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

"use strict";
module.exports = require("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

"use strict";
module.exports = require("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

"use strict";
module.exports = require("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

"use strict";
module.exports = require("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

"use strict";
module.exports = require("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

"use strict";
module.exports = require("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

"use strict";
module.exports = require("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

"use strict";
module.exports = require("node:querystring");

/***/ }),

/***/ 99:
/***/ ((module) => {

"use strict";
module.exports = require("node:sqlite");

/***/ }),

/***/ 7075:
/***/ ((module) => {

"use strict";
module.exports = require("node:stream");

/***/ }),

/***/ 8500:
/***/ ((module) => {

"use strict";
module.exports = require("node:timers/promises");

/***/ }),

/***/ 1692:
/***/ ((module) => {

"use strict";
module.exports = require("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

"use strict";
module.exports = require("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

"use strict";
module.exports = require("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

"use strict";
module.exports = require("node:util/types");

/***/ }),

/***/ 8877:
/***/ ((module) => {

"use strict";
module.exports = require("node:v8");

/***/ }),

/***/ 5919:
/***/ ((module) => {

"use strict";
module.exports = require("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

"use strict";
module.exports = require("node:zlib");

/***/ }),

/***/ 6984:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

// ncc's entry: a CommonJS file, so that ncc builds dist/ as CommonJS, which Node loads faster
// than ES modules (README, "Start-up"). It is src/index.ts, re-exported.
module.exports = __nccwpck_require__(9407)


/***/ }),

/***/ 8792:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

"use strict";
// ESM COMPAT FLAG
__nccwpck_require__.r(__webpack_exports__);

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  issueFileCommand: () => (/* binding */ issueFileCommand),
  prepareKeyValueMessage: () => (/* binding */ prepareKeyValueMessage)
});

;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = require("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = require("fs");
;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = require("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_namespaceObject.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_namespaceObject.appendFileSync(filePath, `${toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	// Loads what scripts/build.js moved out of undici's chunk, when one of those modules is required.
function __nccwpck_require_moved__(moduleId) {
  Object.assign(__webpack_modules__, require('./undici-unused.cjs'))
  return __webpack_modules__[moduleId]
}
function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			id: moduleId,
/******/ 			loaded: false,
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			(__webpack_modules__[moduleId] ?? __nccwpck_require_moved__(moduleId)).call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Flag the module as loaded
/******/ 		module.loaded = true;
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/******/ 	// expose the modules object (__webpack_modules__)
/******/ 	__nccwpck_require__.m = __webpack_modules__;
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/asset-relocator-loader */
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/******/ 	/* webpack/runtime/create fake namespace object */
/******/ 	(() => {
/******/ 		var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 		var leafPrototypes;
/******/ 		// create a fake namespace object
/******/ 		// mode & 1: value is a module id, require it
/******/ 		// mode & 2: merge all properties of value into the ns
/******/ 		// mode & 4: return value when already ns object
/******/ 		// mode & 16: return value when it's Promise-like
/******/ 		// mode & 8|1: behave like require
/******/ 		__nccwpck_require__.t = function(value, mode) {
/******/ 			if(mode & 1) value = this(value);
/******/ 			if(mode & 8) return value;
/******/ 			if(typeof value === 'object' && value) {
/******/ 				if((mode & 4) && value.__esModule) return value;
/******/ 				if((mode & 16) && typeof value.then === 'function') return value;
/******/ 			}
/******/ 			var ns = Object.create(null);
/******/ 			__nccwpck_require__.r(ns);
/******/ 			var def = {};
/******/ 			leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 			for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 				Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 			}
/******/ 			def['default'] = () => (value);
/******/ 			__nccwpck_require__.d(ns, def);
/******/ 			return ns;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/define property getters */
/******/ 	(() => {
/******/ 		// define getter functions for harmony exports
/******/ 		__nccwpck_require__.d = (exports, definition) => {
/******/ 			for(var key in definition) {
/******/ 				if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 					Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 				}
/******/ 			}
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/ensure chunk */
/******/ 	(() => {
/******/ 		__nccwpck_require__.f = {};
/******/ 		// This file contains only the entry chunk.
/******/ 		// The chunk loading function for additional chunks
/******/ 		__nccwpck_require__.e = (chunkId) => {
/******/ 			return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 				__nccwpck_require__.f[key](chunkId, promises);
/******/ 				return promises;
/******/ 			}, []));
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/get javascript chunk filename */
/******/ 	(() => {
/******/ 		// This function allow to reference async chunks
/******/ 		__nccwpck_require__.u = (chunkId) => {
/******/ 			// return url for filenames based on template
/******/ 			return "" + chunkId + ".index.cjs.js";
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/hasOwnProperty shorthand */
/******/ 	(() => {
/******/ 		__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/make namespace object */
/******/ 	(() => {
/******/ 		// define __esModule on exports
/******/ 		__nccwpck_require__.r = (exports) => {
/******/ 			if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 				Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 			}
/******/ 			Object.defineProperty(exports, '__esModule', { value: true });
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/node module decorator */
/******/ 	(() => {
/******/ 		__nccwpck_require__.nmd = (module) => {
/******/ 			module.paths = [];
/******/ 			if (!module.children) module.children = [];
/******/ 			return module;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/require chunk loading */
/******/ 	(() => {
/******/ 		// no baseURI
/******/ 		
/******/ 		// object to store loaded chunks
/******/ 		// "1" means "loaded", otherwise not loaded yet
/******/ 		var installedChunks = {
/******/ 			792: 1
/******/ 		};
/******/ 		
/******/ 		// no on chunks loaded
/******/ 		
/******/ 		var installChunk = (chunk) => {
/******/ 			var moreModules = chunk.modules, chunkIds = chunk.ids, runtime = chunk.runtime;
/******/ 			for(var moduleId in moreModules) {
/******/ 				if(__nccwpck_require__.o(moreModules, moduleId)) {
/******/ 					__nccwpck_require__.m[moduleId] = moreModules[moduleId];
/******/ 				}
/******/ 			}
/******/ 			if(runtime) runtime(__nccwpck_require__);
/******/ 			for(var i = 0; i < chunkIds.length; i++)
/******/ 				installedChunks[chunkIds[i]] = 1;
/******/ 		
/******/ 		};
/******/ 		
/******/ 		// require() chunk loading for javascript
/******/ 		__nccwpck_require__.f.require = (chunkId, promises) => {
/******/ 			// "1" is the signal for "already loaded"
/******/ 			if(!installedChunks[chunkId]) {
/******/ 				if(true) { // all chunks have JS
/******/ 					installChunk(require("./" + __nccwpck_require__.u(chunkId)));
/******/ 				} else installedChunks[chunkId] = 1;
/******/ 			}
/******/ 		};
/******/ 		
/******/ 		// no external install chunk
/******/ 		
/******/ 		// no HMR
/******/ 		
/******/ 		// no HMR manifest
/******/ 	})();
/******/ 	
/************************************************************************/
/******/ 	
/******/ 	// startup
/******/ 	// Load entry module and return exports
/******/ 	// This entry module used 'module' so it can't be inlined
/******/ 	var __webpack_exports__ = __nccwpck_require__(6984);
/******/ 	module.exports = __webpack_exports__;
/******/ 	
/******/ })()
;