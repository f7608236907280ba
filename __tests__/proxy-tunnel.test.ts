// Requests through HTTPS_PROXY or HTTP_PROXY (src/platform/proxy.ts), against a loopback
// proxy that tunnels or misbehaves as told: a tunnel the proxy fails is one failed attempt,
// named for what the proxy did, and never names the proxy's password.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Dispatcher } from 'undici'
import { createDispatcher, sendRequest } from '../src/platform/http.js'
import { proxyDispatchers, tunnelFailure } from '../src/platform/proxy.js'
import { useRaisedNodeHeaderLimit } from './helpers/node-header-limit.js'
import { PROXY_PASSWORD, startTestProxy, type ProxyBehaviour, type TestProxy } from './helpers/proxy.js'

/** Every undici timeout: short, so that a stalled attempt fails quickly. */
const TIMEOUT_MS = 300
/** Timers on a loaded machine; still well inside the attempt deadline (http.ts). */
const SLACK_MS = 700
const sleep = (ms: number) => new Promise(done => setTimeout(done, ms))

/** The platform behind the proxy, plain HTTP on loopback; `answer` says what it does. */
let answer: (res: ServerResponse) => void
const platform = createServer((_, res) => answer(res))
let platformPort: number
let proxy: TestProxy
const dispatchers: Dispatcher[] = []

beforeAll(async () => {
  await new Promise<void>(done => platform.listen(0, '127.0.0.1', done))
  platformPort = (platform.address() as AddressInfo).port
  proxy = await startTestProxy({ target: 'api.example.test:80', targetPort: platformPort })
})
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map(d => d.destroy()))
  platform.closeAllConnections()
})
afterAll(async () => {
  await proxy.close()
  await new Promise(done => platform.close(done))
})

async function through(apiUrl: string, env: NodeJS.ProcessEnv): Promise<Dispatcher> {
  const dispatcher = await createDispatcher(TIMEOUT_MS, apiUrl, [], env)
  dispatchers.push(dispatcher)
  return dispatcher
}

function get(dispatcher: Dispatcher, url: string) {
  return sendRequest(dispatcher, { url, method: 'GET', headers: {}, timeoutMs: TIMEOUT_MS })
}

describe.each<[string, ProxyBehaviour, string, RegExp, string]>([
  [
    'accepts the CONNECT and never answers',
    'silent',
    'PROXY_NO_ANSWER',
    /^the proxy at 127\.0\.0\.1:\d+ did not answer the CONNECT within 0\.3 s$/,
    'TimeoutError'
  ],
  [
    'trickles its answer and never ends it',
    'trickle',
    'PROXY_NO_ANSWER',
    /^the proxy at 127\.0\.0\.1:\d+ did not answer the CONNECT within 0\.3 s$/,
    'TimeoutError'
  ],
  [
    'closes the connection without a word',
    'close',
    'PROXY_CLOSED',
    /^the proxy at 127\.0\.0\.1:\d+ closed the tunnel without an answer$/,
    'SocketError'
  ],
  [
    'answers 200 and then closes',
    'answer-then-close',
    'PROXY_CLOSED',
    /^the proxy at 127\.0\.0\.1:\d+ closed the tunnel to api\.example\.test$/,
    'Error'
  ]
])('a proxy that %s', (_, behaviour, code, message, cause) => {
  test('fails the attempt at once, one tunnel, naming the proxy by its host alone', async () => {
    proxy.reset(behaviour)
    const dispatcher = await through('https://api.example.test/api/v1', { HTTPS_PROXY: proxy.url })
    const started = Date.now()
    const error = (await get(dispatcher, 'https://api.example.test/api/v1/x').then(
      () => undefined,
      (thrown: unknown) => thrown
    )) as Error
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS)
    expect(error).toMatchObject({ name: 'ProxyTunnelError', code, message: expect.stringMatching(message) })
    expect(error.cause).toMatchObject({ name: cause })
    expect(error.stack).not.toContain(PROXY_PASSWORD)
    await sleep(100)
    expect(proxy.connects).toHaveLength(1)
  })
})

describe('what undici reports of a tunnel is named for the proxy, whichever timeout came first', () => {
  const failed = (name: string, code?: string) => Object.assign(new Error('undici'), { name }, code ? { code } : {})
  test.each<[string, Error, string | undefined, string]>([
    ['the signal', failed('TimeoutError'), 'PROXY_NO_ANSWER', 'did not answer the CONNECT within 1.5 s'],
    [
      "the proxy client's headers timeout, on its coarser clock",
      failed('HeadersTimeoutError', 'UND_ERR_HEADERS_TIMEOUT'),
      'PROXY_NO_ANSWER',
      'did not answer the CONNECT within 1.5 s'
    ],
    ['a close before any answer', failed('SocketError', 'UND_ERR_SOCKET'), 'PROXY_CLOSED', 'without an answer'],
    ['a reset', failed('Error', 'ECONNRESET'), 'PROXY_CLOSED', 'closed the tunnel to api.example.test'],
    ['a write after the close', failed('Error', 'EPIPE'), 'PROXY_CLOSED', 'closed the tunnel to api.example.test'],
    ['anything else passes as it is', failed('Error', 'ERR_TLS_CERT_ALTNAME_INVALID'), undefined, 'undici']
  ])('%s', (_, error, code, message) => {
    const named = tunnelFailure(error, '127.0.0.1:3128', 'api.example.test', 1_500)
    expect(named).toMatchObject({ message: expect.stringContaining(message) })
    if (code) expect(named).toMatchObject({ name: 'ProxyTunnelError', code, cause: error })
    else expect(named).toBe(error)
  })
})

describe('through a working tunnel', () => {
  // The attempt here is given far longer than the dispatcher: only undici's timeouts can end it in time.
  test.each<[string, (res: ServerResponse) => void, string]>([
    ['headers', () => undefined, 'UND_ERR_HEADERS_TIMEOUT'],
    ['body', res => res.writeHead(200).write('partial'), 'UND_ERR_BODY_TIMEOUT']
  ])("every undici timeout of the dispatcher is its timeoutMs: a stalled answer's %s", async (_, stall, code) => {
    proxy.reset('tunnel')
    answer = stall
    const dispatcher = await through('http://api.example.test/api/v1', { HTTP_PROXY: proxy.url })
    const started = Date.now()
    const url = 'http://api.example.test/api/v1/x'
    const attempt = sendRequest(dispatcher, { url, method: 'GET', headers: {}, timeoutMs: 10_000 })
    await expect(attempt.then(response => response.text(1_000))).rejects.toMatchObject({ code })
    // undici runs these on a coarse clock, up to a second late.
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000 + SLACK_MS)
    expect(proxy.connects).toEqual(['CONNECT api.example.test:80 HTTP/1.1'])
  })

  test('the sockets kept to destroy a stuck tunnel are the open ones only', async () => {
    proxy.reset('tunnel')
    answer = res => res.writeHead(200).end('ok')
    const options = {
      tls: { rejectUnauthorized: true as const, timeout: TIMEOUT_MS },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      maxHeaderSize: 16 * 1024
    }
    const { dispatcher, sockets } = proxyDispatchers({ variable: 'HTTP_PROXY', url: proxy.url }, options, {})()
    dispatchers.push(dispatcher)
    expect(await (await get(dispatcher, 'http://api.example.test/api/v1/x')).text(100)).toBe('ok')
    expect(sockets?.size).toBe(1)
    await dispatcher.destroy()
    await sleep(50)
    expect(sockets?.size).toBe(0)
  })
})

describe("an answer's headers", () => {
  useRaisedNodeHeaderLimit(64 * 1024)
  const bigHeader = (res: ServerResponse) => res.writeHead(200, { 'x-pad': 'a'.repeat(20 * 1024) }).end('ok')

  test.each<[string, ProxyBehaviour, (res: ServerResponse) => void]>([
    ["the platform's answer", 'tunnel', bigHeader],
    ["the proxy's own answer to the CONNECT", 'padded-tunnel', res => res.writeHead(200).end('ok')]
  ])(
    'over 16 KiB in %s fail the attempt through the proxy, though Node would allow 64 KiB',
    async (_, behaviour, platformAnswer) => {
      proxy.reset(behaviour)
      answer = platformAnswer
      const dispatcher = await through('http://api.example.test/api/v1', { HTTP_PROXY: proxy.url })
      await expect(get(dispatcher, 'http://api.example.test/api/v1/x')).rejects.toMatchObject({
        code: 'UND_ERR_HEADERS_OVERFLOW'
      })
      expect(proxy.connects).toHaveLength(1)
    }
  )

  test('and reached directly past the proxy (NO_PROXY)', async () => {
    proxy.reset('tunnel')
    answer = bigHeader
    const apiUrl = `http://0.0.0.0:${platformPort}/api/v1`
    const dispatcher = await through(apiUrl, { HTTP_PROXY: proxy.url, NO_PROXY: '0.0.0.0' })
    await expect(get(dispatcher, `${apiUrl}/x`)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_OVERFLOW' })
    expect(proxy.connections).toBe(0)
  })
})

describe('NO_PROXY', () => {
  // 0.0.0.0 is not loopback by name, so only NO_PROXY keeps it from the proxy; it reaches this host.
  test.each(['no_proxy', 'NO_PROXY'])('an API host in %s is reached directly, never through the proxy', async name => {
    proxy.reset('tunnel')
    answer = res => res.writeHead(200).end('direct')
    const apiUrl = `http://0.0.0.0:${platformPort}/api/v1`
    const dispatcher = await through(apiUrl, { HTTP_PROXY: proxy.url, [name]: 'elsewhere.test,0.0.0.0' })
    expect(await (await get(dispatcher, `${apiUrl}/x`)).text(100)).toBe('direct')
    expect(proxy.connections).toBe(0)
  })

  test('without it, the same API goes through the proxy', async () => {
    proxy.reset('silent')
    const apiUrl = `http://0.0.0.0:${platformPort}/api/v1`
    const dispatcher = await through(apiUrl, { HTTP_PROXY: proxy.url })
    await expect(get(dispatcher, `${apiUrl}/x`)).rejects.toMatchObject({ code: 'PROXY_NO_ANSWER' })
    expect(proxy.connects).toEqual([`CONNECT 0.0.0.0:${platformPort} HTTP/1.1`])
  })
})
