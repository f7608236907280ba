// The built action's main and post under every fault the emulator can play: each case must
// end as expected, leave no account that should be gone, and print no secret.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { runStep, type StepResult } from '../helpers/action.js'
import { makeCertificate, startTlsFront, type TlsFront } from '../helpers/tls.js'
import { useEmulator, type Emulator, type Fault } from '../helpers/suite.js'

let emulator: Emulator
let token: string
const suite = useEmulator((started, userToken) => {
  emulator = started
  token = userToken
})
afterEach(() => {
  // Every case cleans up after itself: an account left here is an orphan.
  expect(emulator.accounts().filter(a => a.owner === 'alice')).toEqual([])
})

const base = { cluster: 'default', project: 'test-project', 'timeout-seconds': '1' }

/** Main with the faults, then post, as one job. */
async function job(faults: Fault[], inputs: Record<string, string> = {}, env?: Record<string, string>) {
  for (const fault of faults) emulator.addFault(fault)
  const main = await suite.step('main', { ...base, ...inputs }, { env })
  const post = await suite.step('post', { 'timeout-seconds': '1', ...inputs }, { state: main.state, env })
  return { main, post }
}

const errorText = (result: StepResult) => result.errors.join('\n')
/** The record main left for post. */
const saved = (result: StepResult) =>
  JSON.parse(result.state.account ?? '{"kind":"none"}') as {
    kind: string
    id?: string
    name?: string
    delivered?: boolean
    cleanup?: boolean
  }
const POST = { method: 'POST', path: '/service_accounts' }
const DELETE = { method: 'DELETE', path: /^\/service_accounts\/[^/]+$/ }

describe('create survives what can be retried', () => {
  // Without cluster and project, create asks GET /config for them first.
  const fromConfig = { cluster: '', project: '' }
  test.each<[string, Fault[], Record<string, string>]>([
    ['503 on the POST', [{ ...POST, kind: 'status', status: 503 }], {}],
    ['429 twice on the POST', [{ ...POST, kind: 'status', status: 429, times: 2 }], {}],
    ['429 with Retry-After', [{ ...POST, kind: 'status', status: 429, headers: { 'retry-after': '1' } }], {}],
    ['a reset before the server acted', [{ ...POST, kind: 'reset-before' }], {}],
    [
      '503 twice on GET /config',
      [{ method: 'GET', path: '/config', kind: 'status', status: 503, times: 2 }],
      fromConfig
    ],
    ['a reset on GET /config', [{ method: 'GET', path: '/config', kind: 'reset-before' }], fromConfig],
    ['a slow answer within the limit', [{ ...POST, kind: 'delay', ms: 300 }], {}]
  ])('%s', async (_, faults, inputs) => {
    const { main, post } = await job(faults, inputs)
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })
})

const lostAnswers: [string, Fault][] = [
  ['a reset after the server acted', { ...POST, kind: 'reset-after' }],
  [
    'a 502 from a proxy after the server acted',
    { ...POST, kind: 'status-after', status: 502, body: '<html>502</html>', headers: { 'content-type': 'text/html' } }
  ],
  ['a 503 after the server acted', { ...POST, kind: 'status-after', status: 503 }],
  ['a 504 after the server acted', { ...POST, kind: 'status-after', status: 504 }],
  ['a hang after the server acted', { ...POST, kind: 'hang-after' }],
  ['a truncated 201', { ...POST, kind: 'truncated' }],
  ['a 201 that is not JSON', { ...POST, kind: 'malformed-json' }],
  ['a 201 without a token', { ...POST, kind: 'no-token' }]
]

describe("a lost answer for a generated name: the account it made is this run's, removed and made again", () => {
  test.each(lostAnswers)('%s', async (_, fault) => {
    const { main, post } = await job([fault])
    expect(main.code).toBe(0)
    // A create that then succeeded: one notice, no warning.
    expect(main.warnings).toEqual([])
    expect(main.notices).toHaveLength(1)
    expect(main.notices[0]).toMatch(/checking whether service account "gha-\S+" was made anyway/)
    expect(main.notices[0]).toMatch(/removing service-account-\S+, made by the lost create/)
    expect(post.code).toBe(0)
  })

  test("a 502 after acting, then a look-up that misses it: the retry's 409 is this run's account", async () => {
    const { main, post } = await job([
      { ...POST, kind: 'status-after', status: 502 },
      {
        method: 'GET',
        path: /^\/service_accounts\/gha-/,
        kind: 'status',
        status: 404,
        body: 'Service account not found',
        headers: { 'content-type': 'text/plain' }
      }
    ])
    expect(main.code).toBe(0)
    expect(main.warnings).toEqual([])
    expect(main.notices.join('\n')).toContain('HTTP 409')
    expect(main.notices.join('\n')).toMatch(/removing service-account-\S+, made by the lost create/)
    expect(post.code).toBe(0)
  })
})

describe('a lost answer for a name the workflow chose: never removed on a guess', () => {
  test.each(lostAnswers)('%s: the step fails and names the account, which is left', async (_, fault) => {
    const { main, post } = await job([fault], { name: 'fault-chosen' })
    expect(main.code).toBe(1)
    const id = /an account named "fault-chosen" exists \((service-account-[0-9a-f-]+),/.exec(errorText(main))?.[1]
    expect(id).toBeDefined()
    expect(errorText(main)).toContain(`apolo service-account rm ${id}`)
    expect(post.code).toBe(0)
    expect(emulator.account(id!)).toBeDefined()
    await suite.step('main', { operation: 'rm', name: id! })
  })

  test('another job holds the name and the 409 is lost behind a 502: its account is left alone', async () => {
    const other = await suite.step('main', { ...base, name: 'fault-other-job', cleanup: 'false' })
    const { main } = await job([{ ...POST, kind: 'status-after', status: 502 }], { name: 'fault-other-job' })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain(`an account named "fault-other-job" exists (${other.outputs.id}`)
    expect(emulator.account(other.outputs.id)).toBeDefined()
    await suite.step('main', { operation: 'rm', name: other.outputs.id })
  })
})

describe('create fails clearly on what must not be retried', () => {
  test.each<[string, Fault, string]>([
    [
      '500',
      {
        ...POST,
        kind: 'status',
        status: 500,
        body: '{"error": "Unexpected exception: boom"}',
        headers: { 'content-type': 'application/json' }
      },
      'create service account failed: HTTP 500: Unexpected exception: boom'
    ],
    [
      '403',
      {
        ...POST,
        kind: 'status',
        status: 403,
        body: '{"error": "Forbidden"}',
        headers: { 'content-type': 'application/json' }
      },
      'HTTP 403: Forbidden'
    ],
    ['a redirect to another origin', { ...POST, kind: 'redirect' }, 'redirects are not followed']
  ])('%s', async (_, fault, message) => {
    emulator.resetLog()
    const { main, post } = await job([fault])
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain(message)
    expect(emulator.requests.filter(r => r.method === 'POST')).toHaveLength(1)
    expect(post.code).toBe(0)
    expect(emulator.sink.requests.filter(r => r.headers.authorization)).toEqual([])
  })

  test('a server that hangs: the step fails within the limit and says it timed out', async () => {
    const started = Date.now()
    const { main } = await job([{ method: 'GET', path: '/service_accounts', kind: 'hang', times: Infinity }], {
      operation: 'list',
      'max-attempts': '2'
    })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain(`timed out after 1 s waiting for GET ${emulator.url}/service_accounts`)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  test('a taken name is a clear 409, never reused', async () => {
    const first = await suite.step('main', { ...base, name: 'fault-taken' })
    const { main } = await job([], { name: 'fault-taken' })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain('HTTP 409')
    await suite.step('post', {}, { state: first.state })
  })
})

describe('cleanup that happens', () => {
  test.each<[string, Fault]>([
    ['503 twice on DELETE', { ...DELETE, kind: 'status', status: 503, times: 2 }],
    ['a reset before DELETE acted', { ...DELETE, kind: 'reset-before' }],
    ['a hang on DELETE', { ...DELETE, kind: 'hang' }]
  ])('%s: retried until removed', async (_, fault) => {
    const main = await suite.step('main', base)
    emulator.addFault(fault)
    const post = await suite.step('post', { 'timeout-seconds': '1' }, { state: main.state })
    expect(post.code).toBe(0)
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  test('a reset after DELETE acted: the retry finds it gone, a warning', async () => {
    const main = await suite.step('main', base)
    emulator.addFault({ ...DELETE, kind: 'reset-after' })
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('already gone')
  })

  test('DELETE failing every attempt fails post with the id and how to remove it by hand', async () => {
    const main = await suite.step('main', base)
    emulator.addFault({ ...DELETE, kind: 'status', status: 503, times: Infinity })
    const post = await suite.step('post', { 'max-attempts': '2' }, { state: main.state })
    expect(post.code).toBe(1)
    expect(errorText(post)).toContain(`Service account ${main.outputs.id} could not be removed`)
    expect(errorText(post)).toContain(`apolo service-account rm ${main.outputs.id}`)
    expect(post.summary).toContain('**NOT removed**')
    emulator.clearFaults()
    await suite.step('post', {}, { state: main.state })
  })

  test('main fails after create (a failing grant that cannot be undone): post removes the account', async () => {
    emulator.addFault({ method: 'POST', path: /^\/users\//, kind: 'status', status: 500 })
    emulator.addFault({ ...DELETE, kind: 'status', status: 500, times: 2 })
    const main = await suite.step('main', { ...base, permissions: 'storage://default/x read', 'max-attempts': '2' })
    expect(main.code).toBe(1)
    expect(saved(main)).toMatchObject({
      kind: 'created',
      id: expect.stringMatching(/^service-account-/),
      delivered: false
    })
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
  })

  test('main cancelled with SIGINT while create is in flight: it keeps the id and post removes it', async () => {
    emulator.addFault({ ...POST, kind: 'delay', ms: 1500 })
    const main = suite.record(
      await runStep('main', {
        inputs: { 'api-url': emulator.url, token, ...base, 'timeout-seconds': '5' },
        onSpawn: pid => setTimeout(() => process.kill(pid, 'SIGINT'), 700)
      })
    )
    expect(main.code).toBe(1)
    expect(saved(main)).toMatchObject({
      kind: 'created',
      id: expect.stringMatching(/^service-account-/),
      delivered: false
    })
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(emulator.account(saved(main).id!)).toBeUndefined()
  })

  test('main killed outright while create is in flight: post finds the account by its pending name', async () => {
    emulator.addFault({ ...POST, kind: 'hang-after' })
    const main = suite.record(
      await runStep('main', {
        inputs: { 'api-url': emulator.url, token, ...base, 'timeout-seconds': '30' },
        onSpawn: pid => setTimeout(() => process.kill(pid, 'SIGKILL'), 1000)
      })
    )
    expect(saved(main)).toMatchObject({ kind: 'pending', name: expect.stringMatching(/^gha-/), generated: true })
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('Main stopped before it saw the create finish')
  })
})

describe('secrets in debug mode', () => {
  test('RUNNER_DEBUG=1: debug lines show requests, never a token or an Authorization header', async () => {
    const { main, post } = await job([{ ...POST, kind: 'status', status: 503 }], {}, { RUNNER_DEBUG: '1' })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain(`::debug::POST ${emulator.url}/service_accounts (attempt 1)`)
    expect(main.stdout.toLowerCase()).not.toContain('authorization')
    expect(main.stdout.toLowerCase()).not.toContain('bearer')
    expect(post.code).toBe(0)
  })
})

describe('proxies', () => {
  let proxy: Server
  let front: TlsFront
  let proxyUrl: string
  let proxied: string[]
  // An HTTPS platform at api.test: TLS with a throwaway certificate in front of the emulator.
  let viaProxy: Record<string, string>

  beforeAll(async () => {
    proxied = []
    const certificate = await makeCertificate({ dns: ['api.test'] })
    front = await startTlsFront(certificate, emulator.port)
    viaProxy = { 'api-url': 'https://api.test/api/v1', 'ca-certificate': certificate.cert }
    // A forward proxy on loopback that tunnels api.test:443 to the TLS front.
    proxy = createServer((_, res) => res.writeHead(502).end())
    proxy.on('connect', (req, client: Socket, head) => {
      proxied.push(`CONNECT ${req.url}`)
      if (req.url !== 'api.test:443') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      const upstream = connect(front.port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    proxy.closeAllConnections()
    await Promise.all([new Promise(done => proxy.close(done)), front.close()])
  })

  test('HTTPS_PROXY carries every request of main and post, with the CA of ca-certificate inside the tunnel', async () => {
    proxied.length = 0
    const { main, post } = await job([], viaProxy, { HTTPS_PROXY: proxyUrl })
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(proxied.length).toBeGreaterThanOrEqual(2)
    expect(proxied.every(line => line === 'CONNECT api.test:443')).toBe(true)
  })

  test('NO_PROXY bypasses it: the request goes direct (and here finds no such host)', async () => {
    proxied.length = 0
    const { main } = await job(
      [],
      { ...viaProxy, 'max-attempts': '1' },
      { HTTPS_PROXY: proxyUrl, NO_PROXY: 'api.test' }
    )
    expect(main.code).toBe(1)
    expect(errorText(main)).toMatch(/ENOTFOUND|EAI_AGAIN/)
    expect(proxied).toEqual([])
  })
})

describe('an account whose token nobody holds', () => {
  test('is removed by post even with cleanup: false', async () => {
    emulator.addFault({ ...POST, kind: 'hang-after' })
    const main = suite.record(
      await runStep('main', {
        inputs: { 'api-url': emulator.url, token, ...base, cleanup: 'false', 'timeout-seconds': '30' },
        onSpawn: pid => setTimeout(() => process.kill(pid, 'SIGKILL'), 1000)
      })
    )
    expect(saved(main)).toMatchObject({ kind: 'pending', cleanup: false, name: expect.stringMatching(/^gha-/) })
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('Main stopped before it saw the create finish')
  })
})

describe("post's look-up for a create main never saw finish", () => {
  const pending = (name: string, generated: boolean, cleanup = true) => ({
    account: JSON.stringify({ kind: 'pending', name, generated, cleanup, tokenAccepted: false })
  })

  test("a generated name is this run's whatever its created_at: a platform clock minutes behind, or a post hours later", async () => {
    for (const createdAt of ['2026-11-28T00:00:00+00:00', '2020-01-01T00:00:00+00:00']) {
      const seeded = emulator.seedAccount('alice', { name: 'gha-octo-repo-4242-1-build-aaaaaa', created_at: createdAt })
      const post = await suite.step('post', {}, { state: pending('gha-octo-repo-4242-1-build-aaaaaa', true) })
      expect(post.code).toBe(0)
      expect(post.stdout).toContain(`Removed service account ${seeded.id}`)
    }
  })

  test('an account that appears a moment after post first looks is still found and removed', async () => {
    setTimeout(() => emulator.seedAccount('alice', { name: 'gha-octo-repo-4242-1-build-late' }), 1_500)
    const post = await suite.step('post', {}, { state: pending('gha-octo-repo-4242-1-build-late', true, false) })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('Main stopped before it saw the create finish')
  })

  test('a name the workflow chose is never removed on a guess, however new the account', async () => {
    const seeded = emulator.seedAccount('alice', { name: 'chosen-by-user' })
    const post = await suite.step('post', {}, { state: pending('chosen-by-user', false) })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain(
      `An account of that name exists (${seeded.id}); it may be this run's or another job's, so it is left`
    )
    expect(post.summary).toContain('**left**')
    expect(emulator.account(seeded.id)).toBeDefined()
    await suite.step('main', { operation: 'rm', name: seeded.id })
  })

  test('an ambiguous create whose look-up also fails keeps the pending name, and post removes the account', async () => {
    const { main, post } = await job([
      { ...POST, kind: 'reset-after' },
      { method: 'GET', path: /^\/service_accounts\/gha-/, kind: 'status', status: 500, times: Infinity }
    ])
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain('whether it made an account is unknown')
    expect(saved(main)).toMatchObject({ kind: 'pending', generated: true })
    expect(post.code).toBe(1) // the look-up still fails while the fault lasts
    emulator.clearFaults()
    const again = await suite.step('post', {}, { state: main.state })
    expect(again.code).toBe(0)
    expect(again.warnings.join('\n')).toContain('removing service-account-')
  })
})

describe('an account whose token never reached the workflow goes, whatever cleanup says', () => {
  test('a failing grant whose rollback fails too: post removes it with cleanup: false', async () => {
    emulator.addFault({
      method: 'POST',
      path: /^\/users\//,
      kind: 'status',
      status: 400,
      body: '{"error": "Invalid URI"}',
      headers: { 'content-type': 'application/json' }
    })
    emulator.addFault({ ...DELETE, kind: 'status', status: 500, times: Infinity })
    const main = await suite.step('main', {
      ...base,
      cleanup: 'false',
      permissions: 'storage://default/x read',
      'max-attempts': '2'
    })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain('removing service account')
    expect(saved(main)).toMatchObject({ kind: 'created', delivered: false, cleanup: false })
    emulator.clearFaults()
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(emulator.account(saved(main).id!)).toBeUndefined()
  })

  test('main killed during the grant: post removes it with cleanup: false', async () => {
    emulator.addFault({ method: 'POST', path: /^\/users\//, kind: 'hang' })
    const main = suite.record(
      await runStep('main', {
        inputs: {
          'api-url': emulator.url,
          token,
          ...base,
          cleanup: 'false',
          permissions: 'storage://default/x read',
          'timeout-seconds': '30'
        },
        onSpawn: pid => setTimeout(() => process.kill(pid, 'SIGKILL'), 1000)
      })
    )
    expect(saved(main)).toMatchObject({ kind: 'created', delivered: false })
    emulator.clearFaults()
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(emulator.account(saved(main).id!)).toBeUndefined()
  })
})

describe('a verification that gives up while a throttled grant waits', () => {
  test('main removes the account itself once the grant is answered; no unhandled rejection', async () => {
    // The token is never accepted: the verification gives up after 1 s, while the grant
    // still waits out its 3 s Retry-After.
    emulator.updateSettings({ newTokenDelayMs: 'never' })
    emulator.addFault({
      method: 'POST',
      path: /^\/users\//,
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3' }
    })
    try {
      const main = await suite.step('main', {
        ...base,
        'timeout-seconds': '5',
        'verify-seconds': '1',
        permissions: 'storage://default/test-org/test-project read'
      })
      expect(main.code).toBe(1)
      expect(errorText(main)).toMatch(
        /the new token was still not accepted after 1 s.*; service account \S+ was removed again$/
      )
      expect(saved(main)).toEqual({ kind: 'none' })
      expect(main.stderr).toBe('')
    } finally {
      emulator.updateSettings({ newTokenDelayMs: 0 })
    }
  })
})

describe('one step has one time budget', () => {
  test('recovery from lost creates stops at 3 × max-attempts × timeout-seconds', async () => {
    emulator.addFault({ ...POST, kind: 'status-after', status: 502, times: Infinity })
    emulator.addFault({ method: 'GET', path: /^\/service_accounts\/gha-/, kind: 'hang', times: Infinity })
    emulator.resetLog()
    const started = Date.now()
    const main = await suite.step('main', { ...base, 'timeout-seconds': '1', 'max-attempts': '3' })
    const elapsed = Date.now() - started
    expect(main.code).toBe(1)
    // 9 s of requests and the start-up of one process.
    expect(elapsed).toBeLessThan(12_000)
    expect(emulator.requests.filter(r => r.method === 'POST').length).toBeLessThanOrEqual(3)
    emulator.clearFaults()
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
  }, 60_000)
})
