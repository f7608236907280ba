// One connection a step: every request and retry of a step reuses one connection (and over
// HTTPS one TLS handshake), directly and through a proxy, counted where a network would see
// them: at a loopback TCP proxy in front of the emulator (scripts/latency-proxy.js).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startLatencyProxy, type LatencyProxy } from '../scripts/latency-proxy.js'
import { startEmulator } from '../emulator/server.js'
import { runInProcess } from './helpers/in-process.js'
import { startTestProxy, type TestProxy } from './helpers/proxy.js'
import type { Emulator } from './helpers/suite.js'
import { makeCertificate, startTlsFront, type TlsFront } from './helpers/tls.js'

let emulator: Emulator
let front: TlsFront
let certificate: { cert: string }
/** In front of the emulator (HTTP) and of the TLS front (HTTPS). */
let plainWire: LatencyProxy
let tlsWire: LatencyProxy
let forwardProxy: TestProxy
let seeded = 0
const PERMISSION = 'storage://default/test-org/test-project read'

beforeAll(async () => {
  emulator = await startEmulator({ users: ['alice'] })
  certificate = await makeCertificate({ dns: ['api.example.test'], ips: ['127.0.0.1'] })
  front = await startTlsFront(certificate as Parameters<typeof startTlsFront>[0], emulator.port)
  plainWire = await startLatencyProxy({ targetPort: emulator.port })
  tlsWire = await startLatencyProxy({ targetPort: front.port })
  forwardProxy = await startTestProxy({ target: 'api.example.test:443', targetPort: tlsWire.port })
})
afterAll(async () => {
  await forwardProxy.close()
  await Promise.all([plainWire.close(), tlsWire.close()])
  await front.close()
  await emulator.close()
})

interface Way {
  apiUrl: () => string
  wire: () => LatencyProxy
  inputs: () => Record<string, string>
  env: () => Record<string, string>
  tls: boolean
}
const WAYS: [string, Way][] = [
  [
    'HTTP',
    {
      apiUrl: () => `http://127.0.0.1:${plainWire.port}/api/v1`,
      wire: () => plainWire,
      inputs: () => ({}),
      env: () => ({}),
      tls: false
    }
  ],
  [
    'HTTPS',
    {
      apiUrl: () => `https://127.0.0.1:${tlsWire.port}/api/v1`,
      wire: () => tlsWire,
      inputs: () => ({ 'ca-certificate': certificate.cert }),
      env: () => ({}),
      tls: true
    }
  ],
  [
    'HTTPS through HTTPS_PROXY',
    {
      apiUrl: () => 'https://api.example.test/api/v1',
      wire: () => tlsWire,
      inputs: () => ({ 'ca-certificate': certificate.cert }),
      env: () => ({ HTTPS_PROXY: forwardProxy.url }),
      tls: true
    }
  ]
]

describe.each(WAYS)('%s', (_, way) => {
  /** Runs a step and answers what the wire saw: connections, TLS handshakes, API requests. */
  async function counted(step: 'main' | 'post', inputs: Record<string, string>, state?: Record<string, string>) {
    way.wire().reset()
    forwardProxy.reset('tunnel')
    emulator.resetLoad()
    const result = await runInProcess(step, {
      inputs: { 'api-url': way.apiUrl(), token: emulator.issueToken('alice'), ...way.inputs(), ...inputs },
      env: way.env(),
      state
    })
    expect(result.errors).toEqual([])
    const { connections, tlsHandshakes } = way.wire().counts
    return { result, seen: { connections, tlsHandshakes, requests: emulator.load.requests } }
  }
  const one = (requests: number) => ({ connections: 1, tlsHandshakes: way.tls ? 1 : 0, requests })

  test('create (cluster from /config, 2 grants, verification), then post: one connection each', async () => {
    const main = await counted('main', {
      permissions: 'storage://default/test-org/test-project read\nstorage://default/test-org/test-project/data write'
    })
    // GET /config, POST the account, POST its grants, GET /config as the new account.
    expect(main.seen).toEqual(one(4))
    expect(JSON.parse(main.result.outputs.permissions)).toHaveLength(2)
    const post = await counted('post', {}, main.result.state)
    expect(post.seen).toEqual(one(1))
    if (way.env().HTTPS_PROXY) expect(forwardProxy.connects).toEqual(['CONNECT api.example.test:443 HTTP/1.1'])
  })

  test('the verification follows the grants on the connection without waiting for their answer', async () => {
    emulator.addFault({ method: 'POST', path: /^\/users\//, kind: 'delay', ms: 300 })
    emulator.resetLog()
    const main = await counted('main', { cluster: 'default', project: 'test-project', permissions: PERMISSION })
    // The owner's /config (to check the cluster), the create, then the grant and the verification.
    expect(main.seen).toEqual(one(4))
    // Logged as answered: the verification's answer came while the grant was held.
    expect(emulator.requests.map(request => request.method)).toEqual(['GET', 'POST', 'GET', 'POST'])
    await counted('post', {}, main.result.state)
  })

  test('rm: the look-up and the removal on one connection', async () => {
    const { name } = emulator.seedAccount('alice', { name: `one-connection-rm-${++seeded}` })
    const rm = await counted('main', { operation: 'rm', name: String(name) })
    expect(rm.seen).toEqual(one(2))
    expect(rm.result.outputs.id).toBeTruthy()
  })

  test('a retry after a 503 reuses the connection', async () => {
    const name = `one-connection-retry-${++seeded}`
    emulator.seedAccount('alice', { name })
    emulator.addFault({ method: 'GET', path: `/service_accounts/${name}`, kind: 'status', status: 503 })
    const got = await counted('main', { operation: 'get', name })
    expect(got.seen).toEqual(one(2))
  })
})
