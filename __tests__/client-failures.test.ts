// How the client names a failure: an unexpected status, a refusing proxy, an answer cut
// off or too large, and transport errors of every shape. Real HTTP on loopback where a
// server or proxy can do it; a failing dispatcher for error shapes no socket produces.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Agent, errors, type Dispatcher } from 'undici'
import { PlatformClient, type PlatformClientOptions } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import { createDispatcher } from '../src/platform/http.js'
import { freshImport } from './helpers/fresh-import.js'

let server: Server
let apiUrl: string
let respond: (res: ServerResponse) => void
let requests = 0
let dispatcher: Agent

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++
    req.resume()
    req.on('end', () => respond(res))
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
  dispatcher = new Agent()
})
afterEach(() => {
  requests = 0
})
afterAll(async () => {
  await dispatcher.close()
  server.closeAllConnections()
  await new Promise(done => server.close(done))
})

function client(options: Partial<PlatformClientOptions> = {}): PlatformClient {
  return new PlatformClient({
    apiUrl,
    authToken: 'eyJh.eyJz.c2ln',
    userAgent: 'failures-test',
    dispatcher,
    maxAttempts: 1,
    sleep: () => Promise.resolve(),
    ...options
  })
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(PlatformError)
  return error as PlatformError
}

/** Headers that promise `length` bytes, then part of the body, then the connection closes. */
const cutOff = (status: number, type: string, part: string) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': type, 'content-length': '1000' })
  res.write(part, () => res.destroy())
}

describe('unexpected statuses', () => {
  test('an unexpected 2xx is reported by its status text, not taken for a redirect', async () => {
    respond = res => res.writeHead(204).end()
    expect((await failure(client().get('ci'))).message).toBe('get service account ci failed: HTTP 204: No Content')
  })

  test('a 300 is a redirect too: named by where it leads, never followed', async () => {
    respond = res =>
      res.writeHead(300, { location: 'http://elsewhere.example/api/v1/x?token=1' }).end('{"error": "no"}')
    const error = await failure(client({ maxAttempts: 3 }).get('ci'))
    expect(error.message).toBe(
      'get service account ci failed: HTTP 300: redirected to http://elsewhere.example/api/v1/x; ' +
        'redirects are not followed so that the credential never leaves the API URL'
    )
    expect(requests).toBe(1)
  })

  test("a 407 is a proxy's refusal, whatever its body says", async () => {
    respond = res =>
      res.writeHead(407, { 'content-type': 'application/json' }).end('{"error": "something else entirely"}')
    // Loaded anew: the message is a module constant (helpers/fresh-import.ts).
    const { PlatformClient: FreshClient } = await freshImport(() => import('../src/platform/client.js'))
    const fresh = new FreshClient({ apiUrl, authToken: 'eyJh.eyJz.c2ln', userAgent: 'failures-test', dispatcher })
    expect(((await fresh.get('ci').catch((thrown: unknown) => thrown)) as Error).message).toBe(
      'get service account ci failed: HTTP 407: the proxy refused the request (Proxy Authentication Required): ' +
        'check the user and password in HTTPS_PROXY or HTTP_PROXY'
    )
  })

  test('an error answer whose body is cut off is reported by its status text', async () => {
    respond = cutOff(502, 'text/plain', 'upstream went')
    expect((await failure(client().get('ci'))).message).toBe('get service account ci failed: HTTP 502: Bad Gateway')
  })
})

describe('answers that cannot be read', () => {
  test('an answer cut off is unreadable, so a read tries again', async () => {
    respond = cutOff(200, 'application/json', '{"id": "service-')
    const error = await failure(client({ maxAttempts: 2 }).get('ci'))
    expect(error.status).toBe(200)
    expect(error.unreadable).toBe(true)
    expect(error.serverMessage).toMatch(/^the answer was cut off: /)
    expect(requests).toBe(2)
  })

  test('an answer over the limit is refused as such and not read again: it would be as large the next time', async () => {
    respond = res => res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('x'.repeat(65 * 1024))
    const error = await failure(client({ maxAttempts: 3 }).list())
    expect([error.status, error.code, error.unreadable]).toEqual([200, 'BODY_TOO_LARGE', false])
    expect(error.message).toBe(
      'list service accounts failed: HTTP 200: the answer is over the 64 KiB this action reads'
    )
    expect(requests).toBe(1)
  })
})

describe('no answer', () => {
  test('a proxy that refuses the tunnel with a status other than 407 is named as refusing', async () => {
    const proxy = createServer()
    proxy.on('connect', (_: IncomingMessage, socket: Socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'))
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    const proxied = await createDispatcher(2_000, 'http://api.example.test/api/v1', [], { HTTP_PROXY: proxyUrl })
    try {
      const error = await failure(
        client({ apiUrl: 'http://api.example.test/api/v1', dispatcher: proxied, maxAttempts: 3 }).config()
      )
      expect(error.status).toBe(403)
      expect(error.message).toBe('read platform config failed: HTTP 403: the proxy refused to open a tunnel')
    } finally {
      await proxied.close()
      proxy.closeAllConnections()
      await new Promise(done => proxy.close(done))
    }
  })
})

describe('transport errors of any shape', () => {
  /** A dispatcher that fails every request with `error`, as undici reports a failure. */
  const failingWith = (error: unknown) => {
    let dispatched = 0
    const failing = {
      dispatch(_: unknown, handler: { onError(error: unknown): void }) {
        dispatched++
        queueMicrotask(() => handler.onError(error))
        return true
      }
    }
    return { dispatcher: failing as unknown as Dispatcher, dispatched: () => dispatched }
  }
  const url = () => `${apiUrl}/service_accounts/ci`

  test('an error with no code anywhere is reported by its message, with a code of its own', async () => {
    for (const thrown of [new Error('the line went quiet'), new Error('the line went quiet', { cause: null })]) {
      const error = await failure(client(failingWith(thrown)).get('ci'))
      expect([error.status, error.code]).toEqual([0, 'ERROR'])
      expect(error.message).toBe(`get service account ci failed: the line went quiet (GET ${url()}) (ERROR)`)
    }
  })

  test('something thrown that is no error is reported as text', async () => {
    const error = await failure(client(failingWith('the line went quiet')).get('ci'))
    expect([error.status, error.code]).toEqual([0, 'ERROR'])
    expect(error.serverMessage).toBe(`the line went quiet (GET ${url()})`)
  })

  test("an error's code may come from its cause, or its cause's cause; it decides whether to try again", async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    const wrapped = new Error('request failed', { cause: new Error('socket failed', { cause: reset }) })
    const failing = failingWith(wrapped)
    const error = await failure(client({ ...failing, maxAttempts: 2 }).get('ci'))
    expect(error.code).toBe('ECONNRESET')
    expect(failing.dispatched()).toBe(2)
  })

  test("undici's own timeouts, headers or body, read as a timeout, naming the request", async () => {
    for (const thrown of [new errors.HeadersTimeoutError(), new errors.BodyTimeoutError()]) {
      const error = await failure(client({ ...failingWith(thrown), timeoutMs: 2_000 }).get('ci'))
      expect(error.code).toBe(thrown.code)
      expect(error.message).toBe(
        `get service account ci failed: timed out after 2 s waiting for GET ${url()} (${thrown.code})`
      )
    }
  })

  test("only undici's own tunnel refusal, which begins its message, is read as a proxy's status", async () => {
    const error = await failure(client(failingWith(new Error('upstream said: Proxy response (407)'))).get('ci'))
    expect([error.status, error.code]).toEqual([0, 'ERROR'])
    expect(error.serverMessage).toBe(`upstream said: Proxy response (407) (GET ${url()})`)
  })
})
