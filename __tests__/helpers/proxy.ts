// A forward proxy on loopback for tests, plain node:net, that opens tunnels only to the one
// host it is told of (always on loopback) or misbehaves as asked. It never connects anywhere
// else, so a test may name a non-loopback API host: only this proxy "reaches" it.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

export type ProxyBehaviour =
  /** Tunnels to the target it was given, as a working proxy does. */
  | 'tunnel'
  /** Reads the CONNECT and closes the connection without a word. */
  | 'close'
  /** Reads the CONNECT and never answers. */
  | 'silent'
  /** Answers `200 Connection established`, then closes. */
  | 'answer-then-close'
  /** Answers a byte at a time, every 200 ms, and never ends its headers. */
  | 'trickle'
  /** Answers 200 after `lateMs`, then says nothing more. */
  | 'answer-late'
  /** Tunnels, its 200 carrying a header of 20 KiB. */
  | 'padded-tunnel'

export interface TestProxy {
  /** `http://user:password@127.0.0.1:port`, the password a secret that must never be printed. */
  url: string
  port: number
  behaviour: ProxyBehaviour
  /** Connections accepted since the last `reset`. */
  connections: number
  /** The CONNECT request lines seen since the last `reset`. */
  connects: string[]
  /** When each connection closed, in ms since the epoch. */
  closedAt: number[]
  reset(behaviour: ProxyBehaviour): void
  close(): Promise<void>
}

export const PROXY_PASSWORD = 'proxy-secret-4f9c2e'

export async function startTestProxy(options: {
  /** `host:port` the proxy tunnels to, e.g. `api.example.test:443` … */
  target: string
  /** … and the loopback port that stands for it. */
  targetPort: number
  behaviour?: ProxyBehaviour
  lateMs?: number
}): Promise<TestProxy> {
  const sockets = new Set<Socket>()
  const proxy: TestProxy = {
    url: '',
    port: 0,
    behaviour: options.behaviour ?? 'tunnel',
    connections: 0,
    connects: [],
    closedAt: [],
    reset(behaviour) {
      proxy.behaviour = behaviour
      proxy.connections = 0
      proxy.connects = []
      proxy.closedAt = []
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(done => server.close(done))
    }
  }
  const server: Server = createServer(socket => {
    proxy.connections++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => {
      sockets.delete(socket)
      proxy.closedAt.push(Date.now())
    })
    let head = ''
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      proxy.connects.push(head.slice(0, head.indexOf('\r\n')))
      act(socket, head.slice(0, end), Buffer.from(head.slice(end + 4), 'latin1'))
    }
    socket.on('data', onData)
  })
  const act = (socket: Socket, request: string, rest: Buffer) => {
    const established =
      proxy.behaviour === 'padded-tunnel'
        ? `HTTP/1.1 200 Connection established\r\nX-Pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`
        : 'HTTP/1.1 200 Connection established\r\n\r\n'
    const tunnels = proxy.behaviour === 'tunnel' || proxy.behaviour === 'padded-tunnel'
    // Reads on, so that it sees the other side close; a tunnel pipes what comes later.
    if (!tunnels) socket.resume()
    else socket.pause()
    switch (proxy.behaviour) {
      case 'close':
        return void socket.destroy()
      case 'silent':
        return
      case 'answer-then-close':
        return void socket.end(established)
      case 'trickle': {
        const text = 'HTTP/1.1 200 Connection established\r\nX-Slow: '
        let sent = 0
        const timer = setInterval(
          () => (socket.destroyed ? clearInterval(timer) : socket.write(text[sent++] ?? 'a')),
          200
        )
        return
      }
      case 'answer-late':
        return void setTimeout(() => socket.destroyed || socket.write(established), options.lateMs ?? 0)
      case 'tunnel':
      case 'padded-tunnel': {
        if (!request.startsWith(`CONNECT ${options.target} `)) return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
        const upstream = connect(options.targetPort, '127.0.0.1', () => {
          socket.write(established)
          upstream.write(rest)
          upstream.pipe(socket).pipe(upstream)
        })
        upstream.on('error', () => socket.destroy())
        socket.on('close', () => upstream.destroy())
      }
    }
  }
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  proxy.port = (server.address() as AddressInfo).port
  proxy.url = `http://ci-proxy-user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`
  return proxy
}
