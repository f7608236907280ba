// TLS for tests: a throwaway self-signed certificate made on the spot (it is its own CA),
// and a TLS front that hands the decrypted stream to a plain-HTTP server such as the emulator.
import { connect, type AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:tls'
import selfsigned from 'selfsigned'

export interface Certificate {
  /** PEM; trusting it as a CA trusts the server that presents it. */
  cert: string
  key: string
}

export async function makeCertificate(names: { dns?: string[]; ips?: string[] }): Promise<Certificate> {
  const altNames = [
    ...(names.dns ?? []).map(value => ({ type: 2 as const, value })),
    ...(names.ips ?? []).map(ip => ({ type: 7 as const, ip }))
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

export interface TlsFront {
  port: number
  close(): Promise<void>
}

export async function startTlsFront(certificate: Certificate, targetPort: number): Promise<TlsFront> {
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, socket => {
    const upstream = connect(targetPort, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise(done => server.close(() => done()))
  }
}
