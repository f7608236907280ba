export const id = 98;
export const ids = [98];
export const modules = {

/***/ 8098:
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
        return (0,removal/* removeEach */.O0)(client, old);
    const judgement = await (0,finished_runs/* judgeByRuns */.xf)(accounts, {
        ...options.finishedRuns,
        repository: options.repository,
        ageInput: 'sweep-older-than'
    });
    // GitHub's answer wins over age; where it could not tell, the age rule still applies.
    const vouched = new Set([...judgement.finished, ...judgement.active].map(leftover => leftover.account));
    const doomed = [...judgement.finished.map(leftover => leftover.account), ...old.filter(a => !vouched.has(a))];
    return { ...(await (0,removal/* removeEach */.O0)(client, doomed)), judgement };
}

// EXTERNAL MODULE: ./src/inputs.ts + 1 modules
var inputs = __webpack_require__(1663);
;// CONCATENATED MODULE: ./src/operations/target.ts

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
            throw new inputs/* InputError */.dz('cluster', 'is needed: the platform config lists no cluster to default to');
        const onCluster = config.projects.filter(p => p.cluster_name === cluster && (!org || !p.org_name || p.org_name === org));
        const chosen = project ? onCluster.find(p => p.name === project) : onCluster[0];
        project ||= chosen?.name;
        if (!project) {
            throw new inputs/* InputError */.dz('project', `is needed: the platform config lists no project on cluster "${cluster}" to default to`);
        }
        org ||= chosen?.org_name ?? undefined;
    }
    return org ? { cluster, project, org } : { cluster, project };
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/platform/errors.ts
var errors = __webpack_require__(6316);
// EXTERNAL MODULE: ./src/platform/retry.ts
var retry = __webpack_require__(385);
;// CONCATENATED MODULE: ./src/operations/verify.ts



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
 * with waits of 0.5 s doubling to 5 s. While the platform throttles or fails, the asking
 * goes on within the client's own budget: a credential is given up as unproven only when
 * the platform has said no, or never answered in all that time.
 */
async function verifyCredential(asNewAccount, options) {
    const now = options.now ?? Date.now;
    const wait = options.sleep ?? promises_.setTimeout;
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
        await wait(Math.min(delay, left));
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
    const target = await resolveTarget(client, inputs, inputs.credential.context);
    if (inputs.sweepOlderThanMs || inputs.sweepFinishedRuns)
        await sweepLeftovers(client, run, inputs);
    const generated = !inputs.name;
    const name = inputs.name || (0,names/* generatedName */.xg)(run, (0,names/* randomNamePart */.iS)());
    const cleanup = inputs.cleanup;
    // Saved before the request, so that post can find the account even if main never sees the answer.
    const pending = { name, generated, cleanup };
    (0,state/* recordPending */.PQ)({ ...pending, tokenAccepted: client.tokenWasAccepted });
    const { result, signal } = await settleThroughSignals((0,lost_create/* createAccount */._m)(client, { name, default_cluster: target.cluster, default_project: target.project, default_org: target.org }, { nameIsGenerated: generated, warn: runner/* warning */.$e }));
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
    const decoded = whole ? (0,token/* decodeFullToken */.hb)(account.token) : undefined;
    if (!decoded) {
        return removeUndelivered(client, account, 'the platform answered with a token that is not a full token ' +
            `(base64 JSON holding an auth JWT, at most ${token/* FULL_TOKEN_MAX_CHARS */.J4 / 1024} KiB)`);
    }
    const granted = await grantOrRemove(client, account, inputs.permissions);
    const registry = inputs.verifySeconds
        ? await verifyOrRemove(client, account, decoded.authToken, inputs.verifySeconds)
        : '';
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
    runner/* info */.pq(`Created service account ${name} (${account.id}) on cluster ${account.default_cluster}, ` +
        `project ${account.default_project}${account.default_org ? `, org ${account.default_org}` : ''}`);
    runner/* info */.pq(cleanup ? 'The post step will remove it.' : 'cleanup is false: it will be kept.');
    await runner/* writeSummary */.Sy((0,summary/* createdSummary */.$F)(account, granted, cleanup));
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
        return removeUndelivered(client, account, (0,errors/* errorMessage */.gJ)(error));
    }
    for (const p of granted)
        runner/* info */.pq(`Granted ${p.action} on ${p.uri} to ${account.role}`);
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
        config = await verifyCredential(client.as(authToken, { maxAttempts: 1, budgetMs }), { seconds });
    }
    catch (error) {
        return removeUndelivered(client, account, (0,errors/* errorMessage */.gJ)(error));
    }
    if (!config.clusters.some(c => c.name === account.default_cluster)) {
        runner/* warning */.$e(`The new account is accepted but sees no cluster "${account.default_cluster}": a CLI login (export-env) will fail with ` +
            `"No clusters configured". Grant it a permission on that cluster, e.g. a "permissions" line ` +
            `"storage://${account.default_cluster}/<org>/<project> read"`);
    }
    return registryHost(config, account.default_cluster);
}
/** Removes what runs of this repository left behind; a failure here never fails the create. */
async function sweepLeftovers(client, run, inputs) {
    let result;
    try {
        // A budget of its own, a third of create's, so that a slow sweep never starves the create.
        const sweeping = client.as(undefined, { budgetMs: client.timeoutMs * client.maxAttempts });
        result = await sweep(sweeping, {
            repository: run,
            runId: run.runId,
            olderThanMs: inputs.sweepOlderThanMs,
            finishedRuns: (0,steps_finished_runs/* askingGitHub */.N)(inputs, run, () => sweeping.timeLeftMs())
        });
    }
    catch (error) {
        runner/* warning */.$e(`Could not sweep earlier runs' leftover accounts: ${(0,errors/* errorMessage */.gJ)(error)}`);
        return;
    }
    const byRuns = await (0,steps_finished_runs/* reportJudgement */.q)(result.judgement, result, run.repository, 'Swept');
    const byAge = result.removed.filter(account => !byRuns.has(account));
    for (const account of byAge)
        runner/* info */.pq(`Swept ${account.name} (${account.id}, created ${account.created_at}), left by an earlier run`);
    if (result.failed.length) {
        runner/* warning */.$e(`Could not sweep ${result.failed.length} account(s): ${(0,removal/* failureLines */.w7)(result.failed).join('; ')}`);
    }
    const title = "Swept earlier runs' leftover Apolo service accounts";
    const oversized = await (0,removed/* reportRemoved */.T)(title, result.removed, false, byAge);
    if (oversized)
        runner/* warning */.$e(`Swept ${result.removed.length} accounts, but ${oversized}`);
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
