// What a failed request's error says (src/platform/failures.ts, client.ts): the API URL hint
// only where the URL's path does not end in /api/v1, and how long the attempts took.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { emulatorClient, VirtualClock } from './helpers/create-step.js'
import { startHostileServer } from './helpers/hostile-server.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

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

test('attempts that took 10 s or more are told in whole seconds, from exactly 10 s', async () => {
  emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 502, times: 2 })
  const clock = new VirtualClock()
  // The one wait between the two attempts, 0.5 s with random 1, stretched to 10 s.
  const client = emulatorClient(emulator, token, dispatcher, {
    maxAttempts: 2,
    now: clock.now,
    sleep: ms => clock.sleep(ms * 20),
    random: () => 1
  })
  await expect(client.list()).rejects.toThrow(/\(after 2 attempts over 10 s\)$/)
})
