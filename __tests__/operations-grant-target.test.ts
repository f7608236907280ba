// Grant refusals and the cluster list in a target error (src/operations/grant.ts, target.ts),
// each through its public function and a client on loopback.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { grantLines } from '../src/operations/grant.js'
import { resolveTarget } from '../src/operations/target.js'
import { PlatformClient } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import type { PermissionLine } from '../src/platform/permissions.js'
import { startHostileServer, type HostileServer } from './helpers/hostile-server.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
let server: HostileServer
let clusters: string[] = []

useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))
beforeAll(async () => {
  server = await startHostileServer(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authorized: true, clusters: clusters.map(name => ({ name })), projects: [] })
  }))
})
afterAll(() => server.close())

const client = (apiUrl = emulator.url) =>
  new PlatformClient({
    apiUrl,
    authToken: emulator.issueToken('alice'),
    userAgent: 'operations-pins-test',
    dispatcher,
    timeoutMs: 2_000,
    maxAttempts: 1,
    sleep: () => Promise.resolve()
  })
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as Error
  )
const line: PermissionLine = { line: 1, uri: 'storage:', action: 'read' }
const target = { cluster: 'default', project: 'test-project' }
const role = 'alice/service-accounts/pins'
const failGrant = (status: number) =>
  emulator.addFault({
    method: 'POST',
    path: /\/permissions$/,
    kind: 'status',
    status,
    times: Infinity,
    body: '{"error": "no"}',
    headers: { 'content-type': 'application/json' }
  })

describe('grantLines', () => {
  test('a grant that fails other than by refusal (500) is passed on as it is, not named as a refused line', async () => {
    failGrant(500)
    const error = await rejection(grantLines(client(), role, [line], target))
    expect(error).toBeInstanceOf(PlatformError)
    expect((error as PlatformError).status).toBe(500)
    expect(error.message).not.toContain('was refused')
  })

  test('a refused grant (403) names its line and keeps the refusal as its cause', async () => {
    failGrant(403)
    const error = await rejection(grantLines(client(), role, [line], target))
    expect(error.message).toMatch(
      /^line 1 of permissions, read on storage:\/\/default\/test-project \(written storage:\), was refused: /
    )
    expect(error.cause).toBeInstanceOf(PlatformError)
    expect((error.cause as PlatformError).status).toBe(403)
  })
})

describe('resolveTarget', () => {
  test('a cluster list of exactly twenty is named whole, with no "and 0 more"', async () => {
    clusters = Array.from({ length: 20 }, (_, i) => `c${i}`)
    const error = await rejection(
      resolveTarget(
        client(server.url),
        { cluster: 'nope', project: 'p', org: '' },
        { cluster: undefined, project: undefined, org: undefined }
      )
    )
    expect(error.message).toMatch(/it can use "c0", "c1", .*, "c19"$/)
  })
})
