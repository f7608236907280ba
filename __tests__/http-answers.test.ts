// How much of an answer src/platform/http.ts reads, and how an attempt's deadline ends it,
// against a loopback server that writes each answer chunk by chunk as a test tells it.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import http, { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Agent, type Dispatcher } from 'undici'
import { createDispatcher, sendRequest, type HttpResponse } from '../src/platform/http.js'
import { useRaisedNodeHeaderLimit } from './helpers/node-header-limit.js'

/** Timers on a loaded machine. */
const SLACK_MS = 600

type Handler = (req: IncomingMessage, res: ServerResponse) => void
let handle: Handler
/** Every connection the server accepted, and when each closed. */
const connections: { socket: Socket; closedAt?: number }[] = []
const server = createServer((req, res) => handle(req, res))
server.on('connection', (socket: Socket) => {
  const seen: { socket: Socket; closedAt?: number } = { socket }
  connections.push(seen)
  socket.on('close', () => (seen.closedAt = Date.now()))
})
let origin: string
const dispatchers: Dispatcher[] = []

beforeAll(async () => {
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map(d => d.destroy()))
  server.closeAllConnections()
  connections.length = 0
})
afterAll(() => new Promise(done => server.close(done)))

const sleep = (ms: number) => new Promise(done => setTimeout(done, ms))

/** Answers 200 with `parts` written one by one, `gapMs` apart; `end: false` leaves the body open. */
function chunked(parts: string[], { gapMs = 30, end = true } = {}): Handler {
  return (_, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    void (async () => {
      for (const [i, part] of parts.entries()) {
        if (i) await sleep(gapMs)
        res.write(part)
      }
      if (end) res.end()
    })()
  }
}

async function dispatcher(timeoutMs = 5_000): Promise<Dispatcher> {
  const made = await createDispatcher(timeoutMs, origin, [], {})
  dispatchers.push(made)
  return made
}

async function get(
  options: { timeoutMs?: number; budgetLeftMs?: number; to?: Dispatcher } = {}
): Promise<HttpResponse> {
  const { timeoutMs = 5_000, budgetLeftMs, to } = options
  return sendRequest(to ?? (await dispatcher(timeoutMs)), {
    url: `${origin}/api/v1/x`,
    method: 'GET',
    headers: {},
    timeoutMs,
    budgetLeftMs
  })
}

async function batches(response: HttpResponse, limits: { lineBytes: number; bodyBytes: number }): Promise<string[][]> {
  const all: string[][] = []
  for await (const batch of response.lineBatches(limits)) all.push(batch)
  return all
}

describe('the status', () => {
  test.each([
    [404, 'Not Found'],
    [503, 'Service Unavailable'],
    [599, '']
  ])('%i is named %j: a status Node has no name for has none', async (status, text) => {
    handle = (_, res) => res.writeHead(status).end()
    const response = await get()
    expect(response.statusText).toBe(text)
    await response.discard()
  })
})

describe('the headers', () => {
  // The action's limit, 16 KiB (Node's default), whatever --max-http-header-size says.
  useRaisedNodeHeaderLimit(64 * 1024)
  const answerWithHeader =
    (bytes: number): Handler =>
    (_, res) =>
      res.writeHead(200, { 'x-pad': 'a'.repeat(bytes) }).end('ok')

  test('of up to 16 KiB are read', async () => {
    handle = answerWithHeader(15 * 1024)
    const response = await get()
    expect(await response.text(100)).toBe('ok')
  })

  test('over 16 KiB fail the attempt, and say so, though Node would allow 64 KiB', async () => {
    expect(http.maxHeaderSize).toBe(64 * 1024)
    handle = answerWithHeader(16 * 1024)
    await expect(get()).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_OVERFLOW' })
  })
})

describe('the head of an error body', () => {
  test('is gathered across chunks up to the limit, the rest dropped', async () => {
    handle = chunked(['abc', 'def', 'ghi'])
    expect(await (await get()).head(7)).toBe('abcdefg')
  })

  test('is handed over as soon as the limit is reached, without waiting for the rest', async () => {
    handle = chunked(['abc', 'def'], { end: false })
    const response = await get({ timeoutMs: 1_500 })
    const started = Date.now()
    expect(await response.head(6)).toBe('abcdef')
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})

describe('NDJSON lines', () => {
  test('come in a batch per chunk of complete lines, never an empty batch, never an empty last line', async () => {
    handle = chunked(['ab', 'cd\nef', '\ngh\n'])
    expect(await batches(await get(), { lineBytes: 100, bodyBytes: 1_000 })).toEqual([['abcd'], ['ef', 'gh']])
  })

  test('a last line without a newline is a line', async () => {
    handle = chunked(['ab\ncd'])
    expect(await batches(await get(), { lineBytes: 100, bodyBytes: 1_000 })).toEqual([['ab'], ['cd']])
  })

  test('a line or a body of exactly its limit is read', async () => {
    handle = chunked(['abcd\nef\nghij'])
    expect(await batches(await get(), { lineBytes: 4, bodyBytes: 12 })).toEqual([['abcd', 'ef'], ['ghij']])
  })

  test('a complete line over the limit among short ones is not read', async () => {
    handle = chunked(['ok\ntoo long\nok\n'])
    await expect(batches(await get(), { lineBytes: 4, bodyBytes: 1_000 })).rejects.toMatchObject({
      name: 'BodyTooLargeError',
      code: 'BODY_TOO_LARGE'
    })
  })

  test('a body over its limit is not read further', async () => {
    handle = chunked(['ab\ncd\n', 'ef\n'])
    await expect(batches(await get(), { lineBytes: 4, bodyBytes: 8 })).rejects.toMatchObject({
      code: 'BODY_TOO_LARGE'
    })
  })
})

describe('the attempt deadline', () => {
  test('cuts a body still arriving when the budget runs out', async () => {
    handle = chunked(['par'], { end: false })
    const response = await get({ budgetLeftMs: 300 })
    const started = Date.now()
    await expect(response.text(1_000)).rejects.toMatchObject({
      name: 'AttemptDeadlineError',
      code: 'TIMEOUT',
      message: 'no answer within 5 s'
    })
    expect(Date.now() - started).toBeLessThan(300 + SLACK_MS)
  })

  test('closes an answer that comes after it: nothing is left open', async () => {
    // A plain agent, never renewed: only the deadline can end this answer.
    const agent = new Agent()
    dispatchers.push(agent)
    let answeredAt = 0
    handle = (_, res) =>
      void setTimeout(() => {
        answeredAt = Date.now()
        res.writeHead(200).write('partial')
      }, 400)
    await expect(get({ budgetLeftMs: 200, to: agent })).rejects.toMatchObject({ code: 'TIMEOUT' })
    await sleep(700)
    expect(answeredAt).toBeGreaterThan(0)
    expect(connections[0].closedAt! - answeredAt).toBeLessThan(300)
  })

  test('ends with an answer read in time: its connection is kept for the next request', async () => {
    handle = (_, res) => res.writeHead(200).end('ok')
    const kept = await dispatcher()
    expect(await (await get({ budgetLeftMs: 200, to: kept })).text(100)).toBe('ok')
    await sleep(400)
    expect(await (await get({ to: kept })).text(100)).toBe('ok')
    expect(connections).toHaveLength(1)
  })

  test('ends with a request that failed: the connections of others are kept', async () => {
    handle = (_, res) => res.writeHead(200).end('ok')
    const kept = await dispatcher()
    expect(await (await get({ to: kept })).text(100)).toBe('ok')
    const closed = createServer()
    await new Promise<void>(done => closed.listen(0, '127.0.0.1', done))
    const refusing = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`
    await new Promise(done => closed.close(done))
    const refused = sendRequest(kept, {
      url: refusing,
      method: 'GET',
      headers: {},
      timeoutMs: 5_000,
      budgetLeftMs: 200
    })
    await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await sleep(400)
    expect(await (await get({ to: kept })).text(100)).toBe('ok')
    expect(connections).toHaveLength(1)
  })
})

describe('the dispatcher', () => {
  test('calls back once closed or destroyed', async () => {
    const closing = await createDispatcher(1_000, origin, [], {})
    await new Promise<void>(done => void closing.close(done))
    const destroying = await createDispatcher(1_000, origin, [], {})
    await new Promise<void>(done => void destroying.destroy(done))
  }, 2_000)

  test('closed once destroyed, it fails through the promise it returns alone', async () => {
    const made = await createDispatcher(1_000, origin, [], {})
    await made.destroy()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      await expect(made.close()).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' })
      await sleep(50)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
