// The operations' rules (src/operations/), each through its public function and a client on
// loopback: a lost create (docs/cleanup.md, "When an answer is lost"), the verification of a new
// token, and where a new account points.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import type { Agent } from 'undici'
import { createAccount, UnresolvedCreateError } from '../src/operations/lost-create.js'
import { resolveTarget } from '../src/operations/target.js'
import { registryHost, verifyCredential } from '../src/operations/verify.js'
import { PlatformClient, type PlatformClientOptions } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import type { DiscoveryConfig } from '../src/platform/types.js'
import { startHostileServer, type Answer, type HostileServer } from './helpers/hostile-server.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator, Fault } from './helpers/suite.js'

let emulator: Emulator
let server: HostileServer
let answer: () => Answer
let dispatcher: Agent
let warnings: string[] = []

useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))
beforeAll(async () => {
  server = await startHostileServer(() => answer())
})
afterEach(() => {
  server.requests.length = 0
  warnings = []
})
afterAll(() => server.close())

const client = (apiUrl = emulator.url, maxAttempts = 3, more: Partial<PlatformClientOptions> = {}) =>
  new PlatformClient({
    apiUrl,
    authToken: emulator.issueToken('alice'),
    userAgent: 'operations-test',
    dispatcher,
    timeoutMs: 2_000,
    maxAttempts,
    sleep: () => Promise.resolve(),
    ...more
  })
const request = (name: string) => ({ name, default_cluster: 'default', default_project: 'test-project' })
const options = (nameIsGenerated: boolean) => ({ nameIsGenerated, warn: (line: string) => warnings.push(line) })
const named = (name: string) => emulator.accounts().filter(account => account.name === name)
const createFault = (kind: Fault['kind'], status?: number, times = 1) =>
  emulator.addFault({ method: 'POST', path: '/service_accounts', kind, status, times })
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error as Error
  )

describe('a create whose answer is lost', () => {
  test('of a generated name: the account it made is removed and the create made again', async () => {
    createFault('status-after', 502)
    const created = await createAccount(client(), request('gha-lost-generated'), options(true))
    expect(named('gha-lost-generated').map(account => account.id)).toEqual([created.id])
    expect(warnings.some(line => line.includes('checking whether service account "gha-lost-generated"'))).toBe(true)
    expect(warnings.some(line => line.startsWith('removing '))).toBe(true)
  })

  test('of a chosen name: the account found is never removed; the step fails naming it', async () => {
    createFault('status-after', 502)
    const error = await rejection(createAccount(client(), request('lost-chosen'), options(false)))
    const [account] = named('lost-chosen')
    expect(account).toBeDefined()
    expect(error.message).toMatch(/^create service account failed: HTTP 502: /)
    expect(error.message).toContain(`an account named "lost-chosen" exists (${account.id}`)
    expect(error.message).toContain("It was left as it is: if it is this run's")
    expect(error.message).toContain(`apolo service-account rm ${account.id}`)
  })

  test('of a chosen name, behind a gateway that gives no reason (a 520): the answer is said to be lost', async () => {
    createFault('status-after', 520)
    const error = await rejection(createAccount(client(), request('lost-unexplained'), options(false)))
    expect(error.message).toMatch(/^create service account failed: HTTP 520: the answer was lost; an account named /)
  })

  test('after a 500 the account it made is removed, and the create is not tried again', async () => {
    createFault('status-after', 500)
    const error = await rejection(createAccount(client(), request('gha-lost-500'), options(true)))
    expect(error.message).toContain('HTTP 500')
    expect(error).not.toBeInstanceOf(UnresolvedCreateError)
    expect(named('gha-lost-500')).toEqual([])
  })

  test('that made nothing yet, with no attempt left: unresolved, for post to look again', async () => {
    createFault('status', 502)
    const error = await rejection(createAccount(client(emulator.url, 1), request('gha-lost-none'), options(true)))
    expect(error).toBeInstanceOf(UnresolvedCreateError)
    expect(String(error)).toMatch(/^UnresolvedCreateError: /)
    expect(error.message).toContain('may still appear')
    expect(error.cause).toBeInstanceOf(PlatformError)
    expect((error.cause as PlatformError).status).toBe(502)
  })

  test('that made nothing: the create is tried again and succeeds', async () => {
    createFault('status', 502)
    const created = await createAccount(client(), request('gha-lost-retried'), options(true))
    expect(named('gha-lost-retried').map(account => account.id)).toEqual([created.id])
  })

  test('a 409 after an attempt that may have acted is that attempt, not a taken name', async () => {
    // The first attempt makes the account and its answer is lost; the look-up misses it.
    createFault('status-after', 502)
    emulator.addFault({ method: 'GET', path: '/service_accounts/gha-lost-409', kind: 'status', status: 404 })
    const created = await createAccount(client(), request('gha-lost-409'), options(true))
    expect(named('gha-lost-409').map(account => account.id)).toEqual([created.id])
  })

  test('only a 404 means no such account: a look-up answered 403 leaves the create unresolved', async () => {
    createFault('status-after', 502)
    emulator.addFault({ method: 'GET', path: '/service_accounts/gha-lost-403', kind: 'status', status: 403 })
    const error = await rejection(createAccount(client(), request('gha-lost-403'), options(true)))
    expect(error).toBeInstanceOf(UnresolvedCreateError)
    expect(error.message).toContain('whether it made an account is unknown')
    expect((error.cause as PlatformError).operation).toMatch(/^get service account/)
    expect(named('gha-lost-403')).toHaveLength(1)
  })

  test('a 409 at the first attempt is a name already taken: the account holding it is left alone', async () => {
    const holder = emulator.seedAccount('alice', { name: 'gha-taken-first' })
    emulator.resetLog()
    const error = await rejection(createAccount(client(), request('gha-taken-first'), options(true)))
    expect(error.message).toContain('HTTP 409')
    expect(emulator.account(holder.id)).toBeDefined()
    expect(emulator.requests.map(r => r.method)).toEqual(['POST'])
  })

  test('a refusal after a lost attempt says nothing of that attempt: the create stays unresolved for post', async () => {
    // The first attempt makes the account, its answer is lost and the look-up misses it.
    createFault('status-after', 502)
    emulator.addFault({ method: 'GET', path: '/service_accounts/gha-lost-refused', kind: 'status', status: 404 })
    createFault('status', 400)
    const error = await rejection(createAccount(client(), request('gha-lost-refused'), options(true)))
    expect(error).toBeInstanceOf(UnresolvedCreateError)
    expect(error.message).toContain('HTTP 400')
    expect(named('gha-lost-refused')).toHaveLength(1)
  })

  test("tries again after the client's growing backoff", async () => {
    createFault('status', 502, 2)
    const sleeps: number[] = []
    const sleep = (ms: number) => (sleeps.push(ms), Promise.resolve())
    await createAccount(client(emulator.url, 3, { random: () => 0.5, sleep }), request('gha-backoff'), options(true))
    // Full jitter at half: half of the 500 ms base, then half of its double.
    expect(sleeps).toEqual([250, 500])
  })

  test('a 503 that asks for a wait does not count against max-attempts', async () => {
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status',
      status: 503,
      headers: { 'retry-after': '1' }
    })
    const created = await createAccount(client(emulator.url, 1), request('gha-asked-to-wait'), options(true))
    expect(named('gha-asked-to-wait').map(account => account.id)).toEqual([created.id])
  })

  test('a 4xx is the platform refusing: no look-up, no retry', async () => {
    createFault('status', 400)
    emulator.resetLog()
    const error = await rejection(createAccount(client(), request('refused'), options(true)))
    expect(error.message).toContain('HTTP 400')
    expect(emulator.requests.map(r => r.method)).toEqual(['POST'])
  })
})

describe('verifying a new token', () => {
  const config = (authorized: boolean): Answer => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authorized, clusters: [], projects: [] })
  })
  let clock = 0
  let sleeps: number[] = []
  const fake = {
    random: () => 0.5,
    now: () => clock,
    sleep: (ms: number) => {
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    }
  }
  afterEach(() => {
    clock = 0
    sleeps = []
  })

  test('one request when the token is accepted at once', async () => {
    answer = () => config(true)
    expect((await verifyCredential(client(server.url), { seconds: 30, ...fake })).authorized).toBe(true)
    expect(server.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('asks again every 250 ms, and stops at the limit, naming the last answer', async () => {
    answer = () => config(false)
    const error = await rejection(verifyCredential(client(server.url), { seconds: 2.1, ...fake }))
    expect(sleeps).toEqual([...Array<number>(8).fill(250), 100])
    expect(server.requests).toHaveLength(10)
    expect(error.message).toBe(
      'the new token was still not accepted after 2.1 s (GET /config answered "authorized": false)'
    )
  })

  test('each wait is 250 ms give or take a fifth, so that jobs made together ask apart', async () => {
    answer = () => config(false)
    for (const [random, wait] of [
      [0, 200],
      [0.25, 225],
      [0.999, 300]
    ]) {
      sleeps = []
      await rejection(verifyCredential(client(server.url), { seconds: 0.5, ...fake, random: () => random }))
      expect(sleeps[0]).toBe(wait)
    }
  })

  test('a token that starts to work 0.4, 1, 2.5 s (or any time) after the create is noticed within 350 ms', async () => {
    // Each answer takes 50 ms of the fake clock; the token works from `workingAt` on.
    let workingAt = 0
    answer = () => {
      clock += 50
      return config(clock >= workingAt)
    }
    const noticedAfter = async (working: number, random: () => number) => {
      clock = 0
      workingAt = working
      await verifyCredential(client(server.url), { seconds: 30, ...fake, random })
      return clock - working
    }
    for (const working of [400, 1_000, 2_500]) expect(await noticedAfter(working, Math.random)).toBeLessThanOrEqual(350)
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6_000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (working, jitter) => {
          expect(await noticedAfter(working, () => jitter)).toBeLessThanOrEqual(350)
        }
      ),
      { seed: 24, numRuns: 40 }
    )
  })

  test('a failed request is tried again, and its error named at the end', async () => {
    answer = () => ({ status: 401, body: '401: Unauthorized', headers: { 'content-type': 'text/plain' } })
    const error = await rejection(verifyCredential(client(server.url, 1), { seconds: 1, ...fake }))
    expect(sleeps).toEqual([250, 250, 250, 250])
    expect(server.requests).toHaveLength(5)
    expect(error.message).toContain('HTTP 401: 401: Unauthorized')
  })

  const status = (code: number): Answer => ({ status: code, body: '', headers: {} })
  /** The answers in turn, the last one for good. */
  const inTurn = (...answers: Answer[]) => {
    let next = 0
    return () => answers[Math.min(next++, answers.length - 1)]
  }
  // The client waits on the same fake clock, at half of each ceiling (fake.random): half of 0.5 s, doubling per retry.
  const onFakeClock = () => client(server.url, 1, { ...fake })

  test('a 403 is a refusal like a 401: the token is asked about again', async () => {
    answer = inTurn(status(403), config(true))
    await verifyCredential(client(server.url), { seconds: 30, ...fake })
    expect(sleeps).toEqual([250])
  })

  test('an answer that says nothing about the token (a 404) ends the asking at once', async () => {
    answer = () => status(404)
    const error = await rejection(verifyCredential(client(server.url), { seconds: 30, ...fake }))
    expect(error.message).toContain('HTTP 404')
    expect(server.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test("a 5xx or a network failure is no refusal: asked again after the client's backoff", async () => {
    answer = inTurn(status(500), status(502), config(true))
    await verifyCredential(onFakeClock(), { seconds: 0, ...fake })
    expect(sleeps).toEqual([250, 500])
    emulator.addFault({ method: 'GET', path: '/config', kind: 'reset-before' })
    expect((await verifyCredential(client(emulator.url, 1), { seconds: 0, ...fake })).authorized).toBe(true)
  })

  test("a platform that keeps failing: given up when the client's time is spent, saying it never answered", async () => {
    answer = () => status(503)
    const error = await rejection(verifyCredential(onFakeClock(), { seconds: 30, ...fake }))
    expect(error.message).toMatch(/^the platform never answered whether the new token works: .*HTTP 503/)
    expect((error.cause as PlatformError).status).toBe(503)
    expect(server.requests.length).toBeGreaterThan(1)
  })

  test('without a sleep given, the waits are real ones', async () => {
    answer = () => config(false)
    // The clock reads 0 until the wait of the 0.3 s left has begun, then past the limit: one wait, two requests.
    let reads = 0
    const now = () => (reads++ < 2 ? 0 : 1_000)
    const started = Date.now()
    await rejection(verifyCredential(client(server.url), { seconds: 0.3, now }))
    expect(server.requests).toHaveLength(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  test('an accepted token after a refusal ends the waits', async () => {
    let refusals = 2
    answer = () => config(refusals-- <= 0)
    await verifyCredential(client(server.url), { seconds: 30, ...fake })
    expect(sleeps).toEqual([250, 250])
  })

  test("the registry host is the cluster's registry URL's host, or '' when there is none", () => {
    const discovery: DiscoveryConfig = {
      authorized: true,
      clusters: [
        { name: 'a', orgs: [], registry_url: 'https://registry.a.example:5000/v2' },
        { name: 'b', orgs: [], registry_url: '' },
        { name: 'c', orgs: [], registry_url: 'not a url' }
      ],
      projects: []
    }
    expect(registryHost(discovery, 'a')).toBe('registry.a.example:5000')
    expect(registryHost(discovery, 'b')).toBe('')
    expect(registryHost(discovery, 'c')).toBe('')
    expect(registryHost(discovery, 'missing')).toBe('')
  })
})

describe('where a new account points', () => {
  const discovery = (value: object): Answer => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authorized: true, ...value })
  })
  const none = { cluster: undefined, project: undefined, org: undefined }
  const given = (cluster = '', project = '', org = '') => ({ cluster, project, org })

  test('the inputs first, then the full token; the platform is asked all the same, and its org is not taken', async () => {
    answer = () =>
      discovery({
        clusters: [{ name: 'c' }, { name: 'tc' }],
        projects: [{ name: 'p', cluster_name: 'c', org_name: 'x' }]
      })
    expect(await resolveTarget(client(server.url), given('c', 'p', 'o'), none)).toEqual({
      cluster: 'c',
      project: 'p',
      org: 'o'
    })
    expect(await resolveTarget(client(server.url), given('c', 'p'), none)).toEqual({ cluster: 'c', project: 'p' })
    expect(
      await resolveTarget(client(server.url), given('', 'p'), { cluster: 'tc', project: 'tp', org: 'to' })
    ).toEqual({ cluster: 'tc', project: 'p', org: 'to' })
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /config', 'GET /config', 'GET /config'])
  })

  test('a cluster the token cannot use is an error naming the input and the clusters it can use', async () => {
    answer = () =>
      discovery({ clusters: [{ name: 'default' }, { name: 'gpu' }], projects: [{ name: 'x', cluster_name: 'nope' }] })
    for (const project of ['', 'x']) {
      const error = await rejection(resolveTarget(client(server.url), given('nope', project), none))
      expect(error).toMatchObject({ name: 'InputError', input: 'cluster' })
      expect(error.message).toBe(
        'Input "cluster" names cluster "nope", which this token cannot use; it can use "default", "gpu"'
      )
    }
    const fromToken = await rejection(resolveTarget(client(server.url), given(), { cluster: 'old', project: 'p' }))
    expect(fromToken.message).toBe(
      'Input "cluster" names cluster "old" (from the full token), which this token cannot use; it can use "default", "gpu"'
    )
    answer = () => discovery({ clusters: Array.from({ length: 23 }, (_, i) => ({ name: `c${i}` })), projects: [] })
    expect((await rejection(resolveTarget(client(server.url), given('nope', 'p'), none))).message).toMatch(
      /it can use "c0", "c1", .* "c19" and 3 more$/
    )
    const long = 'c'.repeat(150)
    answer = () => discovery({ clusters: [{ name: long }], projects: [] })
    expect((await rejection(resolveTarget(client(server.url), given('nope', 'p'), none))).message).toMatch(
      new RegExp(`it can use "${'c'.repeat(100)}"$`)
    )
    answer = () => discovery({ clusters: [], projects: [] })
    expect((await rejection(resolveTarget(client(server.url), given('nope', 'p'), none))).message).toMatch(
      /which this token cannot use; it can use none$/
    )
  })

  test("else the platform's first cluster and its first project in the org", async () => {
    answer = () =>
      discovery({
        clusters: [{ name: 'first' }, { name: 'second' }],
        projects: [
          { name: 'elsewhere', cluster_name: 'second', org_name: null },
          { name: 'other-org', cluster_name: 'first', org_name: 'x' },
          { name: 'mine', cluster_name: 'first', org_name: 'o' }
        ]
      })
    expect(await resolveTarget(client(server.url), given('', '', 'o'), none)).toEqual({
      cluster: 'first',
      project: 'mine',
      org: 'o'
    })
    expect(await resolveTarget(client(server.url), given('first'), none)).toEqual({
      cluster: 'first',
      project: 'other-org',
      org: 'x'
    })
    expect(await resolveTarget(client(server.url), given('second'), none)).toEqual({
      cluster: 'second',
      project: 'elsewhere'
    })
  })

  test('a project given without a cluster is looked for on the first cluster, and its org taken', async () => {
    answer = () =>
      discovery({
        clusters: [{ name: 'first' }],
        projects: [
          { name: 'other', cluster_name: 'first', org_name: 'x' },
          { name: 'mine', cluster_name: 'first', org_name: 'o' }
        ]
      })
    expect(await resolveTarget(client(server.url), given('', 'mine'), none)).toEqual({
      cluster: 'first',
      project: 'mine',
      org: 'o'
    })
  })

  test('a token the platform does not accept, no cluster or no project: an error naming what is missing', async () => {
    answer = () => ({ ...discovery({}), body: '{"authorized": false}' })
    await expect(resolveTarget(client(server.url), given(), none)).rejects.toThrow(/did not accept the token/)
    answer = () => discovery({ clusters: [], projects: [] })
    const noCluster = await rejection(resolveTarget(client(server.url), given(), none))
    expect(noCluster.message).toMatch(/^Input "cluster" is needed/)
    // An input error, named as one and naming its input.
    expect(noCluster).toMatchObject({ name: 'InputError', input: 'cluster' })
    answer = () => discovery({ clusters: [{ name: 'c' }], projects: [{ name: 'p', cluster_name: 'other' }] })
    await expect(resolveTarget(client(server.url), given(), none)).rejects.toThrow(
      /Input "project" is needed: .* on cluster "c"/
    )
  })
})
