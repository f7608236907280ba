// The GitHub client of the sweep of finished runs (src/github/runs.ts) at its edges: answers
// exactly at the size limit, waits that end exactly at the deadline, 4xx answers with no meaning.
import { describe, expect, test } from '@jest/globals'
import { ANSWER_LIMIT_BYTES, boundedFetch, type RunsClientOptions } from '../src/github/runs.js'
import { freshImport } from './helpers/fresh-import.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import { runsClient } from './helpers/runs-client.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
useLoopbackEmulator(loopback => ({ emulator } = loopback))

const REPO = 'octo-org/octo-repo'
const RUN = { runId: '100', attempt: '2' }

const client = (options: Partial<RunsClientOptions> = {}) => runsClient(emulator, options)

/** An answer streamed in 64 KiB parts, with no Content-Length. */
function streamed(size: number): () => Promise<Response> {
  return () => {
    let left = size
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left === 0) return controller.close()
        const part = Math.min(left, 64 * 1024)
        left -= part
        controller.enqueue(new Uint8Array(part).fill(120))
      }
    })
    return Promise.resolve(new Response(body))
  }
}

describe('boundedFetch', () => {
  test('an answer of exactly the limit, declared or streamed, is read whole', async () => {
    const declared = () =>
      Promise.resolve(
        new Response('x'.repeat(ANSWER_LIMIT_BYTES), { headers: { 'content-length': String(ANSWER_LIMIT_BYTES) } })
      )
    expect((await (await boundedFetch(declared)('http://x')).arrayBuffer()).byteLength).toBe(ANSWER_LIMIT_BYTES)
    expect((await (await boundedFetch(streamed(ANSWER_LIMIT_BYTES))('http://x')).arrayBuffer()).byteLength).toBe(
      ANSWER_LIMIT_BYTES
    )
  })

  test('a streamed answer with no declared length is cut one byte past the limit', async () => {
    // Loaded anew: the error's wording is a module-level constant.
    const { boundedFetch } = await freshImport(() => import('../src/github/runs.js'))
    await expect(boundedFetch(streamed(ANSWER_LIMIT_BYTES + 1))('http://x')).rejects.toThrow(
      "GitHub's answer is over 262144 bytes"
    )
  })
})

describe('the client', () => {
  test('a repository not owner/name is quoted in the error, at most 100 characters of it', async () => {
    const repository = `${'a'.repeat(100)}${'b'.repeat(50)}`
    await expect(client({ repository })).rejects.toThrow(
      new Error(`GITHUB_REPOSITORY must be owner/name; got "${'a'.repeat(100)}"`)
    )
  })

  test('a rate-limit wait that ends exactly at the deadline gives up at once', async () => {
    emulator.github.faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '7' } })
    const { runs, waits } = await client({ deadline: 7_000 })
    expect(await runs.attemptStatus(RUN)).toEqual({
      unknown: 'budget',
      detail: 'GitHub rate-limited this token for 7 s'
    })
    expect(waits).toEqual([])
  })

  test('a backoff that ends exactly at the deadline is not waited: the server failure is the answer', async () => {
    emulator.github.faults.add({ kind: 'status', status: 502, times: 3 })
    // random 0.5: the first backoff is 500 ms.
    const { runs, waits } = await client({ deadline: 500 })
    expect(await runs.attemptStatus(RUN)).toEqual({ unknown: 'server', detail: 'GitHub answered 502' })
    expect(waits).toEqual([])
    expect(emulator.github.requests).toHaveLength(1)
  })

  test('a backoff that ends before the deadline is waited', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    emulator.github.faults.add({ kind: 'status', status: 502 })
    const { runs, waits } = await client({ deadline: 2_000 })
    expect(await runs.attemptStatus(RUN)).toEqual({ status: 'completed' })
    expect(waits).toEqual([500])
  })

  test.each([400, 409, 422, 451])('%i: GitHub answered something unreadable, not retried', async status => {
    emulator.github.faults.add({ kind: 'status', status, times: 3 })
    const { runs, waits } = await client()
    expect(await runs.attemptStatus(RUN)).toEqual({ unknown: 'unreadable', detail: `GitHub answered ${status}` })
    expect(emulator.github.requests).toHaveLength(1)
    expect(waits).toEqual([])
  })
})
