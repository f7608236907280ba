import type { Dispatcher } from 'undici'

/** The one place that touches undici: a request in, a small bounded response out. */
export interface HttpResponse {
  status: number
  statusText: string
  header(name: string): string | undefined
  /** The whole body; a body over `limitBytes` is cut off and throws BodyTooLargeError. */
  text(limitBytes: number): Promise<string>
  /** At most the body's first `limitBytes`, the rest dropped: for error bodies. */
  head(limitBytes: number): Promise<string>
  /** The body's complete lines, a batch per chunk; a line or body over its limit throws. */
  lineBatches(limits: { lineBytes: number; bodyBytes: number }): AsyncGenerator<string[]>
  discard(): Promise<void>
}

export interface HttpRequest {
  url: string
  method: 'GET' | 'POST' | 'DELETE'
  headers: Record<string, string>
  body?: string
  /** The whole attempt's limit, headers and body. */
  timeoutMs: number
}

class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE'
  constructor(limitBytes: number) {
    super(`the answer is over the ${Math.round(limitBytes / 1024)} KiB this action reads`)
    this.name = 'BodyTooLargeError'
  }
}

/** Loopback hosts as URL's `hostname` writes them. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/**
 * A dispatcher that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their lower-case
 * forms), as self-hosted runners behind proxies need. A loopback API never goes through a
 * proxy: the bearer would cross the network in clear. Only runs behind a proxy load the
 * proxy agent.
 */
export async function createDispatcher(
  timeoutMs: number,
  apiUrl: string,
  extraCa: string[] = [],
  env: NodeJS.ProcessEnv = process.env
): Promise<Dispatcher> {
  const ca = extraCa.length ? await trustedCertificates(extraCa, env) : undefined
  const options = {
    connect: { timeout: timeoutMs, ca },
    // Through a proxy, the TLS to the API runs inside the tunnel.
    requestTls: { ca },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs
  }
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some(name => env[name])
  if (proxied && !isLoopbackHost(new URL(apiUrl).hostname)) {
    const [{ default: EnvHttpProxyAgent }, { default: Dispatcher }, { default: apiConnect }] = await Promise.all([
      import('undici/lib/dispatcher/env-http-proxy-agent.js'),
      import('undici/lib/dispatcher/dispatcher.js'),
      import('undici/lib/api/api-connect.js')
    ])
    // The proxy agent opens its tunnel with dispatcher.connect(), a method that undici's
    // entry point adds to every dispatcher; add just that one.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- installed as a method, called on a dispatcher
    Dispatcher.prototype.connect ??= apiConnect
    return new EnvHttpProxyAgent(options)
  }
  const { Agent } = await import('./undici.js')
  return new Agent(options)
}

/**
 * Node's trusted certificates plus `extra`: giving TLS a `ca` list replaces the defaults,
 * so the defaults (bundled, and NODE_EXTRA_CA_CERTS) are listed too.
 */
async function trustedCertificates(extra: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const tls = await import('node:tls')
  // Added in Node 22.15, so absent on older runtimes whatever the types say.
  if (typeof tls.getCACertificates === 'function') return [...tls.getCACertificates('default'), ...extra]
  // Node before 22.15 lists only the bundled ones; read NODE_EXTRA_CA_CERTS as Node would.
  const fromEnv = env.NODE_EXTRA_CA_CERTS
    ? [await import('node:fs/promises').then(fs => fs.readFile(env.NODE_EXTRA_CA_CERTS!, 'utf8')).catch(() => '')]
    : []
  return [...tls.rootCertificates, ...fromEnv.filter(Boolean), ...extra]
}

export async function sendRequest(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url)
  const { request } = await import('./undici.js')
  const { body, headers, statusCode } = await request.call(dispatcher, {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(req.timeoutMs)
  })
  const chunks = body as AsyncIterable<Buffer>
  return {
    status: statusCode,
    statusText: process.getBuiltinModule('node:http').STATUS_CODES[statusCode] ?? '',
    header(name) {
      const value = headers[name]
      return Array.isArray(value) ? value[0] : value
    },
    async text(limitBytes) {
      const parts: Buffer[] = []
      let size = 0
      for await (const chunk of chunks) {
        size += chunk.length
        if (size > limitBytes) {
          body.destroy()
          throw new BodyTooLargeError(limitBytes)
        }
        parts.push(chunk)
      }
      return Buffer.concat(parts).toString('utf8')
    },
    async head(limitBytes) {
      const parts: Buffer[] = []
      let size = 0
      for await (const chunk of chunks) {
        parts.push(chunk)
        size += chunk.length
        if (size >= limitBytes) {
          body.destroy()
          break
        }
      }
      return Buffer.concat(parts).subarray(0, limitBytes).toString('utf8')
    },
    discard: () => body.dump(),
    async *lineBatches({ lineBytes, bodyBytes }) {
      body.setEncoding('utf8')
      let pending = ''
      let size = 0
      for await (const chunk of body as AsyncIterable<string>) {
        // Characters, not bytes: a bound either way, and it spares encoding every chunk.
        size += chunk.length
        const lines = (pending + chunk).split('\n')
        pending = lines.pop() ?? ''
        if (size > bodyBytes) {
          body.destroy()
          throw new BodyTooLargeError(bodyBytes)
        }
        if (pending.length > lineBytes || lines.some(line => line.length > lineBytes)) {
          body.destroy()
          throw new BodyTooLargeError(lineBytes)
        }
        if (lines.length) yield lines
      }
      if (pending) yield [pending]
    }
  }
}
