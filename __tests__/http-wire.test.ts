// One request on the wire (src/platform/http.ts): which way it goes (SECURITY.md, "Proxies",
// "Custom CAs"), how much of an answer is read ("Bounded answers"), and the attempt deadline
// that nothing inside undici outlives. Real sockets on loopback throughout.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tls from 'node:tls'
import type { Dispatcher } from 'undici'
import { PlatformClient } from '../src/platform/client.js'
import { createDispatcher, sendRequest } from '../src/platform/http.js'
import { isLoopbackHost } from '../src/platform/loopback.js'
import { startHostileServer, type Answer, type HostileServer } from './helpers/hostile-server.js'
import { PROXY_PASSWORD, startTestProxy, type TestProxy } from './helpers/proxy.js'
import { makeCertificate, startTlsFront } from './helpers/tls.js'

/** http.ts's DEADLINE_GRACE_MS. */
const GRACE_MS = 1500
/** Timers on a loaded machine. */
const SLACK_MS = 400

let server: HostileServer
let answer: () => Answer
const dispatchers: Dispatcher[] = []

beforeAll(async () => {
  server = await startHostileServer(() => answer())
})
afterEach(() => {
  server.requests.length = 0
})
afterAll(async () => {
  await Promise.all(dispatchers.map(d => d.close()))
  await server.close()
})

const CONFIG: Answer = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"authorized": true, "clusters": [], "projects": []}'
}

/** A client whose dispatcher is made with `env` as its environment, and `ca` as ca-certificate. */
async function client(apiUrl: string, env: NodeJS.ProcessEnv = {}, ca: string[] = []): Promise<PlatformClient> {
  const dispatcher = await createDispatcher(2_000, apiUrl, ca, env)
  dispatchers.push(dispatcher)
  return new PlatformClient({ apiUrl, authToken: 'eyJh.eyJz.c2ln', userAgent: 'http-test', dispatcher, maxAttempts: 1 })
}

/** A failure and how long it took to come. */
async function timed<T>(work: Promise<T>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now()
  try {
    await work
  } catch (error) {
    return { error, elapsedMs: Date.now() - started }
  }
  throw new Error('expected a failure')
}

/** A loopback proxy of tests/helpers/proxy.ts, closed after each test that starts one. */
let testProxy: TestProxy | undefined
afterEach(async () => {
  await testProxy?.close()
  testProxy = undefined
})

const REMOTE_API = 'https://api.example.test/api/v1'
const remoteRequest = { url: `${REMOTE_API}/service_accounts`, method: 'GET' as const, headers: {} }

describe('proxies', () => {
  /** A forward proxy on loopback: tunnels every CONNECT to the hostile server, or refuses it with 407. */
  let proxy: Server
  let proxyUrl: string
  let refuse = false
  const tunnels: string[] = []
  beforeAll(async () => {
    proxy = createServer((_, res) => res.writeHead(502).end())
    proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
      tunnels.push(req.url ?? '')
      if (refuse) return void socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
      const upstream = connect(Number(new URL(server.url).port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(socket).pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  })
  afterEach(() => {
    tunnels.length = 0
    refuse = false
  })
  afterAll(async () => {
    proxy.closeAllConnections()
    await new Promise(done => proxy.close(done))
  })

  test.each([
    ['HTTP_PROXY', 'http', 80],
    ['http_proxy', 'http', 80],
    ['HTTPS_PROXY', 'https', 443],
    ['https_proxy', 'https', 443]
  ])('with %s set, a request to a remote %s API goes through the proxy', async (name, scheme, port) => {
    answer = () => CONFIG
    const remote = await client(`${scheme}://api.example.test/api/v1`, { [name]: proxyUrl })
    // The tunnel leads to a plain-HTTP server: an https request fails its handshake inside it.
    await remote.config().catch(() => undefined)
    expect(tunnels).toEqual([`api.example.test:${port}`])
  })

  test.each([
    ['http://127.0.0.1:8080', true],
    ['http://127.10.200.30', true],
    ['http://0x7f000001', true],
    ['http://localhost', true],
    ['http://[0:0:0:0:0:0:0:1]', true],
    ['http://127.0.0.1.example.com', false],
    ['http://128.0.0.1', false],
    ['http://10.0.0.127', false],
    ['http://0.0.0.0', false],
    ['http://[::ffff:127.0.0.1]', false],
    ['http://localhost.example.com', false]
  ])('%s is a loopback host: %s', (url, loopback) => {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(loopback)
  })

  test('a loopback API never goes through a proxy', async () => {
    answer = () => CONFIG
    const env = { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl }
    expect((await (await client(server.url, env)).config()).authorized).toBe(true)
    expect(tunnels).toEqual([])
  })

  test("a proxy's 407 fails at once, saying to check the proxy's credentials", async () => {
    refuse = true
    const failing = await client('http://api.example.test/api/v1', { HTTP_PROXY: proxyUrl })
    await expect(failing.config()).rejects.toThrow(/the proxy refused the request \(Proxy Authentication Required\)/)
    expect(tunnels).toHaveLength(1)
  })

  test('a proxy slower than what is left of the budget cannot stretch it', async () => {
    testProxy = await startTestProxy({ target: 'none:443', targetPort: 1, behaviour: 'silent' })
    const slow = new PlatformClient({
      apiUrl: REMOTE_API,
      authToken: 'a.b.c',
      userAgent: 'http-test',
      timeoutMs: 1000,
      maxAttempts: 5,
      budgetMs: 1500,
      baseDelayMs: 1,
      dispatcher: await createDispatcher(1000, REMOTE_API, [], { HTTPS_PROXY: testProxy.url })
    })
    const { error, elapsedMs } = await timed(slow.list())
    // Unbounded, its five attempts would take over 5 s.
    expect(elapsedMs).toBeLessThan(1500 + 1_000)
    expect(String(error)).toMatch(/; gave up after 2 attempts over \d+\.\d s: these requests had 2 s in all /)
    expect(testProxy.connects).toHaveLength(2)
  })

  test('a proxy URL that is not one is named by its variable, never by its value', async () => {
    const bad = `http://user:${PROXY_PASSWORD}@[proxy`
    const error = await createDispatcher(1000, REMOTE_API, [], { https_proxy: bad }).catch((e: unknown) => e)
    expect(String(error)).toContain('https_proxy is not a URL')
    expect(String(error)).not.toContain(PROXY_PASSWORD)
  })
})

describe('certificates', () => {
  test('a platform behind a private CA is trusted with that CA, and refused without it', async () => {
    answer = () => CONFIG
    const certificate = await makeCertificate({ ips: ['127.0.0.1'] })
    const front = await startTlsFront(certificate, Number(new URL(server.url).port))
    const apiUrl = `https://127.0.0.1:${front.port}/api/v1`
    try {
      expect((await (await client(apiUrl, {}, [certificate.cert])).config()).authorized).toBe(true)
      await expect((await client(apiUrl)).config()).rejects.toThrow(/certificate/i)
    } finally {
      await front.close()
    }
  })
})

/** Node's own list of the CAs it trusts, and the way to change it: Node 24.5 and later. */
const nodeCAs = tls as {
  getCACertificates?: (which: 'default') => string[]
  setDefaultCACertificates?: (certificates: string[]) => void
}

describe('the CAs Node trusts by default are trusted along with ca-certificate', () => {
  /** A platform behind a private CA, `trusted` as Node trusts it; and a CA of nothing, as ca-certificate. */
  async function trustedAlong(
    trusted: (ca: string) => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>
  ): Promise<boolean> {
    answer = () => CONFIG
    const [platform, unrelated] = await Promise.all([
      makeCertificate({ ips: ['127.0.0.1'] }),
      makeCertificate({ ips: ['127.0.0.1'] })
    ])
    const front = await startTlsFront(platform, Number(new URL(server.url).port))
    try {
      const apiUrl = `https://127.0.0.1:${front.port}/api/v1`
      const config = (await client(apiUrl, await trusted(platform.cert), [unrelated.cert])).config()
      return await config.then(
        () => true,
        (error: Error) => (/certificate/i.test(error.message) ? false : Promise.reject(error))
      )
    } finally {
      await front.close()
    }
  }

  ;(nodeCAs.setDefaultCACertificates ? test : test.skip)('on Node 24.5 and later, as Node lists them', async () => {
    const defaults = nodeCAs.getCACertificates!('default')
    try {
      const trusted = await trustedAlong(ca => {
        nodeCAs.setDefaultCACertificates!([...defaults, ca])
        return {}
      })
      expect(trusted).toBe(true)
    } finally {
      nodeCAs.setDefaultCACertificates!(defaults)
    }
  })

  // Node reads NODE_EXTRA_CA_CERTS when the process starts; the action reads the environment
  // it is given too, as Node 20 leaves the variable's CAs out of its list of roots.
  describe('NODE_EXTRA_CA_CERTS', () => {
    let dir: string
    beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'extra-ca-'))))
    afterAll(() => rm(dir, { recursive: true }))

    test('is read as Node reads it', async () => {
      const trusted = await trustedAlong(async ca => {
        await writeFile(join(dir, 'ca.pem'), ca)
        return { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }
      })
      expect(trusted).toBe(true)
    })

    test('naming a file that is not there adds nothing', async () => {
      expect(await trustedAlong(() => ({ NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') }))).toBe(false)
    })
  })
})

describe("the dispatcher's callback forms, as undici's own", () => {
  const calledBack = (start: (callback: () => void) => void) => new Promise<void>(resolve => start(resolve))

  test('close calls back once closed, and so it does on a dispatcher already destroyed', async () => {
    const open = await createDispatcher(1000, server.url, [])
    await calledBack(callback => open.close(callback))
    const destroyed = await createDispatcher(1000, server.url, [])
    await destroyed.destroy()
    await calledBack(callback => destroyed.close(callback))
  })

  test('destroy calls back, with or without an error to fail requests with', async () => {
    const first = await createDispatcher(1000, server.url, [])
    await calledBack(callback => first.destroy(callback))
    const second = await createDispatcher(1000, server.url, [])
    await calledBack(callback => second.destroy(new Error('stop'), callback))
    expect(await second.close().catch((error: Error) => error.name)).toBe('ClientDestroyedError')
  })
})

describe('bounded answers', () => {
  const ndjson = (body: Answer['body']): Answer => ({
    status: 200,
    headers: { 'content-type': 'application/x-ndjson' },
    body
  })

  test('an NDJSON line over 64 KiB is not read further', async () => {
    answer = () => ndjson({ repeat: 'x' })
    const error = await (await client(server.url)).list().catch((thrown: Error) => thrown)
    expect(error).toMatchObject({ code: 'BODY_TOO_LARGE' })
    expect((error as Error).message).toContain('64 KiB')
  })

  test('an NDJSON list over 64 MiB is not read further', async () => {
    answer = () => ndjson({ repeat: `${' '.repeat(1_000)}\n` })
    const error = await (await client(server.url)).list().catch((thrown: Error) => thrown)
    expect(error).toMatchObject({ code: 'BODY_TOO_LARGE' })
    expect((error as Error).message).toContain('65536 KiB')
  }, 60_000)

  test('of an endless error body only the start is read, and the message is cut short', async () => {
    answer = () => ({ status: 400, headers: { 'content-type': 'text/plain' }, body: { repeat: 'x' } })
    const error = await (await client(server.url)).config().catch((thrown: Error) => thrown)
    expect((error as Error).message).toMatch(/^read platform config failed: HTTP 400: x{300}…$/)
  })

  test('NDJSON lines split across chunks are put together, blank lines skipped', async () => {
    const account = (id: string) =>
      JSON.stringify({
        id,
        name: id,
        role: `alice/service-accounts/${id}`,
        owner: 'alice',
        default_cluster: 'default',
        default_project: 'p',
        default_org: null,
        created_at: '2026-11-28T10:00:00+00:00',
        role_deleted: false
      })
    answer = () => ndjson(`${account('a')}\n\n${account('b')}`)
    expect((await (await client(server.url)).list()).map(a => a.id)).toEqual(['a', 'b'])
  })
})

describe('the attempt deadline', () => {
  /** A dispatcher that takes every request and never does anything with it. */
  const blackHole = { dispatch: () => true } as unknown as Dispatcher

  test('fails an attempt the dispatcher never answers, at timeoutMs plus the grace', async () => {
    const { error, elapsedMs } = await timed(sendRequest(blackHole, { ...remoteRequest, timeoutMs: 300 }))
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'no answer within 0.3 s' })
    expect(elapsedMs).toBeGreaterThanOrEqual(300 + GRACE_MS - 20)
    expect(elapsedMs).toBeLessThan(300 + GRACE_MS + SLACK_MS)
  })

  test('never lets an attempt outlast what is left of the budget', async () => {
    const { error, elapsedMs } = await timed(
      sendRequest(blackHole, { ...remoteRequest, timeoutMs: 300, budgetLeftMs: 500 })
    )
    expect(error).toMatchObject({ code: 'TIMEOUT' })
    expect(elapsedMs).toBeLessThan(500 + SLACK_MS)
  })

  test('destroys what undici still holds of a stalled attempt: the stuck tunnel closes at the deadline', async () => {
    // The CONNECT is answered a second inside timeoutMs, and the TLS through the tunnel then
    // stalls: undici alone would hold that socket until its TLS timeout, timeoutMs later.
    testProxy = await startTestProxy({ target: 'none:443', targetPort: 1, behaviour: 'answer-late', lateMs: 2000 })
    const dispatcher = await createDispatcher(3000, REMOTE_API, [], { HTTPS_PROXY: testProxy.url })
    const started = Date.now()
    const { error } = await timed(sendRequest(dispatcher, { ...remoteRequest, timeoutMs: 3000 }))
    const failedAt = Date.now()
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'no answer within 3 s' })
    expect(failedAt - started).toBeLessThan(3000 + GRACE_MS + SLACK_MS)
    await new Promise(done => setTimeout(done, 100))
    expect(testProxy.closedAt).toHaveLength(1)
    expect(testProxy.closedAt[0] - failedAt).toBeLessThan(100)
    await dispatcher.destroy()
  })
})
