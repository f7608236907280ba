// What the client puts on the wire (media types, bodies, the URL) and how much of an answer
// it reads, against the emulator on loopback. Each test loads client.ts itself
// (helpers/fresh-import.ts): its limits and media types are module constants.
import { describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { startEmulator } from '../emulator/server.js'
import type { PlatformClientOptions } from '../src/platform/client.js'
import { freshImport } from './helpers/fresh-import.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, dispatcher } = loopback))

/** A client from a fresh load of client.ts. */
async function freshClient(options: Partial<PlatformClientOptions> = {}) {
  const { PlatformClient } = await freshImport(() => import('../src/platform/client.js'))
  return new PlatformClient({
    apiUrl: emulator.url,
    authToken: emulator.issueToken('alice'),
    userAgent: 'wire-test',
    dispatcher,
    maxAttempts: 1,
    ...options
  })
}

const target = { default_cluster: 'default', default_project: 'test-project' }
/** What the emulator saw of each request: method, path, and the media-type headers. */
const seen = () =>
  emulator.requests.map(r => ({
    request: `${r.method} ${r.path}`,
    accept: r.headers.accept,
    contentType: r.headers['content-type']
  }))

describe('media types', () => {
  test('a list asks for NDJSON first and takes JSON; other requests ask for JSON; only a request with a body says it sends JSON', async () => {
    const alice = await freshClient()
    const created = await alice.create({ name: 'wire-types', ...target })
    await alice.grant(created.role, [{ uri: 'storage://default/test-org/test-project/x', action: 'read' }])
    await alice.list()
    await alice.get(created.id)
    await alice.config()
    await alice.rm(created.id)
    const json = 'application/json'
    expect(seen()).toEqual([
      { request: 'POST /api/v1/service_accounts', accept: json, contentType: json },
      {
        request: 'POST /api/v1/users/alice%3Aservice-accounts%3Awire-types/permissions',
        accept: json,
        contentType: json
      },
      {
        request: 'GET /api/v1/service_accounts',
        accept: 'application/x-ndjson, application/json;q=0.5',
        contentType: undefined
      },
      { request: `GET /api/v1/service_accounts/${created.id}`, accept: json, contentType: undefined },
      { request: 'GET /api/v1/config', accept: json, contentType: undefined },
      { request: `DELETE /api/v1/service_accounts/${created.id}`, accept: json, contentType: undefined }
    ])
  })

  test('trailing slashes of the API URL are dropped, however many', async () => {
    const alice = await freshClient({ apiUrl: `${emulator.url}///` })
    expect(alice.apiUrl).toBe(emulator.url)
    await alice.config()
    expect(seen().map(r => r.request)).toEqual(['GET /api/v1/config'])
  })
})

describe('how much is read', () => {
  test('a list of hundreds of accounts, far over 64 KiB in all but each line far under it, is read whole', async () => {
    const big = await startEmulator({ users: ['dora'], logRequests: false })
    try {
      big.seedAccounts('dora', 500, { namePrefix: 'wire-bulk-' })
      const dora = await freshClient({ apiUrl: big.url, authToken: big.issueToken('dora') })
      const accounts = await dora.list()
      expect(accounts).toHaveLength(500)
      expect(accounts.map(a => JSON.stringify(a)).join('\n').length).toBeGreaterThan(64 * 1024)
    } finally {
      await big.close()
    }
  })

  test("an error answer's message is read from its body", async () => {
    const alice = await freshClient()
    const created = await alice.create({ name: 'wire-taken', ...target })
    const error = await alice.create({ name: 'wire-taken', ...target }).catch((thrown: Error) => thrown)
    expect((error as Error).message).toBe(
      'create service account failed: HTTP 409: Service Account with such name exists'
    )
    await alice.rm(created.id)
  })
})
