// A TCP proxy on loopback that puts a network between a client and a server: every byte
// waits `oneWayMs` each way, and a new connection costs the round trip its TCP handshake
// would. It counts what a network sees: connections, and TLS handshakes (a connection whose
// first byte opens a TLS handshake record). For `npm run bench:latency` and the tests that
// count a step's connections. Node built-ins only.
import { connect, createServer } from 'node:net'

/** A TLS record of type handshake: the first byte of a ClientHello. */
const TLS_HANDSHAKE_RECORD = 0x16

/**
 * @typedef {object} LatencyProxy
 * @property {number} port
 * @property {number} oneWayMs the delay each way; may be changed between requests
 * @property {{connections: number, tlsHandshakes: number}} counts since start or the last reset
 * @property {() => void} reset starts the counts again
 * @property {() => Promise<void>} close cuts every connection
 */

/**
 * @param {{targetPort: number, oneWayMs?: number}} options
 * @returns {Promise<LatencyProxy>}
 */
export async function startLatencyProxy({ targetPort, oneWayMs = 0 }) {
  /** @type {Set<import('node:net').Socket>} */
  const open = new Set()
  const server = createServer({ noDelay: true }, client => {
    proxy.counts.connections++
    const acceptedAt = performance.now()
    // The client sent its first bytes the moment it connected here; on a network it could
    // only once the SYN-ACK came back, a round trip after it sent the SYN.
    const handshakeDone = acceptedAt + 2 * proxy.oneWayMs
    const upstream = connect({ port: targetPort, host: '127.0.0.1', noDelay: true })
    for (const end of [client, upstream]) {
      open.add(end)
      end.on('close', () => open.delete(end))
      end.on('error', () => undefined)
    }
    let first = true
    const toServer = delayed(upstream, handshakeDone)
    const toClient = delayed(client, 0)
    client.on('data', chunk => {
      if (first && chunk[0] === TLS_HANDSHAKE_RECORD) proxy.counts.tlsHandshakes++
      first = false
      toServer.push(chunk)
    })
    upstream.on('data', chunk => toClient.push(chunk))
    client.on('end', () => toServer.end())
    upstream.on('end', () => toClient.end())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })

  /**
   * Writes to `to` what is pushed, each part `oneWayMs` after it came and never before
   * `notBefore`, in order.
   * @param {import('node:net').Socket} to @param {number} notBefore
   */
  function delayed(to, notBefore) {
    /** @type {{due: number, chunk: Buffer | null}[]} */
    const queue = []
    let timer = /** @type {NodeJS.Timeout | undefined} */ (undefined)
    const pump = () => {
      timer = undefined
      while (queue.length && queue[0].due <= performance.now()) {
        const { chunk } = /** @type {{due: number, chunk: Buffer | null}} */ (queue.shift())
        if (chunk) to.write(chunk)
        else to.end()
      }
      if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0].due - performance.now()))
    }
    /** @param {Buffer | null} chunk */
    const add = chunk => {
      queue.push({ due: Math.max(performance.now() + proxy.oneWayMs, notBefore + proxy.oneWayMs), chunk })
      if (!timer) pump()
    }
    return { push: add, end: () => add(null) }
  }

  /** @type {LatencyProxy} */
  const proxy = {
    port: 0,
    oneWayMs,
    counts: { connections: 0, tlsHandshakes: 0 },
    reset() {
      proxy.counts = { connections: 0, tlsHandshakes: 0 }
    },
    close: () =>
      new Promise(done => {
        server.close(() => done(undefined))
        for (const socket of open) socket.destroy()
      })
  }
  await new Promise(done => server.listen(0, '127.0.0.1', () => done(undefined)))
  proxy.port = /** @type {import('node:net').AddressInfo} */ (server.address()).port
  return proxy
}
