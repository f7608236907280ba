// The start gate (emulator/start-gate.js): API requests held until a herd has arrived.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { call } from '../helpers/emulator-api.js'

describe('the start gate (for herds run on one machine)', () => {
  test('API requests wait until `count` have come, then go on spread over spreadMs; later ones pass at once; control requests never wait', async () => {
    const own = await startEmulator({ startGate: { count: 3, spreadMs: 400 } })
    try {
      const token = own.tokens.alice
      const answeredAt: number[] = []
      const list = () =>
        call('GET', '/service_accounts', { token }, own.url).then(reply => {
          answeredAt.push(Date.now())
          return reply.status
        })
      const first = [list(), list()]
      await new Promise(done => setTimeout(done, 300))
      expect(answeredAt).toEqual([])
      expect(own.startGate).toMatchObject({ count: 3, spreadMs: 400, waiting: 2, held: 2, openedAt: null })
      expect((await fetch(`${own.origin}/_emulator/accounts`)).status).toBe(200)
      const opened = Date.now()
      expect(await Promise.all([...first, list()])).toEqual([200, 200, 200])
      // Let go at 0, 133 and 267 ms after the third came.
      expect(Math.max(...answeredAt) - opened).toBeGreaterThanOrEqual(250)
      expect(own.startGate).toMatchObject({ waiting: 0, held: 3 })
      expect(own.startGate?.openedAt).toBeGreaterThanOrEqual(opened - 50)
      const later = Date.now()
      expect(await list()).toBe(200)
      expect(Date.now() - later).toBeLessThan(250)
      expect(own.startGate?.held).toBe(3)
    } finally {
      await own.close()
    }
  })

  test('with `random`, each waiting request goes at its own random time within spreadMs', async () => {
    const shares = [0.75, 0.5]
    const own = await startEmulator({ startGate: { count: 2, spreadMs: 400, random: () => shares.shift() ?? 0 } })
    try {
      const answeredAfter: number[] = []
      const list = (started: number) =>
        call('GET', '/service_accounts', { token: own.tokens.alice }, own.url).then(() =>
          answeredAfter.push(Date.now() - started)
        )
      await Promise.all([list(Date.now()), list(Date.now())])
      // The first to come goes 300 ms after the gate opened, the second 200 ms.
      expect(answeredAfter[0]).toBeGreaterThanOrEqual(190)
      expect(answeredAfter[0]).toBeLessThan(300)
      expect(answeredAfter[1]).toBeGreaterThanOrEqual(290)
    } finally {
      await own.close()
    }
  })

  test('it opens timeoutMs after the first came, whoever has come; close() lets waiting requests go; bad values throw', async () => {
    const own = await startEmulator({ startGate: { count: 10, timeoutMs: 300 } })
    try {
      // The clock starts with the first request, not with the emulator.
      await new Promise(done => setTimeout(done, 400))
      expect(own.startGate?.openedAt).toBeNull()
      const started = Date.now()
      expect((await call('GET', '/service_accounts', { token: own.tokens.alice }, own.url)).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    } finally {
      await own.close()
    }
    const closing = await startEmulator({ startGate: { count: 10 } })
    const waiting = call('GET', '/service_accounts', { token: closing.tokens.alice }, closing.url).catch(() => 'cut')
    await new Promise(done => setTimeout(done, 100))
    await closing.close()
    expect(await waiting).toBeDefined()
    for (const bad of [{ count: 0 }, { count: 1.5 }, { count: 2, spreadMs: -1 }, { count: 2, timeoutMs: 0.5 }]) {
      await expect(startEmulator({ startGate: bad })).rejects.toThrow(/start gate/)
    }
  })
})
