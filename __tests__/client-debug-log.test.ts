// The client's debug lines (`log`): each request with its attempt, what came of it and how
// long it took, and each wait. A fake clock that the loopback server moves on as it answers
// gives the timings.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { Agent } from 'undici'
import { PlatformClient, type PlatformClientOptions } from '../src/platform/client.js'
import { ThrottleMemory } from '../src/platform/retry.js'
import { startHostileServer, type Answer, type HostileServer } from './helpers/hostile-server.js'

const ACCOUNT = {
  id: 'service-account-1',
  name: 'ci',
  role: 'alice/service-accounts/ci',
  owner: 'alice',
  default_cluster: 'default',
  default_project: 'p',
  created_at: '2026-11-28T10:00:00+00:00'
}
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln'
/** How long each answer takes on the fake clock. */
const ANSWER_MS = 250

let server: HostileServer
let answers: Answer[]
let dispatcher: Agent
let clock: number
let lines: string[]

beforeAll(async () => {
  server = await startHostileServer(() => {
    clock += ANSWER_MS
    return answers.shift() ?? { status: 500 }
  })
  dispatcher = new Agent()
})
afterEach(() => {
  server.requests.length = 0
})
afterAll(async () => {
  await dispatcher.close()
  await server.close()
})

function client(options: Partial<PlatformClientOptions> = {}): PlatformClient {
  clock = 1_000
  lines = []
  return new PlatformClient({
    apiUrl: server.url,
    authToken: TOKEN,
    userAgent: 'debug-log-test',
    dispatcher,
    now: () => clock,
    sleep: ms => {
      clock += ms
      return Promise.resolve()
    },
    random: () => 0.5,
    log: line => lines.push(line),
    ...options
  })
}

const json = (status: number, value: unknown): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: typeof value === 'string' ? value : JSON.stringify(value)
})

test('each attempt, its status and time, and the wait before the next', async () => {
  answers = [json(503, { error: 'busy' }), json(200, ACCOUNT)]
  await client().get(ACCOUNT.id)
  const url = `${server.url}/service_accounts/${ACCOUNT.id}`
  expect(lines).toEqual([
    `GET ${url} (attempt 1)`,
    `GET ${url}: HTTP 503 in ${ANSWER_MS} ms`,
    `get service account ${ACCOUNT.id}: trying again in 250 ms`,
    `GET ${url} (attempt 2)`,
    `GET ${url}: HTTP 200 in ${ANSWER_MS} ms`
  ])
})

test('an answer that cannot be read says why', async () => {
  answers = [json(200, '{"id": ')]
  await client({ maxAttempts: 1 })
    .get(ACCOUNT.id)
    .catch(() => undefined)
  const url = `${server.url}/service_accounts/${ACCOUNT.id}`
  expect(lines).toEqual([
    `GET ${url} (attempt 1)`,
    `GET ${url}: HTTP 200 in ${ANSWER_MS} ms`,
    `GET ${url}: the answer is not valid JSON`
  ])
})

test('a request that got no answer says what failed and after how long', async () => {
  answers = [{ status: 200, hang: true }]
  await client({ maxAttempts: 1, timeoutMs: 100 })
    .config()
    .catch(() => undefined)
  const url = `${server.url}/config`
  expect(lines).toEqual([
    `GET ${url} (attempt 1)`,
    `GET ${url}: timed out after 0.1 s waiting for GET ${url} after ${ANSWER_MS} ms`
  ])
})

test('a request after throttling says it waits first, and how long', async () => {
  answers = [json(200, ACCOUNT)]
  const throttling = new ThrottleMemory()
  const throttled = client({ throttling })
  throttling.record(clock, 4_000)
  await throttled.get(ACCOUNT.id)
  expect(lines[0]).toBe('the platform throttled this job lately: waiting 4000 ms first')
})

test('no line holds the bearer or a body', async () => {
  answers = [json(503, { error: 'busy-body' }), json(200, ACCOUNT)]
  await client().get(ACCOUNT.id)
  expect(
    lines.filter(line => line.includes(TOKEN) || line.includes('busy-body') || line.includes(ACCOUNT.role))
  ).toEqual([])
})
