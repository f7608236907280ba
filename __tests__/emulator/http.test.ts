// Lists at scale (emulator/http.js streams them; emulator/store.js seeds them): NDJSON and JSON
// over HTTP, in chunks, waiting for a slow reader.
import { describe, expect, test } from '@jest/globals'
import { request } from 'node:http'
import { startEmulator } from '../../emulator/server.js'
import { call } from '../helpers/emulator-api.js'

describe('scale', () => {
  test('100,000 accounts: seeded fast, listed as NDJSON and as JSON over HTTP', async () => {
    const big = await startEmulator({ users: ['bulk'], logRequests: false })
    /** The list over node:http, timed to its last byte; newlines counted without decoding 30 MB. */
    const list = (accept: string) =>
      new Promise<{ ms: number; lines: number; tail: string; type: unknown }>((resolve, reject) => {
        const started = performance.now()
        const chunks: Buffer[] = []
        let lines = 0
        const req = request(
          `${big.url}/service_accounts`,
          { headers: { authorization: `Bearer ${big.tokens.bulk}`, accept }, agent: false },
          res => {
            res.on('data', (chunk: Buffer) => {
              chunks.push(chunk)
              for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++
            })
            res.on('end', () => {
              const ms = performance.now() - started
              resolve({
                ms,
                lines,
                tail: Buffer.concat(chunks.slice(-2)).toString('utf8'),
                type: res.headers['content-type']
              })
            })
            res.on('error', reject)
          }
        )
        req.on('error', reject)
        req.end()
      })
    try {
      const started = performance.now()
      big.seedAccounts('bulk', 100_000, { namePrefix: 'bulk-' })
      const seedMs = performance.now() - started

      const ndjson = await list('application/x-ndjson')
      expect(ndjson.type).toBe('application/x-ndjson')
      expect(ndjson.lines).toBe(100_000)
      expect(JSON.parse(ndjson.tail.trimEnd().split('\n').at(-1) ?? '').name).toBe('bulk-99999')
      const again = await list('application/x-ndjson')

      const json = await list('application/json')
      expect(json.lines).toBe(0)
      expect(json.tail.endsWith('"role_deleted": false}]')).toBe(true)
      const parsed = JSON.parse((await call('GET', '/service_accounts', { token: big.tokens.bulk }, big.url)).text)
      expect(parsed).toHaveLength(100_000)

      console.log(
        `100,000 accounts: seed ${seedMs.toFixed(0)} ms; NDJSON list ${ndjson.ms.toFixed(0)} ms (again ${again.ms.toFixed(0)} ms); JSON list ${json.ms.toFixed(0)} ms`
      )
      // Generous bounds for a loaded CI machine; the figures above are what to watch.
      expect(seedMs).toBeLessThan(3000)
      expect(ndjson.ms).toBeLessThan(3000)
    } finally {
      await big.close()
    }
  })

  test('NDJSON streams in chunks and waits for a slow reader', async () => {
    const big = await startEmulator({ users: ['bulk'], logRequests: false })
    try {
      // ~30 MB: far more than loopback socket buffers hold, so a paused reader stalls the writer.
      big.seedAccounts('bulk', 100_000)
      const chunks: Buffer[] = []
      await new Promise<void>((resolve, reject) => {
        const req = request(
          `${big.url}/service_accounts`,
          { headers: { authorization: `Bearer ${big.tokens.bulk}`, accept: 'application/x-ndjson' }, agent: false },
          res => {
            res.pause()
            setTimeout(() => {
              // A server that waits for 'drain' has not reached the end of the list yet, so an
              // account made now still shows up; one that wrote everything at once misses it.
              big.seedAccount('bulk', { name: 'late-arrival' })
              res.resume()
            }, 500)
            res.on('data', chunk => chunks.push(chunk))
            res.on('end', resolve)
            res.on('error', reject)
          }
        )
        req.on('error', reject)
        req.end()
      })
      const lines = Buffer.concat(chunks).toString('utf8').split('\n')
      expect(lines.pop()).toBe('')
      expect(lines).toHaveLength(100_001)
      expect(JSON.parse(lines[100_000]).name).toBe('late-arrival')
      expect(chunks.length).toBeGreaterThan(10)
    } finally {
      await big.close()
    }
  })
})
