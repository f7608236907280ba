export const id = 8;
export const ids = [8];
export const modules = {

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
    let dispatcher;
    try {
        dispatcher = await client.openDispatcher(SWEEP_CONNECTIONS);
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
        await dispatcher?.close();
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
