// The GitHub client of the sweep of finished runs (src/github/runs.ts), against the emulator's
// GitHub on loopback: what each answer means, what is retried, waited for or given up, and the
// edges: answers exactly at the size limit, waits that end exactly at the deadline.
import { describe, expect, test } from '@jest/globals'
import { ANSWER_LIMIT_BYTES, boundedFetch, rateLimitWait, type RunsClientOptions } from '../src/github/runs.js'
import { checkGitHubUrl, runAttemptUrl } from '../src/github/urls.js'
import { freshImport } from './helpers/fresh-import.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import { runsClient } from './helpers/runs-client.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
useLoopbackEmulator(loopback => ({ emulator } = loopback))

const REPO = 'octo-org/octo-repo'
const RUN = { runId: '100', attempt: '2' }
const PATH = '/repos/octo-org/octo-repo/actions/runs/100/attempts/2'

const client = (options: Partial<RunsClientOptions> = {}) => runsClient(emulator, options)

describe('an answer GitHub vouches for', () => {
  test.each(['completed', 'queued', 'in_progress', 'waiting', 'requested', 'pending'])(
    'status %s is passed on as it is',
    async status => {
      emulator.github.setRun(REPO, 100, 2, status)
      const { runs } = await client()
      expect(await runs.attemptStatus(RUN)).toEqual({ status })
      expect(emulator.github.requests.map(r => [r.method, r.path, r.headers.authorization])).toEqual([
        ['GET', PATH, `token ${emulator.github.token}`]
      ])
    }
  )

  test('an answer about another run or attempt is not one', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    emulator.github.faults.add({
      kind: 'status',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 100, run_attempt: 1, status: 'completed' })
    })
    const { runs } = await client()
    expect(await runs.attemptStatus(RUN)).toEqual({
      unknown: 'unreadable',
      detail: "GitHub's answer was not about the run attempt asked for"
    })
    emulator.github.faults.add({
      kind: 'status',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 101, run_attempt: 2, status: 'completed' })
    })
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'unreadable' })
  })
})

describe('no answer GitHub can vouch for', () => {
  test('401: the token is not accepted, not retried', async () => {
    const { runs } = await client({ token: 'ghs_not-the-token' })
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'unauthorized' })
    expect(emulator.github.requests).toHaveLength(1)
  })

  test('403 without actions: read, not retried', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    emulator.github.actionsRead = false
    try {
      const { runs } = await client()
      expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'forbidden' })
      expect(emulator.github.requests).toHaveLength(1)
    } finally {
      emulator.github.actionsRead = true
    }
  })

  test('404: no such run attempt, not retried', async () => {
    const { runs } = await client()
    expect(await runs.attemptStatus({ runId: '999', attempt: '1' })).toMatchObject({ unknown: 'not-found' })
    expect(emulator.github.requests).toHaveLength(1)
  })

  test.each([400, 409, 422, 451])('%i: GitHub answered something unreadable, not retried', async status => {
    emulator.github.faults.add({ kind: 'status', status, times: 3 })
    const { runs, waits } = await client()
    expect(await runs.attemptStatus(RUN)).toEqual({ unknown: 'unreadable', detail: `GitHub answered ${status}` })
    expect(emulator.github.requests).toHaveLength(1)
    expect(waits).toEqual([])
  })

  test('5xx: retried with backoff up to max attempts', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    emulator.github.faults.add({ kind: 'status', status: 502, times: 3 })
    const { runs, waits } = await client()
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'server', detail: 'GitHub answered 502' })
    expect(emulator.github.requests).toHaveLength(3)
    expect(waits).toEqual([500, 1000])
  })

  test('the backoff doubles from 1 s to at most 20 s', async () => {
    emulator.github.faults.add({ kind: 'status', status: 500, times: 7 })
    const { runs, waits } = await client({ maxAttempts: 7, random: () => 0.999 })
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'server' })
    expect(waits).toEqual([999, 1998, 3996, 7992, 15984, 19980])
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

  test('a 5xx that passes: the next try answers', async () => {
    emulator.github.setRun(REPO, 100, 2, 'in_progress')
    emulator.github.faults.add({ kind: 'status', status: 500 })
    const { runs } = await client()
    expect(await runs.attemptStatus(RUN)).toEqual({ status: 'in_progress' })
  })

  test('a cut connection is a network failure, retried', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    emulator.github.faults.add({ kind: 'reset-before', times: 2 })
    const { runs } = await client({ maxAttempts: 2 })
    expect(await runs.attemptStatus(RUN)).toEqual({ unknown: 'network', detail: 'GitHub could not be reached' })
    expect(emulator.github.requests).toHaveLength(2)
  })

  test('a hung request ends at the timeout, or at the deadline if that comes first (a fraction of a ms is no trouble)', async () => {
    emulator.github.faults.add({ kind: 'hang' })
    const { runs } = await client({ timeoutMs: 2_000, maxAttempts: 1, deadline: 200.5 })
    const started = Date.now()
    expect(await runs.attemptStatus(RUN)).toEqual({ unknown: 'network', detail: 'GitHub did not answer in time' })
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  test('a redirect is refused, and nothing reaches where it points', async () => {
    emulator.github.faults.add({ kind: 'redirect' })
    const { runs } = await client({ maxAttempts: 1 })
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'network' })
    expect(emulator.sink.requests).toEqual([])
  })

  test('an answer over the limit is not read', async () => {
    emulator.github.faults.add({ kind: 'status', status: 200, body: 'x'.repeat(300 * 1024) })
    const { runs } = await client({ maxAttempts: 1 })
    expect(await runs.attemptStatus(RUN)).toEqual({
      unknown: 'network',
      detail: "GitHub's answer is over 262144 bytes"
    })
  })

  test('past the deadline nothing is sent', async () => {
    const { runs } = await client({ deadline: 0 })
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'budget' })
    expect(emulator.github.requests).toEqual([])
  })

  test('past the step limit of requests nothing is sent', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    const { runs } = await client({ maxRequests: 1 })
    expect(await runs.attemptStatus(RUN)).toEqual({ status: 'completed' })
    expect(await runs.attemptStatus(RUN)).toMatchObject({
      unknown: 'budget',
      detail: expect.stringContaining('1 requests')
    })
    expect(emulator.github.requests).toHaveLength(1)
  })
})

describe('rate limits', () => {
  const secondary = JSON.stringify({ message: 'You have exceeded a secondary rate limit.' })

  test('a Retry-After is waited for, for every request, and not counted as an attempt', async () => {
    emulator.github.setRun(REPO, 100, 2, 'completed')
    emulator.github.faults.add({
      kind: 'status',
      status: 403,
      headers: { 'retry-after': '7' },
      body: secondary,
      times: 3
    })
    const { runs, waits } = await client({ maxAttempts: 1 })
    expect(await runs.attemptStatus(RUN)).toEqual({ status: 'completed' })
    expect(waits).toEqual([7_000, 7_000, 7_000])
  })

  test('a wait past the deadline gives up at once', async () => {
    emulator.github.faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '120' } })
    const { runs, waits } = await client()
    expect(await runs.attemptStatus(RUN)).toMatchObject({ unknown: 'budget', detail: expect.stringContaining('120 s') })
    expect(waits).toEqual([])
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

  test.each([
    ['Retry-After', 403, { 'retry-after': '3' }, '', 3_000],
    ['the primary limit reset', 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1005' }, '', 5_000],
    ['the primary limit with no reset', 429, { 'x-ratelimit-remaining': '0' }, '', 60_000],
    ['a secondary limit that names no wait', 403, {}, secondary, 60_000],
    ['a 429 that names no wait', 429, {}, '', 60_000],
    ['a 403 that is no limit', 403, { 'x-ratelimit-remaining': '10' }, '{"message":"Forbidden"}', undefined],
    ['a 500 with Retry-After', 500, { 'retry-after': '3' }, '', undefined]
  ])('%s', (_, status, headers, body, wait) => {
    const data = body ? (JSON.parse(body) as unknown) : undefined
    expect(rateLimitWait({ status, headers, data }, 1_000_000)).toBe(wait)
  })
})

describe('URLs', () => {
  test('GITHUB_API_URL: https, or http on loopback only', () => {
    expect(checkGitHubUrl('GITHUB_API_URL', 'https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/v3')
    expect(checkGitHubUrl('GITHUB_API_URL', 'http://127.0.0.1:99/github')).toBe('http://127.0.0.1:99/github')
    for (const bad of ['http://example.com', 'https://u:p@example.com', 'https://example.com/?q', 'ftp://x', 'nope'])
      expect(() => checkGitHubUrl('GITHUB_API_URL', bad)).toThrow('GITHUB_API_URL must be')
  })

  test('a run attempt link from checked parts, or none', () => {
    expect(runAttemptUrl('https://github.com', REPO, RUN)).toBe(
      'https://github.com/octo-org/octo-repo/actions/runs/100/attempts/2'
    )
    expect(runAttemptUrl('http://evil.example', REPO, RUN)).toBeUndefined()
    expect(runAttemptUrl("https://github.com/a'b", REPO, RUN)).toBeUndefined()
    expect(runAttemptUrl('https://github.com', 'octo"/x', RUN)).toBeUndefined()
    expect(runAttemptUrl('https://github.com', REPO, { runId: '1a', attempt: '1' })).toBeUndefined()
    expect(runAttemptUrl('https://github.com', REPO, { runId: '1', attempt: '123456' })).toBeUndefined()
  })

  test('a client for a repository not owner/name is refused, quoting at most 100 characters of it', async () => {
    await expect(client({ repository: 'local' })).rejects.toThrow('GITHUB_REPOSITORY must be owner/name')
    const repository = `${'a'.repeat(100)}${'b'.repeat(50)}`
    await expect(client({ repository })).rejects.toThrow(
      new Error(`GITHUB_REPOSITORY must be owner/name; got "${'a'.repeat(100)}"`)
    )
  })
})

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
  test('a declared length over the limit is refused unread; an empty answer stays empty', async () => {
    const big = () => Promise.resolve(new Response('{}', { headers: { 'content-length': String(10 * 1024 * 1024) } }))
    await expect(boundedFetch(big)('http://x')).rejects.toThrow('over 262144 bytes')
    for (const status of [204, 304]) {
      const empty = () => Promise.resolve(new Response(null, { status }))
      expect((await boundedFetch(empty)('http://x')).status).toBe(status)
    }
  })

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
