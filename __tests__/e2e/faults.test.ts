// The built action's main and post under every fault the emulator can play: each case must
// end as expected, leave no account that should be gone, and print no secret.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { runStep, type StepResult } from '../helpers/action.js'
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

function step(kind: 'main' | 'post', inputs: Record<string, string>, state?: Record<string, string>, env?: Record<string, string>) {
  return suite.step(kind, inputs, { state, env })
}

/** Main with the faults, then post, as one job. */
async function job(faults: Fault[], inputs: Record<string, string> = {}, env?: Record<string, string>) {
  for (const fault of faults) emulator.addFault(fault)
  const main = await step('main', { ...base, ...inputs }, undefined, env)
  const post = await step('post', { 'timeout-seconds': '1', ...inputs }, main.state, env)
  return { main, post }
}

const errorText = (result: StepResult) => result.errors.join('\n')
const POST = { method: 'POST', path: '/service_accounts' }
const DELETE = { method: 'DELETE', path: /^\/service_accounts\/[^/]+$/ }

describe('create survives what can be retried', () => {
  test.each<[string, Fault[]]>([
    ['503 on the POST', [{ ...POST, kind: 'status', status: 503 }]],
    ['429 with Retry-After', [{ ...POST, kind: 'status', status: 429, headers: { 'retry-after': '1' } }]],
    ['a reset before the server acted', [{ ...POST, kind: 'reset-before' }]],
    ['503 twice on GET /config', [{ method: 'GET', path: '/config', kind: 'status', status: 503, times: 2 }]],
    ['a reset on GET /config', [{ method: 'GET', path: '/config', kind: 'reset-before' }]],
    ['a slow answer within the limit', [{ ...POST, kind: 'delay', ms: 300 }]]
  ])('%s', async (_, faults) => {
    const inputs: Record<string, string> = _.includes('/config') ? { cluster: '', project: '' } : {}
    const { main, post } = await job(faults, inputs)
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })
})

describe('an ambiguous create: the account made by the lost answer is removed and made again', () => {
  test.each<[string, Fault]>([
    ['a reset after the server acted', { ...POST, kind: 'reset-after' }],
    ['a 502 from a proxy after the server acted', { ...POST, kind: 'status-after', status: 502, body: '<html>502</html>', headers: { 'content-type': 'text/html' } }],
    ['a 504 after the server acted', { ...POST, kind: 'status-after', status: 504 }],
    ['a hang after the server acted', { ...POST, kind: 'hang-after' }],
    ['a truncated 201', { ...POST, kind: 'truncated' }],
    ['a 201 that is not JSON', { ...POST, kind: 'malformed-json' }]
  ])('%s', async (_, fault) => {
    const { main, post } = await job([fault], { name: 'fault-ambiguous' })
    expect(main.code).toBe(0)
    expect(main.warnings.join('\n')).toContain('checking whether service account "fault-ambiguous" was made anyway')
    expect(main.warnings.join('\n')).toMatch(/removing service-account-\S+, made by the lost create/)
    expect(post.code).toBe(0)
  })

  test('a generated name: the same, with no name given', async () => {
    const { main, post } = await job([{ ...POST, kind: 'reset-after' }])
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
  })

  test('a user-given name that was already taken before this run is never removed', async () => {
    const keep = await step('main', { ...base, name: 'fault-not-ours', cleanup: 'false' })
    // Make the existing account look old, then lose the answer of a create with its name.
    emulator.seedAccount('alice', { ...emulator.account(keep.outputs.id), created_at: '2020-01-01T00:00:00+00:00' })
    const { main } = await job([{ ...POST, kind: 'status', status: 502 }], { name: 'fault-not-ours' })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain('belongs to an account made before this run')
    expect(emulator.account(keep.outputs.id)).toBeDefined()
    await step('main', { operation: 'rm', name: keep.outputs.id })
  })
})

describe('create fails clearly on what must not be retried', () => {
  test.each<[string, Fault, string]>([
    ['500', { ...POST, kind: 'status', status: 500, body: '{"error": "Unexpected exception: boom"}', headers: { 'content-type': 'application/json' } }, 'create service account failed: HTTP 500: Unexpected exception: boom'],
    ['401', { ...POST, kind: 'status', status: 401, body: '401: Unauthorized', headers: { 'content-type': 'text/plain' } }, 'create service account failed: HTTP 401: 401: Unauthorized'],
    ['403', { ...POST, kind: 'status', status: 403, body: '{"error": "Forbidden"}', headers: { 'content-type': 'application/json' } }, 'HTTP 403: Forbidden'],
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
    const { main } = await job([{ method: 'GET', path: '/service_accounts', kind: 'hang', times: Infinity }], { operation: 'list', 'max-attempts': '2' })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain(`timed out after 1 s waiting for GET ${emulator.url}/service_accounts`)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  test('a taken name is a clear 409, never reused', async () => {
    const first = await step('main', { ...base, name: 'fault-taken' })
    const { main } = await job([], { name: 'fault-taken' })
    expect(main.code).toBe(1)
    expect(errorText(main)).toContain('HTTP 409')
    await step('post', {}, first.state)
  })
})

describe('cleanup that happens', () => {
  test.each<[string, Fault]>([
    ['503 twice on DELETE', { ...DELETE, kind: 'status', status: 503, times: 2 }],
    ['a reset before DELETE acted', { ...DELETE, kind: 'reset-before' }],
    ['a hang on DELETE', { ...DELETE, kind: 'hang' }]
  ])('%s: retried until removed', async (_, fault) => {
    const main = await step('main', base)
    emulator.addFault(fault)
    const post = await step('post', { 'timeout-seconds': '1' }, main.state)
    expect(post.code).toBe(0)
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  test('a reset after DELETE acted: the retry finds it gone, a warning', async () => {
    const main = await step('main', base)
    emulator.addFault({ ...DELETE, kind: 'reset-after' })
    const post = await step('post', {}, main.state)
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('already gone')
  })

  test('DELETE failing every attempt fails post with the id and how to remove it by hand', async () => {
    const main = await step('main', base)
    emulator.addFault({ ...DELETE, kind: 'status', status: 503, times: Infinity })
    const post = await step('post', { 'max-attempts': '2' }, main.state)
    expect(post.code).toBe(1)
    expect(errorText(post)).toContain(`Service account ${main.outputs.id} could not be removed`)
    expect(errorText(post)).toContain(`apolo service-account rm ${main.outputs.id}`)
    expect(post.summary).toContain('**NOT removed**')
    emulator.clearFaults()
    await step('post', {}, main.state)
  })

  test('main fails after create (a failing grant that cannot be undone): post removes the account', async () => {
    emulator.addFault({ method: 'POST', path: /^\/users\//, kind: 'status', status: 500 })
    emulator.addFault({ ...DELETE, kind: 'status', status: 500, times: 2 })
    const main = await step('main', { ...base, permissions: 'storage://default/x read', 'max-attempts': '2' })
    expect(main.code).toBe(1)
    expect(main.state['account-id']).toMatch(/^service-account-/)
    const post = await step('post', {}, main.state)
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
    expect(main.state['account-id']).toMatch(/^service-account-/)
    const post = await step('post', {}, main.state)
    expect(post.code).toBe(0)
    expect(emulator.account(main.state['account-id'])).toBeUndefined()
  })

  test('main killed outright while create is in flight: post finds the account by its pending name', async () => {
    emulator.addFault({ ...POST, kind: 'hang-after' })
    const main = suite.record(
      await runStep('main', {
        inputs: { 'api-url': emulator.url, token, ...base, 'timeout-seconds': '30' },
        onSpawn: pid => setTimeout(() => process.kill(pid, 'SIGKILL'), 1000)
      })
    )
    expect(main.state['account-id']).toBeUndefined()
    expect(main.state['pending-name']).toMatch(/^gha-/)
    const post = await step('post', {}, main.state)
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('Main stopped before it saw the create finish')
  })
})

describe('secrets in debug mode', () => {
  test('RUNNER_DEBUG=1: debug lines show requests, never a token or an Authorization header', async () => {
    const { main, post } = await job([{ ...POST, kind: 'status', status: 503 }], {}, { RUNNER_DEBUG: '1' })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain(`::debug::POST ${emulator.url}/service_accounts (attempt 1 of 5)`)
    expect(main.stdout.toLowerCase()).not.toContain('authorization')
    expect(main.stdout.toLowerCase()).not.toContain('bearer')
    expect(post.code).toBe(0)
  })
})

describe('proxies', () => {
  let proxy: Server
  let proxyUrl: string
  let proxied: string[]

  beforeAll(async () => {
    proxied = []
    // A forward proxy on loopback: CONNECT tunnels and absolute-form requests both count.
    proxy = createServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`)
      const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      req.pipe(upstream)
    })
    proxy.on('connect', (req, client: Socket, head) => {
      proxied.push(`CONNECT ${req.url}`)
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host, () => {
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
    await new Promise(done => proxy.close(done))
  })

  test('HTTP_PROXY carries every request of main and post', async () => {
    proxied.length = 0
    const { main, post } = await job([], {}, { HTTP_PROXY: proxyUrl })
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(proxied.length).toBeGreaterThanOrEqual(2)
    expect(proxied.every(line => line.includes(`127.0.0.1:${emulator.port}`))).toBe(true)
  })

  test('NO_PROXY bypasses it', async () => {
    proxied.length = 0
    const { main } = await job([], {}, { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' })
    expect(main.code).toBe(0)
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
    expect(main.state).toMatchObject({ cleanup: 'false', 'pending-name': expect.stringMatching(/^gha-/) })
    const post = await step('post', {}, main.state)
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('Main stopped before it saw the create finish')
  })
})
