// TLS for tests and the benchmark: a throwaway self-signed certificate made on the spot (it is
// its own CA), and a TLS front that hands the decrypted stream to a plain-HTTP server such as
// the emulator. Uses the `selfsigned` dev dependency, so it is for a checkout, not for dist/.
import { connect } from 'node:net'
import { createServer } from 'node:tls'
import selfsigned from 'selfsigned'

/**
 * @typedef {object} Certificate
 * @property {string} cert PEM; trusting it as a CA trusts the server that presents it
 * @property {string} key
 */

/**
 * @typedef {object} TlsFront
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/**
 * @param {{dns?: string[], ips?: string[]}} names
 * @returns {Promise<Certificate>}
 */
export async function makeCertificate(names) {
  const altNames = [
    ...(names.dns ?? []).map(value => ({ type: /** @type {const} */ (2), value })),
    ...(names.ips ?? []).map(ip => ({ type: /** @type {const} */ (7), ip }))
  ]
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Throwaway test CA' }], {
    notAfterDate: new Date(Date.now() + 86_400_000),
    keyType: 'ec',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames }
    ]
  })
  return { cert: pems.cert, key: pems.private }
}

/**
 * @param {Certificate} certificate
 * @param {number} targetPort
 * @returns {Promise<TlsFront>}
 */
export async function startTlsFront(certificate, targetPort) {
  /** @type {Set<import('node:net').Socket>} */
  const open = new Set()
  // No Nagle on either leg: an answer written in two parts would otherwise wait out the
  // client's delayed ACK (40 ms on Linux), which no real platform's front adds.
  const server = createServer({ cert: certificate.cert, key: certificate.key, noDelay: true }, socket => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1', noDelay: true })
    for (const end of [socket, upstream]) {
      open.add(end)
      end.on('close', () => open.delete(end))
    }
    socket.pipe(upstream).pipe(socket)
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise(done => server.listen(0, '127.0.0.1', () => done(undefined)))
  return {
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
    // Kept-alive connections are cut, so that closing never waits for a client to let go.
    close: () =>
      new Promise(done => {
        server.close(() => done(undefined))
        for (const socket of open) socket.destroy()
      })
  }
}
