// The mistakes a new user makes, and what the error says about each (issue 25's table): the
// ones in the inputs fail before any request that could make something.
import { describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../src/steps/create.js'
import type { PlatformClientOptions } from '../src/platform/client.js'
import { createInputs, emulatorClient, VirtualClock } from './helpers/create-step.js'
import { startHostileServer } from './helpers/hostile-server.js'
import { inRunner, runInProcess } from './helpers/in-process.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

const main = (inputs: Record<string, string>) =>
  runInProcess('main', { inputs: { 'api-url': emulator.url, token, 'verify-seconds': '0', ...inputs } })

/** The create step with a client the test builds; `error` is what it failed with. */
async function create(values: Record<string, string>, client: Partial<PlatformClientOptions> = {}) {
  const inputs = createInputs({ 'api-url': emulator.url, token, 'verify-seconds': '0', ...values })
  const result = await inRunner(() =>
    runCreate(emulatorClient(emulator, token, dispatcher, client), inputs).then(
      () => undefined,
      (error: unknown) => error as Error
    )
  )
  return { ...result, error: result.value }
}

describe('a cluster the token cannot use', () => {
  test.each([[{}], [{ project: 'x' }]])('with %j: names the input and the clusters, and makes nothing', async more => {
    const result = await main({ cluster: 'nope', name: 'ci-nope', ...more })
    expect(result.failed).toBe(true)
    expect(result.errors).toEqual([
      'Input "cluster" names cluster "nope", which this token cannot use; it can use "default"'
    ])
    expect(emulator.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/config'])
    expect(emulator.accounts().filter(a => a.name === 'ci-nope')).toEqual([])
  })
})

test('an API URL without /api/v1 that answers 404: the error says where the API URL usually ends', async () => {
  const result = await main({ 'api-url': emulator.origin, cluster: 'default' })
  expect(result.errors).toEqual([
    `read platform config failed: HTTP 404: 404: Not Found; the API URL usually ends in /api/v1 (api-url is ${emulator.origin})`
  ])
  // With /api/v1, a 404 is what the platform said and nothing more.
  const missing = await main({ operation: 'get', name: 'no-such-account' })
  expect(missing.errors).toEqual([
    'get service account no-such-account failed: HTTP 404: Service account no-such-account not found'
  ])
})

describe('the API URL hint: only where the URL does not end in /api/v1, and only on a 404', () => {
  test('a 404 from an API URL ending in /api/v1 under a longer path carries no API URL hint', async () => {
    const client = emulatorClient(emulator, token, dispatcher, { apiUrl: `${emulator.origin}/x/api/v1` })
    const error = (await client.list().catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/^list service accounts failed: HTTP 404: /)
    expect(error.message).not.toContain('the API URL usually ends in /api/v1')
  })

  test('a 404 from an API URL with a path after /api/v1 carries the API URL hint', async () => {
    const apiUrl = `${emulator.url}/x`
    const client = emulatorClient(emulator, token, dispatcher, { apiUrl })
    await expect(client.list()).rejects.toThrow(`; the API URL usually ends in /api/v1 (api-url is ${apiUrl})`)
  })

  test('a failure other than 404 from the right API URL carries no API URL hint', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 500, times: 1 })
    const client = emulatorClient(emulator, token, dispatcher, { maxAttempts: 1 })
    await expect(client.list()).rejects.toThrow(/^list service accounts failed: HTTP 500: [^;]*$/)
  })

  test('a failure other than 404 from an API URL not ending in /api/v1 carries no API URL hint', async () => {
    const server = await startHostileServer(() => ({ status: 500, body: 'down' }))
    try {
      const client = emulatorClient(emulator, token, dispatcher, { apiUrl: `${server.url}/x`, maxAttempts: 1 })
      await expect(client.list()).rejects.toThrow(/^list service accounts failed: HTTP 500: [^;]*$/)
    } finally {
      await server.close()
    }
  })
})

test('a create refused (403): the error says which right the token lacks', async () => {
  emulator.addFault({
    method: 'POST',
    path: '/service_accounts',
    kind: 'status',
    status: 403,
    body: '{"error": "Not enough permissions"}',
    headers: { 'content-type': 'application/json' }
  })
  const result = await main({ cluster: 'default', project: 'test-project' })
  expect(result.errors).toEqual([
    "create service account failed: HTTP 403: Not enough permissions; the token's user lacks the right to create service accounts: use the token of a user who has it"
  ])
})

describe('a grant refused (403)', () => {
  const lines = 'storage:data read\nsecret:api-key read'

  test('of two lines: names the line refused, its full URI, and that granting needs manage', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    // The lines are then granted one by one: the first goes through, the second is refused.
    const result = await create(
      { name: 'grant-second', cluster: 'default', project: 'test-project', org: 'test-org', permissions: lines },
      {
        log: line => {
          if (/^POST \S*\/permissions: HTTP 201 /.test(line))
            emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
        }
      }
    )
    expect(result.error?.message).toMatch(
      new RegExp(
        '^line 2 of permissions, read on secret://default/test-org/test-project/api-key \\(written secret:api-key\\), was refused: ' +
          'grant permissions to alice/service-accounts/grant-second failed: HTTP 403: Forbidden; ' +
          'granting needs "manage" on what is granted, for the token\'s user; service account \\S+ was removed again$'
      )
    )
    // All lines in one request, then each alone.
    expect(emulator.requests.filter(r => r.path.endsWith('/permissions'))).toHaveLength(3)
    expect(emulator.accounts().some(a => a.name === 'grant-second')).toBe(false)
  })

  test('of two lines each granted alone: the refusal as the platform gave it', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    const result = await create({ name: 'grant-both', cluster: 'default', project: 'test-project', permissions: lines })
    expect(result.error?.message).toMatch(
      /^grant permissions to \S+ failed: HTTP 403: Forbidden; granting needs "manage"/
    )
  })

  test('of two lines where asking again fails otherwise: the first refusal', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 400 })
    const result = await create({ name: 'grant-odd', cluster: 'default', project: 'test-project', permissions: lines })
    expect(result.error?.message).toMatch(
      /^grant permissions to \S+ failed: HTTP 403: Forbidden; granting needs "manage"/
    )
  })

  test('of one line: names it without asking again', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    const result = await create({
      name: 'grant-one',
      cluster: 'default',
      project: 'test-project',
      permissions: 'storage://default/test-org/test-project read'
    })
    expect(result.error?.message).toMatch(
      /^line 1 of permissions, read on storage:\/\/default\/test-org\/test-project, was refused: grant permissions/
    )
    expect(emulator.requests.filter(r => r.path.endsWith('/permissions'))).toHaveLength(1)
  })
})

test('short forms are granted, output and shown in full', async () => {
  const result = await main({
    name: 'short-forms',
    cluster: 'default',
    project: 'test-project',
    org: 'test-org',
    permissions: 'secret:api-key read\nimage:/shared/base write'
  })
  expect(result.failed).toBe(false)
  const full = [
    { uri: 'secret://default/test-org/test-project/api-key', action: 'read' },
    { uri: 'image://default/test-org/shared/base', action: 'write' }
  ]
  expect(JSON.parse(result.outputs.permissions)).toEqual(full)
  expect(result.summary).toContain('<code>secret://default/test-org/test-project/api-key</code> read')
  await runInProcess('post', { inputs: { 'api-url': emulator.url, token }, state: result.state })
})

test('a 403 to any other request is what the platform said, with no hint', async () => {
  emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 403 })
  await expect(emulatorClient(emulator, token, dispatcher).list()).rejects.toThrow(
    /^list service accounts failed: HTTP 403: Forbidden$/
  )
})

test('a request out of time after one attempt says so in the singular', async () => {
  emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 502 })
  const clock = new VirtualClock()
  const client = emulatorClient(emulator, token, dispatcher, {
    budgetMs: 100,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 1
  })
  await expect(client.list()).rejects.toThrow(
    'list service accounts failed: HTTP 502: Bad Gateway; gave up after 1 attempt over 0.0 s: these requests had 0 s in all'
  )
})

test('a request that fails until max-attempts: the error says how many attempts over how long', async () => {
  emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 502, times: 5 })
  const clock = new VirtualClock()
  const client = emulatorClient(emulator, token, dispatcher, {
    maxAttempts: 5,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 1
  })
  // Waits of 0.5, 1, 2 and 4 s.
  await expect(client.list()).rejects.toThrow(
    'list service accounts failed: HTTP 502: Bad Gateway (after 5 attempts over 7.5 s)'
  )
  // From exactly 10 s, in whole seconds: the one wait of 0.5 s, stretched.
  for (const [stretch, said] of [
    [20, '10 s'],
    [30, '15 s']
  ] as const) {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 502, times: 2 })
    const slow = new VirtualClock()
    const waits = emulatorClient(emulator, token, dispatcher, {
      maxAttempts: 2,
      now: slow.now,
      sleep: ms => slow.sleep(ms * stretch),
      random: () => 1
    })
    await expect(waits.list()).rejects.toThrow(`(after 2 attempts over ${said})`)
  }
})
