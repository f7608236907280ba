// src/platform/http.ts and proxy.ts alone: the attempt deadline that nothing inside undici
// outlives, and the dispatcher behind a proxy, over real sockets on loopback.
import { afterEach, describe, expect, test } from '@jest/globals'
import type { Dispatcher } from 'undici'
import { PlatformClient } from '../src/platform/client.js'
import { createDispatcher, sendRequest } from '../src/platform/http.js'
import { PROXY_PASSWORD, startTestProxy, type TestProxy } from './helpers/proxy.js'

const API = 'https://api.example.test/api/v1'
/** http.ts's DEADLINE_GRACE_MS. */
const GRACE_MS = 1500
/** Timers on a loaded machine. */
const SLACK_MS = 400

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
})

/** A dispatcher that takes every request and never does anything with it. */
const blackHole = { dispatch: () => true } as unknown as Dispatcher

async function timed<T>(work: Promise<T>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now()
  try {
    await work
  } catch (error) {
    return { error, elapsedMs: Date.now() - started }
  }
  throw new Error('expected a failure')
}

const request = { url: `${API}/service_accounts`, method: 'GET' as const, headers: {} }

describe('the attempt deadline', () => {
  test('fails an attempt the dispatcher never answers, at timeoutMs plus the grace', async () => {
    const { error, elapsedMs } = await timed(sendRequest(blackHole, { ...request, timeoutMs: 300 }))
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'no answer within 0.3 s' })
    expect(elapsedMs).toBeGreaterThanOrEqual(300 + GRACE_MS - 20)
    expect(elapsedMs).toBeLessThan(300 + GRACE_MS + SLACK_MS)
  })

  test('never lets an attempt outlast what is left of the budget', async () => {
    const { error, elapsedMs } = await timed(sendRequest(blackHole, { ...request, timeoutMs: 300, budgetLeftMs: 500 }))
    expect(error).toMatchObject({ code: 'TIMEOUT' })
    expect(elapsedMs).toBeLessThan(500 + SLACK_MS)
  })

  test('destroys what undici still holds of a stalled attempt: the stuck tunnel closes at the deadline', async () => {
    // The CONNECT is answered a second inside timeoutMs, and the TLS through the tunnel then
    // stalls: undici alone would hold that socket until its TLS timeout, timeoutMs later.
    proxy = await startTestProxy({ target: 'none:443', targetPort: 1, behaviour: 'answer-late', lateMs: 2000 })
    const dispatcher = await createDispatcher(3000, API, [], { HTTPS_PROXY: proxy.url })
    const started = Date.now()
    const { error } = await timed(sendRequest(dispatcher, { ...request, timeoutMs: 3000 }))
    const failedAt = Date.now()
    expect(error).toMatchObject({ code: 'TIMEOUT', message: 'no answer within 3 s' })
    expect(failedAt - started).toBeLessThan(3000 + GRACE_MS + SLACK_MS)
    await new Promise(done => setTimeout(done, 100))
    expect(proxy.closedAt).toHaveLength(1)
    expect(proxy.closedAt[0] - failedAt).toBeLessThan(100)
    await dispatcher.destroy()
  })
})

describe('a client behind a proxy', () => {
  test('a proxy slower than what is left of the budget cannot stretch it', async () => {
    proxy = await startTestProxy({ target: 'none:443', targetPort: 1, behaviour: 'silent' })
    const client = new PlatformClient({
      apiUrl: API,
      authToken: 'a.b.c',
      userAgent: 'http-test',
      timeoutMs: 1000,
      maxAttempts: 5,
      budgetMs: 1500,
      baseDelayMs: 1,
      dispatcher: await createDispatcher(1000, API, [], { HTTPS_PROXY: proxy.url })
    })
    const { error, elapsedMs } = await timed(client.list())
    expect(elapsedMs).toBeLessThan(1500 + SLACK_MS)
    expect(String(error)).toContain('gave up: these requests had 2 s in all')
    expect(proxy.connects).toHaveLength(2)
  })

  test('a proxy URL that is not one is named by its variable, never by its value', async () => {
    const bad = `http://user:${PROXY_PASSWORD}@[proxy`
    const error = await createDispatcher(1000, API, [], { https_proxy: bad }).catch((e: unknown) => e)
    expect(String(error)).toContain('https_proxy is not a URL')
    expect(String(error)).not.toContain(PROXY_PASSWORD)
  })
})
