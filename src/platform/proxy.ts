/**
 * Requests through HTTPS_PROXY or HTTP_PROXY: undici's proxy agent with every timeout of
 * the proxy's own client set, and a tunnel the proxy fails made one failed attempt.
 */
import type { Socket } from 'node:net'
import type { SecureContext } from 'node:tls'
import { EnvHttpProxyAgent, Pool, type buildConnector, type Dispatcher } from 'undici'

/** undici's dispatcher, and sockets it may lose track of: a tunnel it has yet to finish setting up. */
export interface Connections {
  dispatcher: Dispatcher
  sockets?: ReadonlySet<Socket>
}

export interface ProxyOptions {
  /** For every TLS and TCP connection: the platform's, the proxy's, and the one inside the tunnel. */
  tls: { secureContext?: SecureContext; rejectUnauthorized: true; timeout: number }
  headersTimeout: number
  bodyTimeout: number
  maxHeaderSize: number
  /** At most this many connections to the API, and as many to the proxy (default: undici's). */
  connections?: number
  pipelining?: number
}

/** Makes dispatchers that send requests for the API through `proxy`, but where NO_PROXY says. */
export function proxyDispatchers(
  proxy: { variable: string; url: string },
  { tls, headersTimeout, bodyTimeout, maxHeaderSize, connections, pipelining }: ProxyOptions,
  env: NodeJS.ProcessEnv
): () => Connections {
  const where = proxyHost(proxy)
  const limits = { headersTimeout, bodyTimeout, maxHeaderSize, connections, pipelining }
  return () => {
    const sockets = new Set<Socket>()
    const dispatcher = new EnvHttpProxyAgent({
      // The API is https (plain http only on loopback, which never goes through a proxy).
      httpProxy: proxy.url,
      httpsProxy: proxy.url,
      // Stryker disable next-line StringLiteral: any string stops undici reading process.env, and names no API host
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
      connect: tls,
      proxyTls: tls,
      requestTls: tls,
      ...limits,
      // Without this the proxy's client gets only a connector: a CONNECT it never answers waits 300 s.
      clientFactory: (url: URL, options: Pool.Options) =>
        new Pool(url, { ...options, ...limits, connect: kept(options.connect as Connector, sockets) }),
      // A function `connect` is the proxy agent's tunnel; the direct agent's is an options object.
      factory: (origin: string | URL, options: Pool.Options) =>
        new Pool(origin, {
          ...options,
          connect:
            typeof options.connect === 'function' ? oneTryTunnel(options.connect, where, tls.timeout) : options.connect
        })
    })
    return { dispatcher, sockets }
  }
}

/**
 * The connector, keeping each socket to the proxy in `sockets` while it is open: undici
 * forgets a tunnel's socket once the CONNECT is answered, and destroying the dispatcher
 * would leave one whose TLS stalls.
 */
function kept(connect: Connector, sockets: Set<Socket>): Connector {
  return (options, callback) =>
    connect(options, (...result) => {
      const socket = result[1]
      if (socket) sockets.add(socket.once('close', () => sockets.delete(socket)))
      callback(...result)
    })
}

type Connector = buildConnector.connector

/** A tunnel the proxy failed, named for what happened. */
class ProxyTunnelError extends Error {
  constructor(
    readonly code: 'PROXY_CLOSED' | 'PROXY_NO_ANSWER',
    message: string,
    cause: unknown
  ) {
    super(message, { cause })
    this.name = 'ProxyTunnelError'
  }
}

/**
 * undici's client takes a socket error while connecting (UND_ERR_SOCKET) for one that will
 * pass and connects again at once, without end: a proxy that closes every CONNECT made
 * thousands of tunnels a second, and the request never failed. Through this connector such
 * a failure fails the request, and the client's retry loop counts it and backs off.
 *
 * Every failure here is before the connector handed over a socket, so not one byte of the
 * request (its bearer included) was written: the proxy saw only `CONNECT host:443`. That is
 * why these failures count as "not sent" (retry.ts), which lets a create repeat.
 */
function oneTryTunnel(tunnel: Connector, proxy: string, timeoutMs: number): Connector {
  return (options, callback) => {
    // The proxy agent hands this signal to its CONNECT: undici's headersTimeout runs on a
    // coarse clock, up to a second late, and this one ends the wait for an answer on time.
    const signal = AbortSignal.timeout(timeoutMs)
    tunnel({ ...options, signal } as Parameters<Connector>[0], (...result) =>
      result[0] ? callback(tunnelFailure(result[0], proxy, options.hostname, timeoutMs), null) : callback(...result)
    )
  }
}

/** The failure a tunnel's setup ended with, named for what the proxy did; any other passes as it is. */
export function tunnelFailure(error: Error, proxy: string, host: string, timeoutMs: number): Error {
  switch (error.name === 'TimeoutError' ? 'TIMEOUT' : (error as { code?: unknown }).code) {
    case 'TIMEOUT': // the signal above
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new ProxyTunnelError(
        'PROXY_NO_ANSWER',
        `the proxy at ${proxy} did not answer the CONNECT within ${timeoutMs / 1000} s`,
        error
      )
    case 'UND_ERR_SOCKET':
      return new ProxyTunnelError('PROXY_CLOSED', `the proxy at ${proxy} closed the tunnel without an answer`, error)
    case 'ECONNRESET':
    case 'EPIPE':
      // A reset while the CONNECT waited, or after its 200 while TLS to the API was set up.
      return new ProxyTunnelError('PROXY_CLOSED', `the proxy at ${proxy} closed the tunnel to ${host}`, error)
    default:
      return error
  }
}

/** The proxy's host and port: never its user or password. */
function proxyHost({ variable, url }: { variable: string; url: string }): string {
  try {
    return new URL(url).host || variable
  } catch {
    throw new Error(`${variable} is not a URL (e.g. http://proxy.example.com:3128)`)
  }
}
