// One request on the wire (src/platform/http.ts): which way it goes (README, "Proxies",
// "Custom CAs") and how much of an answer is read ("Bounded answers").
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tls from 'node:tls'
import type { Dispatcher } from 'undici'
import { PlatformClient } from '../src/platform/client.js'
import { createDispatcher } from '../src/platform/http.js'
import { isLoopbackHost } from '../src/platform/loopback.js'
import { startHostileServer, type Answer, type HostileServer } from './helpers/hostile-server.js'
import { makeCertificate, startTlsFront } from './helpers/tls.js'

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

/** A client whose dispatcher is made with `env` as the process environment (undici's proxy agent reads it there). */
async function client(apiUrl: string, env: NodeJS.ProcessEnv = {}, ca: string[] = []): Promise<PlatformClient> {
  const saved = { ...process.env }
  Object.assign(process.env, env)
  let dispatcher: Dispatcher
  try {
    dispatcher = await createDispatcher(2_000, apiUrl, ca, process.env)
  } finally {
    for (const name of Object.keys(env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
  dispatchers.push(dispatcher)
  return new PlatformClient({ apiUrl, authToken: 'eyJh.eyJz.c2ln', userAgent: 'http-test', dispatcher, maxAttempts: 1 })
}

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

// Node 22.15 and later list NODE_EXTRA_CA_CERTS themselves, read when the process starts.
const nodeListsItsCAs = typeof (tls as { getCACertificates?: unknown }).getCACertificates === 'function'

;(nodeListsItsCAs ? describe.skip : describe)('NODE_EXTRA_CA_CERTS, on a Node that does not list it', () => {
  test('its CAs are trusted along with ca-certificate, as Node itself trusts them', async () => {
    answer = () => CONFIG
    const [platform, unrelated] = await Promise.all([
      makeCertificate({ ips: ['127.0.0.1'] }),
      makeCertificate({ ips: ['127.0.0.1'] })
    ])
    const front = await startTlsFront(platform, Number(new URL(server.url).port))
    const dir = await mkdtemp(join(tmpdir(), 'extra-ca-'))
    const apiUrl = `https://127.0.0.1:${front.port}/api/v1`
    try {
      await writeFile(join(dir, 'ca.pem'), platform.cert)
      const env = { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }
      expect((await (await client(apiUrl, env, [unrelated.cert])).config()).authorized).toBe(true)
      const missing = { NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') }
      await expect((await client(apiUrl, missing, [unrelated.cert])).config()).rejects.toThrow(/certificate/i)
    } finally {
      await front.close()
      await rm(dir, { recursive: true })
    }
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
