import { STATUS_CODES } from 'node:http'
import type { Dispatcher } from 'undici'
// undici's package entry evaluates all of undici (fetch, WebSocket, caches, mocks), which
// costs more start-up time than the whole rest of the action; these are the parts used.
import Agent from 'undici/lib/dispatcher/agent.js'
import apiRequest from 'undici/lib/api/api-request.js'

/** The one place that touches undici: a request in, a small response interface out. */
export interface HttpResponse {
  status: number
  statusText: string
  header(name: string): string | undefined
  text(): Promise<string>
  /** The body's complete lines, a batch for each chunk as it arrives. */
  lineBatches(): AsyncGenerator<string[]>
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

/**
 * A dispatcher that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their lower-case
 * forms), as self-hosted runners behind proxies need. Only runs behind a proxy load the
 * proxy agent.
 */
export async function createDispatcher(timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Dispatcher> {
  const options = { connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }
  if (['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some(name => env[name])) {
    const [{ default: EnvHttpProxyAgent }, { default: Dispatcher }, { default: apiConnect }] = await Promise.all([
      import('undici/lib/dispatcher/env-http-proxy-agent.js'),
      import('undici/lib/dispatcher/dispatcher.js'),
      import('undici/lib/api/api-connect.js')
    ])
    // The proxy agent opens its tunnel with dispatcher.connect(), a method that undici's
    // entry point adds to every dispatcher; add just that one.
    Dispatcher.prototype.connect ??= apiConnect
    return new EnvHttpProxyAgent(options)
  }
  return new Agent(options)
}

export async function sendRequest(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs)
  const url = new URL(req.url)
  const response = await apiRequest.call(dispatcher, {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal
  })
  const { body, headers, statusCode } = response
  const header = (name: string): string | undefined => {
    const value = headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  return {
    status: statusCode,
    statusText: STATUS_CODES[statusCode] ?? '',
    header,
    text: () => body.text(),
    discard: () => body.dump(),
    async *lineBatches() {
      body.setEncoding('utf8')
      let pending = ''
      for await (const chunk of body as AsyncIterable<string>) {
        const lines = (pending + chunk).split('\n')
        pending = lines.pop() ?? ''
        if (lines.length) yield lines
      }
      if (pending) yield [pending]
    }
  }
}
