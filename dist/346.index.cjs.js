"use strict";
exports.id = 346;
exports.ids = [346];
exports.modules = {

/***/ 5346:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


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
exports.runCreate = runCreate;
const node_path_1 = __webpack_require__(6760);
const config_dir_js_1 = __webpack_require__(7819);
const create_js_1 = __webpack_require__(3776);
const prune_js_1 = __webpack_require__(1186);
const sweep_js_1 = __webpack_require__(6590);
const target_js_1 = __webpack_require__(9325);
const verify_js_1 = __webpack_require__(1233);
const outputs_js_1 = __webpack_require__(7729);
const errors_js_1 = __webpack_require__(6316);
const names_js_1 = __webpack_require__(3735);
const token_js_1 = __webpack_require__(206);
const runner = __importStar(__webpack_require__(4813));
const state_js_1 = __webpack_require__(2462);
const summary_js_1 = __webpack_require__(8855);
/** The create operation as a step: the account, its grants, outputs, CLI login and state for post. */
async function runCreate(client, inputs) {
    const run = runner.runIdentity();
    const target = await (0, target_js_1.resolveTarget)(client, inputs, inputs.credential.context);
    if (inputs.sweepOlderThanMs)
        await sweepLeftovers(client, run, inputs.sweepOlderThanMs);
    const generated = !inputs.name;
    const name = inputs.name || (0, names_js_1.generatedName)(run, (0, names_js_1.randomNamePart)());
    const cleanup = inputs.cleanup;
    // Saved before the request, so that post can find the account even if main never sees the answer.
    const pending = { kind: 'pending', name, generated, cleanup, tokenAccepted: client.tokenWasAccepted };
    (0, state_js_1.saveAccount)(pending);
    const { result, signal } = await settleThroughSignals((0, create_js_1.createAccount)(client, { name, default_cluster: target.cluster, default_project: target.project, default_org: target.org }, { nameIsGenerated: generated, warn: runner.warning }));
    if (result.status === 'rejected') {
        // A clear failure made nothing, so post has nothing to look for; an unresolved one leaves
        // the pending name for post to find, saying whether the create's own answer was a success.
        const unresolved = result.reason instanceof create_js_1.UnresolvedCreateError;
        (0, state_js_1.saveAccount)(unresolved ? { ...pending, tokenAccepted: client.tokenWasAccepted } : { kind: 'none' });
        throw result.reason;
    }
    const account = result.value;
    // The new credential is masked before anything else touches it; its shape is checked first,
    // so that a hostile answer can neither flood the log with masks nor mask the account's id.
    const { masks, whole } = (0, token_js_1.tokenMasks)(account.token, account.id);
    for (const form of masks)
        runner.mask(form);
    (0, state_js_1.saveAccount)({ kind: 'created', id: account.id, delivered: false, cleanup });
    if (signal)
        throw new Error(`Received ${signal}: the create finished and the post step will remove ${account.id}`);
    const decoded = whole ? (0, token_js_1.decodeFullToken)(account.token) : undefined;
    if (!decoded) {
        return removeUndelivered(client, account, 'the platform answered with a token that is not a full token ' +
            `(base64 JSON holding an auth JWT, at most ${token_js_1.FULL_TOKEN_MAX_CHARS / 1024} KiB)`);
    }
    const granted = await grantOrRemove(client, account, inputs.permissions);
    const registry = inputs.verifySeconds
        ? await verifyOrRemove(client, account, decoded.authToken, inputs.verifySeconds)
        : '';
    for (const [key, value] of Object.entries((0, outputs_js_1.accountOutputs)(account)))
        runner.setOutput(key, value);
    if (inputs.outputToken) {
        runner.setOutput('token', account.token);
        runner.setOutput('auth-token', decoded.authToken);
    }
    runner.setOutput('permissions', JSON.stringify(granted));
    runner.setOutput('registry', registry);
    if (inputs.exportEnv)
        exportCliEnvironment(account.token);
    (0, state_js_1.saveAccount)({ kind: 'created', id: account.id, delivered: true, cleanup });
    runner.info(`Created service account ${name} (${account.id}) on cluster ${account.default_cluster}, ` +
        `project ${account.default_project}${account.default_org ? `, org ${account.default_org}` : ''}`);
    runner.info(cleanup ? 'The post step will remove it.' : 'cleanup is false: it will be kept.');
    runner.writeSummary((0, summary_js_1.createdSummary)(account, granted, cleanup));
}
/** A half-configured credential is worse than none: if a grant fails, the account goes. */
async function grantOrRemove(client, account, permissions) {
    if (!permissions.length)
        return [];
    let granted;
    try {
        granted = await client.grant(account.role, permissions);
    }
    catch (error) {
        return removeUndelivered(client, account, (0, errors_js_1.errorMessage)(error));
    }
    for (const p of granted)
        runner.info(`Granted ${p.action} on ${p.uri} to ${account.role}`);
    return granted;
}
/**
 * A credential handed out must work: asks the platform as the new account until it is
 * accepted, or removes it. Returns the registry host of its cluster.
 */
async function verifyOrRemove(client, account, authToken, seconds) {
    let config;
    try {
        // Each try is one request and verifyCredential decides on the next; while the platform
        // throttles or fails, it may ask for the rest of the step's budget.
        const budgetMs = Math.max(client.timeLeftMs(), seconds * 1000 + client.timeoutMs);
        config = await (0, verify_js_1.verifyCredential)(client.as(authToken, { maxAttempts: 1, budgetMs }), { seconds });
    }
    catch (error) {
        return removeUndelivered(client, account, (0, errors_js_1.errorMessage)(error));
    }
    if (!config.clusters.some(c => c.name === account.default_cluster)) {
        runner.warning(`The new account is accepted but sees no cluster "${account.default_cluster}": a CLI login (export-env) will fail with ` +
            `"No clusters configured". Grant it a permission on that cluster, e.g. a "permissions" line ` +
            `"storage://${account.default_cluster}/<org>/<project> read"`);
    }
    return (0, verify_js_1.registryHost)(config, account.default_cluster);
}
/** Removes what runs of this repository left behind; a failure here never fails the create. */
async function sweepLeftovers(client, run, olderThanMs) {
    let result;
    try {
        // A budget of its own, a third of create's, so that a slow sweep never starves the create.
        const sweeping = client.as(undefined, { budgetMs: client.timeoutMs * client.maxAttempts });
        result = await (0, sweep_js_1.sweep)(sweeping, { repository: run, runId: run.runId, olderThanMs });
    }
    catch (error) {
        runner.warning(`Could not sweep earlier runs' leftover accounts: ${(0, errors_js_1.errorMessage)(error)}`);
        return;
    }
    for (const account of result.removed)
        runner.info(`Swept ${account.name} (${account.id}, created ${account.created_at}), left by an earlier run`);
    if (result.failed.length) {
        runner.warning(`Could not sweep ${result.failed.length} account(s): ${(0, prune_js_1.failureLines)(result.failed).join('; ')}`);
    }
    const removed = (0, outputs_js_1.removedOutput)(result.removed);
    const oversized = (0, outputs_js_1.oversizedOutput)('removed', removed);
    if (oversized)
        runner.warning(`Swept ${result.removed.length} accounts, but ${oversized}`);
    else
        runner.setOutput('removed', removed);
    if (result.removed.length)
        runner.writeSummary((0, summary_js_1.accountsSummary)("Swept earlier runs' leftover Apolo service accounts", result.removed));
}
/** Removes an account whose token never reached the workflow, and fails the step. */
async function removeUndelivered(client, account, reason) {
    try {
        // A fresh budget: whatever went before, this removal deserves every attempt.
        await client.as(undefined, {}).rm(account.id);
    }
    catch (removal) {
        // The saved record still says undelivered, so the post step removes it whatever cleanup says.
        throw new Error(`${reason}; removing service account ${account.id} failed too, the post step will try again: ${(0, errors_js_1.errorMessage)(removal)}`, {
            cause: removal
        });
    }
    (0, state_js_1.saveAccount)({ kind: 'none' });
    throw new Error(`${reason}; service account ${account.id} was removed again`);
}
/**
 * Logs later `apolo` and `neuro` steps in as the new account. Their config folders point at a
 * fresh folder, since the passed config is ignored where a config already exists.
 */
function exportCliEnvironment(fullToken) {
    const dir = (0, config_dir_js_1.makeConfigDir)(runner.runnerTemp());
    (0, state_js_1.saveConfigDir)(dir);
    runner.exportVariable('APOLO_PASSED_CONFIG', fullToken);
    runner.exportVariable('NEURO_PASSED_CONFIG', fullToken);
    runner.exportVariable('APOLO_CONFIG', (0, node_path_1.join)(dir, 'apolo'));
    runner.exportVariable('NEUROMATION_CONFIG', (0, node_path_1.join)(dir, 'neuro'));
    runner.info(`Later apolo and neuro steps run as the new account (config in ${dir}).`);
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
        runner.warning(`Received ${received}: finishing the create in flight so its account can be removed`);
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


/***/ }),

/***/ 6590:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.sweep = sweep;
const names_js_1 = __webpack_require__(3735);
const prune_js_1 = __webpack_require__(1186);
/**
 * Accounts this action generated for this repository in other runs, older than the limit:
 * what runs that never reached their post step left behind.
 */
function leftovers(accounts, options) {
    const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
    return accounts.filter(account => {
        const run = account.name === null ? undefined : (0, names_js_1.generatedNameRun)(account.name, options.repository);
        return run !== undefined && run !== options.runId && (0, prune_js_1.createdBy)(account, cutoff);
    });
}
async function sweep(client, options) {
    return (0, prune_js_1.removeEach)(client, leftovers(await client.list(), options));
}


/***/ }),

/***/ 9325:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.resolveTarget = resolveTarget;
const input_error_js_1 = __webpack_require__(6236);
/**
 * Where the new account points: the inputs first, then the full token's context, then the
 * platform's discovery document, asked only when cluster or project is still unknown.
 */
async function resolveTarget(client, given, context) {
    let cluster = given.cluster || context.cluster;
    let project = given.project || context.project;
    let org = given.org || context.org;
    if (!cluster || !project) {
        const config = await client.config();
        if (!config.authorized) {
            throw new Error(`the platform at ${client.apiUrl} did not accept the token (GET /config answered "authorized": false)`);
        }
        cluster ||= config.clusters[0]?.name;
        if (!cluster)
            throw new input_error_js_1.InputError('cluster', 'is needed: the platform config lists no cluster to default to');
        const onCluster = config.projects.filter(p => p.cluster_name === cluster && (!org || !p.org_name || p.org_name === org));
        const chosen = project ? onCluster.find(p => p.name === project) : onCluster[0];
        project ||= chosen?.name;
        if (!project) {
            throw new input_error_js_1.InputError('project', `is needed: the platform config lists no project on cluster "${cluster}" to default to`);
        }
        org ||= chosen?.org_name ?? undefined;
    }
    return org ? { cluster, project, org } : { cluster, project };
}


/***/ }),

/***/ 1233:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.verifyCredential = verifyCredential;
exports.registryHost = registryHost;
const errors_js_1 = __webpack_require__(6316);
const retry_js_1 = __webpack_require__(385);
/** The platform answered about the token itself, and said no (yet). */
function isRefusal(error) {
    return error.status === 401 || error.status === 403;
}
/** Throttling, a 5xx or a network failure: the platform said nothing about the token. */
function isTrouble(error) {
    return (0, retry_js_1.isTransient)(error) || error.status >= 500;
}
/**
 * Asks `GET /config` as the new account until the platform says it is authorized: a new
 * token may take a moment to be accepted everywhere. Only an answer about the token
 * (`authorized: false`, 401, 403) counts as "not accepted yet", and only for `seconds`,
 * with waits of 0.5 s doubling to 5 s. While the platform throttles or fails, the asking
 * goes on within the client's own budget: a credential is given up as unproven only when
 * the platform has said no, or never answered in all that time.
 */
async function verifyCredential(asNewAccount, options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    const refusedUntil = now() + options.seconds * 1000;
    let refusal;
    let troubles = 0;
    for (let delay = 500;; delay = Math.min(delay * 2, 5_000)) {
        try {
            const config = await asNewAccount.config();
            if (config.authorized)
                return config;
            refusal = 'GET /config answered "authorized": false';
        }
        catch (error) {
            if (!(error instanceof errors_js_1.PlatformError))
                throw error;
            if (isTrouble(error)) {
                if (await asNewAccount.pause(++troubles, error))
                    continue;
                throw new Error(`the platform never answered whether the new token works: ${(0, errors_js_1.errorMessage)(error)}`, {
                    cause: error
                });
            }
            if (!isRefusal(error))
                throw error;
            refusal = (0, errors_js_1.errorMessage)(error);
        }
        const left = refusedUntil - now();
        if (left <= 0)
            break;
        await sleep(Math.min(delay, left));
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


/***/ })

};
;