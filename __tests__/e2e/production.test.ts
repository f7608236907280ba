// Production conditions through the built action: a platform that throttles, an auth
// service that hiccups (401 for a valid token), 5xx bodies that name internal addresses.
import { describe, expect, test } from '@jest/globals'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { useEmulator, type Emulator, type Fault } from '../helpers/suite.js'

let emulator: Emulator
const suite = useEmulator(started => {
  emulator = started
})
const defaults = { cluster: 'default', project: 'test-project' }

/** The real server's answer when its auth check fails: a 401 for a perfectly valid token. */
const hiccup = (fault: Omit<Fault, 'kind'>): Fault => ({
  kind: 'status',
  status: 401,
  body: '401: Unauthorized',
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  ...fault
})

/** The real server's 500 when the auth service fails inside create or delete. */
const internalUrlFailure = (fault: Omit<Fault, 'kind'>): Fault => ({
  kind: 'status',
  status: 500,
  body: JSON.stringify({
    error:
      "Unexpected exception: 503, message='Service Unavailable', url='http://platform-auth.internal:8080/api/v1/users/alice/service-accounts/x'"
  }),
  headers: { 'content-type': 'application/json; charset=utf-8' },
  ...fault
})

describe('throttling is a request to wait, not a failure', () => {
  test('a create throttled more times than max-attempts still gets its account, sending each create again', async () => {
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status',
      status: 429,
      times: 3,
      headers: { 'retry-after': '1' }
    })
    emulator.resetLog()
    const started = Date.now()
    const main = await suite.step('main', { ...defaults, 'max-attempts': '2' })
    expect(main.code).toBe(0)
    // Each wait is at least the second asked for.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000)
    expect(emulator.requests.filter(r => r.method === 'POST').map(r => r.status)).toEqual([429, 429, 429, 201])
    // A throttled create surely made nothing: no look-up was needed.
    expect(emulator.requests.filter(r => r.method === 'GET' && r.path.includes('/service_accounts/'))).toEqual([])
    expect((await suite.step('post', {}, { state: main.state })).code).toBe(0)
    expect(emulator.accounts()).toEqual([])
  }, 60_000)

  test('verification waits out throttling and 5xx past verify-seconds: only an answer about the token is a no', async () => {
    // The owner's GET /config before the create goes through (a delay of nothing), the new account's meet trouble.
    emulator.addFault({ method: 'GET', path: '/config', kind: 'delay', ms: 0 })
    emulator.addFault({ method: 'GET', path: '/config', kind: 'status', status: 503, times: 2 })
    emulator.addFault({
      method: 'GET',
      path: '/config',
      kind: 'status',
      status: 429,
      times: 2,
      headers: { 'retry-after': '1' }
    })
    const started = Date.now()
    const main = await suite.step('main', { ...defaults, 'verify-seconds': '1', 'max-attempts': '2' })
    expect(main.code).toBe(0)
    expect(Date.now() - started).toBeGreaterThan(2_000)
    expect(main.outputs.id).toMatch(/^service-account-/)
    expect((await suite.step('post', {}, { state: main.state })).code).toBe(0)
  }, 60_000)
})

describe('an auth hiccup: a 401 for a token that has worked is retried', () => {
  test('post survives one hiccup and removes the account', async () => {
    const main = await suite.step('main', defaults)
    expect(main.code).toBe(0)
    emulator.addFault(hiccup({ method: 'DELETE' }))
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`Removed service account ${main.outputs.id}`)
    expect(emulator.accounts()).toEqual([])
  })

  test("post's look-up of a lost create survives a hiccup once main saw the token work", async () => {
    const lookUp = { method: 'GET', path: /^\/service_accounts\/gha-/ }
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-after' })
    emulator.addFault({ ...lookUp, kind: 'status', status: 500, times: Infinity })
    // No cluster given: GET /config answers the token before the create.
    const main = await suite.step('main', { 'max-attempts': '2' })
    expect(main.code).toBe(1)
    expect(JSON.parse(main.state.account)).toMatchObject({ kind: 'pending', tokenAccepted: true })
    emulator.clearFaults()
    emulator.addFault(hiccup(lookUp))
    const post = await suite.step('post', { 'max-attempts': '2' }, { state: main.state })
    expect(post.code).toBe(0)
    expect(emulator.accounts()).toEqual([])
  })

  test('rm survives a hiccup after its look-up', async () => {
    const made = await suite.step('main', { ...defaults, name: 'hiccup-rm', cleanup: 'false' })
    expect(made.code).toBe(0)
    emulator.addFault(hiccup({ method: 'DELETE', times: 2 }))
    const rm = await suite.step('main', { operation: 'rm', name: 'hiccup-rm' })
    expect(rm.code).toBe(0)
    expect(rm.outputs.id).toBe(made.outputs.id)
    expect(emulator.accounts()).toEqual([])
  })

  test('prune survives a hiccup on a removal and removes everything stale', async () => {
    for (const name of ['hiccup-prune-a', 'hiccup-prune-b'])
      emulator.seedAccount('alice', { name, created_at: '2020-01-01T00:00:00+00:00' })
    emulator.addFault(hiccup({ method: 'DELETE' }))
    const prune = await suite.step('main', { operation: 'prune', 'name-prefix': 'hiccup-prune-', 'older-than': '1h' })
    expect(prune.code).toBe(0)
    expect(JSON.parse(prune.outputs.removed)).toHaveLength(2)
    expect(emulator.accounts()).toEqual([])
  })

  test("the sweep survives a hiccup on a removal and removes an earlier run's leftover", async () => {
    const run = { repository: 'octo-org/octo-repo', repositoryId: '7101', runAttempt: '1', job: 'build' }
    const leftover = generatedName({ ...run, runId: '1000' }, randomNamePart())
    emulator.seedAccount('alice', { name: leftover, created_at: '2020-01-01T00:00:00+00:00' })
    emulator.addFault(hiccup({ method: 'DELETE' }))
    const main = await suite.step(
      'main',
      { ...defaults, 'sweep-older-than': '1d' },
      { env: { GITHUB_REPOSITORY_ID: run.repositoryId } }
    )
    expect(main.code).toBe(0)
    expect(JSON.parse(main.outputs.removed)).toEqual([expect.objectContaining({ name: leftover })])
    expect(main.warnings).toEqual([])
    expect((await suite.step('post', {}, { state: main.state })).code).toBe(0)
    expect(emulator.accounts()).toEqual([])
  })

  test('a hiccup on a grant after the create is retried: the account is handed out', async () => {
    emulator.addFault(hiccup({ method: 'POST', path: /\/permissions$/ }))
    const main = await suite.step('main', {
      ...defaults,
      permissions: 'storage://default/test-org/test-project/data read'
    })
    expect(main.code).toBe(0)
    expect(JSON.parse(main.outputs.permissions)).toHaveLength(1)
    expect((await suite.step('post', {}, { state: main.state })).code).toBe(0)
  })

  test('removing an undeliverable account survives a hiccup', async () => {
    emulator.addFault({ method: 'POST', path: /\/permissions$/, kind: 'status', status: 400, body: '{"error": "no"}' })
    emulator.addFault(hiccup({ method: 'DELETE' }))
    const main = await suite.step('main', {
      ...defaults,
      permissions: 'storage://default/test-org/test-project/data read'
    })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toMatch(/service account service-account-\S+ was removed again/)
    expect(emulator.accounts()).toEqual([])
  })

  test('a wrong token still fails at once, with the clear message', async () => {
    emulator.resetLog()
    const started = Date.now()
    const main = await suite.step('main', { ...defaults, token: emulator.issueToken('alice').replace(/.$/, '_') })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain(
      `the platform at ${emulator.url} did not accept the token (GET /config answered "authorized": false)`
    )
    expect(emulator.requests).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('no internal addresses in the log', () => {
  test("a 500 naming the auth service's URL shows its status and message, not the URL", async () => {
    emulator.addFault(internalUrlFailure({ method: 'GET', path: '/service_accounts', times: Infinity }))
    const list = await suite.step('main', { operation: 'list', 'max-attempts': '1' })
    expect(list.code).toBe(1)
    expect(list.errors.join('\n')).toContain(
      "list service accounts failed: HTTP 500: Unexpected exception: 503, message='Service Unavailable', url='<platform-internal URL>'"
    )
    expect(list.stdout).not.toContain('platform-auth.internal')
  })

  test('a removal failing that way is retried, and its message hides the URL too', async () => {
    const main = await suite.step('main', defaults)
    emulator.addFault(internalUrlFailure({ method: 'DELETE', times: Infinity }))
    const post = await suite.step('post', { 'max-attempts': '2', 'timeout-seconds': '1' }, { state: main.state })
    expect(post.code).toBe(1)
    expect(post.errors.join('\n')).toContain(`apolo service-account rm ${main.outputs.id}`)
    expect(post.stdout).not.toContain('platform-auth.internal')
    emulator.clearFaults()
    expect((await suite.step('post', {}, { state: main.state })).code).toBe(0)
  })
})
