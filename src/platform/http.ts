import { readFile } from 'node:fs/promises'
import { STATUS_CODES } from 'node:http'
import * as nodeTls from 'node:tls'
import { Agent, Dispatcher, request } from 'undici'
import { isLoopbackHost } from './loopback.js'
import { proxyDispatchers, type Connections } from './proxy.js'

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
  /** What is left of the caller's budget: the attempt is cut off by then, grace or not. */
  budgetLeftMs?: number
}

/**
 * undici's timeouts and the request's signal end an attempt by `timeoutMs`, but not every
 * wait: a request queued for a connection ignores its signal until it has one, and a
 * tunnel is set up in stages with a timeout each. This limit, outside undici, is the one
 * nothing can outlive; a little later than theirs, so that their errors, which say what
 * stalled, come first.
 */
const DEADLINE_GRACE_MS = 1_500

/** The most header bytes an answer may have: Node's default, set here so that no flag raises it. */
const MAX_HEADER_BYTES = 16 * 1024

/**
 * A read may follow a request already on the wire (the verification after a grant) instead
 * of waiting for its answer: undici then sends it at once (each request says it does not
 * block the connection), and never sends a POST or DELETE behind another.
 */
const PIPELINING = 2

/** An attempt cut off at its deadline: whether the request was sent is unknown. */
class AttemptDeadlineError extends Error {
  readonly code = 'TIMEOUT'
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`)
    this.name = 'AttemptDeadlineError'
  }
}

class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE'
  constructor(limitBytes: number) {
    super(`the answer is over the ${Math.round(limitBytes / 1024)} KiB this action reads`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * A dispatcher that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their lower-case
 * forms), as self-hosted runners behind proxies need. A loopback API never goes through a
 * proxy: the bearer would cross the network in clear. Every undici timeout of every client
 * (the proxy's own included) is `timeoutMs`.
 *
 * Every request and retry of a step goes on one connection (`connections`: at most that
 * many at once), a new one only when it failed or was closed: by default undici opens
 * another for a request sent while the first is still connecting or busy, a TCP and TLS
 * handshake (1 to 2 round trips) the step need not pay.
 */
export async function createDispatcher(
  timeoutMs: number,
  apiUrl: string,
  extraCa: string[],
  env: NodeJS.ProcessEnv = process.env,
  connections = 1
): Promise<Dispatcher> {
  // One TLS context for every connection of the step: given a `ca` list, TLS would parse it
  // all again for each one.
  const secureContext = extraCa.length ? await trustContext(extraCa, env) : undefined
  // Explicit, so that NODE_TLS_REJECT_UNAUTHORIZED=0 in the job's environment never sends
  // the bearer to a server whose certificate does not check out.
  const tls = { secureContext, rejectUnauthorized: true as const, timeout: timeoutMs }
  const limits = {
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxHeaderSize: MAX_HEADER_BYTES,
    connections,
    pipelining: PIPELINING
  }
  const proxy = isLoopbackHost(new URL(apiUrl).hostname) ? undefined : chooseProxy(env)
  if (proxy) {
    return new RenewableDispatcher(proxyDispatchers(proxy, { tls, ...limits }, env))
  }
  // Direct, a connection is set up in one stage, under undici's connect timeout.
  return new RenewableDispatcher(() => ({ dispatcher: new Agent({ connect: tls, ...limits }) }))
}

/** The proxy an https API goes through, by undici's precedence, and the variable that names it. */
function chooseProxy(env: NodeJS.ProcessEnv): { variable: string; url: string } | undefined {
  for (const variable of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
    const url = env[variable]
    if (url) return { variable, url }
  }
  return undefined
}

/**
 * A TLS context that trusts what Node trusts by default plus `extra`: Node's list of its
 * default CAs (Node 22.15 and later; older ones give the roots they ship) and the step's
 * NODE_EXTRA_CA_CERTS, which older ones leave out. A CA listed twice counts once. Under
 * `--use-openssl-ca` Node lists none, so OpenSSL's store does not count here.
 */
async function trustContext(extra: string[], env: NodeJS.ProcessEnv): Promise<nodeTls.SecureContext> {
  // Typed as always there, but missing before Node 22.15.
  // Stryker disable next-line StringLiteral: Node 20 has no getCACertificates; on Node 24.5+ http-wire.test.ts pins it
  const defaults = nodeTls.getCACertificates?.('default') ?? nodeTls.rootCertificates
  return nodeTls.createSecureContext({ ca: [...defaults, ...(await environmentCertificates(env)), ...extra] })
}

/** NODE_EXTRA_CA_CERTS's certificates, read as Node reads them: a file it can't read adds none. */
async function environmentCertificates(env: NodeJS.ProcessEnv): Promise<string[]> {
  const file = env.NODE_EXTRA_CA_CERTS
  // Stryker disable next-line ArrayDeclaration: TLS skips text that holds no certificate
  if (!file) return []
  // Stryker disable next-line StringLiteral: TLS skips text that holds no certificate
  return [await readFile(file, 'utf8').catch(() => '')]
}

export async function sendRequest(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const sent = request(req.url, {
    dispatcher,
    method: req.method,
    headers: req.headers,
    body: req.body,
    blocking: false,
    signal: AbortSignal.timeout(req.timeoutMs)
  })
  const deadline = new Deadline(req, dispatcher, sent)
  const { body, headers, statusCode } = await deadline.response
  const chunks = body as AsyncIterable<Buffer>
  return {
    status: statusCode,
    statusText: STATUS_CODES[statusCode] ?? '',
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
        // Stryker disable next-line StringLiteral: split() always yields at least one part
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

/**
 * One attempt's hard limit: at it the attempt fails, its body is destroyed, and a dispatcher
 * from createDispatcher is renewed, so that whatever undici still holds of it goes too.
 * Ends when the body closes: read to its end, dumped or destroyed.
 */
class Deadline {
  readonly response: Promise<Dispatcher.ResponseData>
  private body?: Dispatcher.ResponseData['body']
  private expired?: AttemptDeadlineError

  constructor(
    { timeoutMs, budgetLeftMs = Infinity }: HttpRequest,
    dispatcher: Dispatcher,
    sent: Promise<Dispatcher.ResponseData>
  ) {
    let fail: (error: Error) => void = () => undefined
    const expiry = new Promise<never>((_, reject) => (fail = reject))
    expiry.catch(() => undefined) // after the response came, its body carries the failure
    const timer = setTimeout(
      () => {
        this.expired = new AttemptDeadlineError(timeoutMs)
        fail(this.expired)
        this.body?.destroy(this.expired)
        if (dispatcher instanceof RenewableDispatcher) dispatcher.renew()
      },
      Math.min(timeoutMs + DEADLINE_GRACE_MS, budgetLeftMs)
    )
    sent.then(
      ({ body }) => {
        if (this.expired) return void body.destroy(this.expired)
        this.body = body
        body.once('close', () => clearTimeout(timer))
      },
      () => clearTimeout(timer)
    )
    this.response = Promise.race([sent, expiry])
  }
}

/**
 * The dispatcher createDispatcher makes: undici's, replaced by a fresh one when an attempt
 * outlived its deadline, after destroying every connection and request the old one held.
 */
class RenewableDispatcher extends Dispatcher {
  #current: Connections

  constructor(private readonly make: () => Connections) {
    super()
    this.#current = make()
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.#current.dispatcher.dispatch(options, handler)
  }

  renew(): void {
    const stuck = this.#current
    this.#current = this.make()
    stuck.dispatcher.destroy().catch(() => undefined)
    for (const socket of stuck.sockets ?? []) socket.destroy()
  }

  override close(callback?: () => void): Promise<void> {
    return settled(this.#current.dispatcher.close(), callback)
  }

  override destroy(errorOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> {
    if (typeof errorOrCallback === 'function') return settled(this.#current.dispatcher.destroy(null), errorOrCallback)
    return settled(this.#current.dispatcher.destroy(errorOrCallback ?? null), callback)
  }
}

/** undici's callback form: the callback runs once `done` settles, whichever way. */
function settled(done: Promise<void>, callback?: () => void): Promise<void> {
  if (callback) done.then(callback, callback)
  return done
}
