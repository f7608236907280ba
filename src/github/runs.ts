/**
 * Asks GitHub whether run attempts are over, through @actions/github's Octokit. Loaded only
 * when a step sweeps finished runs (it brings Octokit with it); knows nothing of the runner.
 */
import type { RunAttempt } from '../operations/finished-runs.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { backoffDelay, parseRetryAfter } from '../platform/retry.js'
import { checkGitHubUrl, ownerAndName } from './urls.js'

/** Why GitHub could not tell: each has its own advice in the step's warning. */
export type UnknownReason = 'unauthorized' | 'forbidden' | 'not-found' | 'server' | 'network' | 'budget' | 'unreadable'

/** GitHub's `status` of the attempt, or why it could not say. */
export type AttemptAnswer = { status: string } | { unknown: UnknownReason; detail: string }

export interface RunsClientOptions {
  token: string
  /** GITHUB_API_URL: https, or plain http to a loopback host (the emulator). */
  apiUrl: string
  /** `owner/name`. */
  repository: string
  userAgent: string
  timeoutMs: number
  /** Tries per attempt asked about, for 5xx and network failures. */
  maxAttempts: number
  /** `now()` after which nothing more is sent. */
  deadline: number
  /** At most this many requests in all, retries included. */
  maxRequests: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/** The longest answer read: a run attempt's JSON is a few KiB. */
export const ANSWER_LIMIT_BYTES = 256 * 1024
const TOO_LONG = "GitHub's answer is over"
/** GitHub's advice for a secondary rate limit that names no wait: at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000
const BACKOFF = { baseMs: 1_000, maxMs: 20_000 }

type Fetch = (url: string, init?: RequestInit) => Promise<Response>
type Request = (route: string, parameters: Record<string, unknown>) => Promise<{ data: unknown }>

/** Loads Octokit (its own chunk of the bundle) and makes a client for the repository. */
export async function openRunsClient(options: RunsClientOptions): Promise<RunsClient> {
  const { getOctokit } = await import('@actions/github')
  // The proxy-aware fetch getOctokit would use, wrapped below to bound what is read.
  const { defaults } = await import('@actions/github/lib/utils')
  const proxyFetch = (defaults.request as { fetch: Fetch }).fetch
  const octokit = getOctokit(options.token, {
    baseUrl: checkGitHubUrl('GITHUB_API_URL', options.apiUrl),
    userAgent: options.userAgent,
    // Octokit's own warnings would reach the log unchecked.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    request: { fetch: boundedFetch(proxyFetch), redirect: 'error' }
  })
  return new RunsClient(octokit.request, options)
}

/** A fetch whose answers are read whole, at most ANSWER_LIMIT_BYTES of them. */
export function boundedFetch(inner: Fetch): Fetch {
  return async (url, init) => {
    const response = await inner(url, init)
    const bytes = await readAtMost(response, ANSWER_LIMIT_BYTES)
    const empty = response.status === 204 || response.status === 304
    return new Response(empty ? null : bytes, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    })
  }
}

async function readAtMost(response: Response, limit: number): Promise<Uint8Array> {
  if (Number(response.headers.get('content-length')) > limit || !response.body) {
    await response.body?.cancel()
    if (response.body) throw new Error(`${TOO_LONG} ${limit} bytes`)
    return new Uint8Array()
  }
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += part.byteLength
    if (size > limit) throw new Error(`${TOO_LONG} ${limit} bytes`)
    parts.push(part)
  }
  return Buffer.concat(parts)
}

/** What an Octokit failure carries: an HTTP answer, or none (network, timeout). */
interface OctokitFailure {
  status?: number
  message?: string
  response?: { status: number; headers: Record<string, string | undefined>; data?: unknown }
  /** Why fetch failed, when it did. */
  cause?: { name?: string; message?: string }
}

export class RunsClient {
  private readonly owner: string
  private readonly repo: string
  private requests = 0
  /** Nothing is sent before this: GitHub asked the whole client to wait. */
  private notBefore = 0

  constructor(
    private readonly request: Request,
    private readonly options: RunsClientOptions
  ) {
    const parts = ownerAndName(options.repository)
    if (!parts) throw new Error(`GITHUB_REPOSITORY must be owner/name; got "${options.repository.slice(0, 100)}"`)
    ;[this.owner, this.repo] = parts
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private async sleep(ms: number): Promise<void> {
    await (this.options.sleep ?? sleep)(ms)
  }

  /** `GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}`, retried as its failure allows. */
  async attemptStatus(run: RunAttempt): Promise<AttemptAnswer> {
    let counted = 0
    for (let retry = 1; ; retry++) {
      const waitMs = this.notBefore - this.now()
      if (waitMs > 0) await this.sleep(waitMs)
      const left = this.options.deadline - this.now()
      if (left <= 0) return { unknown: 'budget', detail: "the step's time for GitHub ran out" }
      if (this.requests >= this.options.maxRequests)
        return { unknown: 'budget', detail: `this step's ${this.options.maxRequests} requests to GitHub are spent` }
      this.requests++
      let failure: OctokitFailure
      try {
        const { data } = await this.request(
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
          {
            owner: this.owner,
            repo: this.repo,
            run_id: run.runId,
            attempt_number: run.attempt,
            request: { signal: AbortSignal.timeout(Math.ceil(Math.min(this.options.timeoutMs, left))) }
          }
        )
        return statusOf(data, run)
      } catch (error) {
        failure = error as OctokitFailure
      }
      const answer = failure.response
      const rateLimitMs = answer && rateLimitWait(answer, this.now())
      if (rateLimitMs !== undefined) {
        // Not counted against maxAttempts: GitHub said when to come back.
        const until = this.now() + rateLimitMs
        if (until >= this.options.deadline)
          return { unknown: 'budget', detail: `GitHub rate-limited this token for ${Math.ceil(rateLimitMs / 1000)} s` }
        this.notBefore = Math.max(this.notBefore, until)
        continue
      }
      const unknown = reasonOf(failure)
      if (unknown.unknown !== 'server' && unknown.unknown !== 'network') return unknown
      if (++counted >= this.options.maxAttempts) return unknown
      const delay = backoffDelay(retry, undefined, BACKOFF, this.options.random ?? Math.random)
      if (this.now() + delay >= this.options.deadline) return unknown
      await this.sleep(delay)
    }
  }
}

/** GitHub's answer, if it is one about this very attempt. */
function statusOf(data: unknown, run: RunAttempt): AttemptAnswer {
  const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>
  const { status, id, run_attempt: attempt } = fields
  if (typeof status !== 'string' || String(id) !== run.runId || String(attempt) !== run.attempt)
    return { unknown: 'unreadable', detail: "GitHub's answer was not about the run attempt asked for" }
  return { status }
}

/**
 * How long GitHub asked to wait, for a primary or secondary rate limit (403 or 429 with
 * Retry-After, or x-ratelimit-remaining 0); undefined for any other failure.
 */
export function rateLimitWait(answer: NonNullable<OctokitFailure['response']>, now = Date.now()): number | undefined {
  if (answer.status !== 403 && answer.status !== 429) return undefined
  const retryAfter = parseRetryAfter(answer.headers['retry-after'], now)
  if (retryAfter !== undefined) return retryAfter
  if (answer.headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(answer.headers['x-ratelimit-reset'])
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : SECONDARY_LIMIT_WAIT_MS
  }
  const message = (answer.data as { message?: unknown } | undefined)?.message
  if (answer.status === 429 || (typeof message === 'string' && /rate limit/i.test(message)))
    return SECONDARY_LIMIT_WAIT_MS
  return undefined
}

function reasonOf(failure: OctokitFailure): AttemptAnswer & { unknown: UnknownReason } {
  const status = failure.response?.status
  if (status === undefined) {
    if (failure.cause?.name === 'TimeoutError') return { unknown: 'network', detail: 'GitHub did not answer in time' }
    if (failure.cause?.message?.startsWith(TOO_LONG)) return { unknown: 'network', detail: failure.cause.message }
    return { unknown: 'network', detail: 'GitHub could not be reached' }
  }
  if (status === 401) return { unknown: 'unauthorized', detail: 'GitHub answered 401: the token was not accepted' }
  if (status === 403)
    return { unknown: 'forbidden', detail: 'GitHub answered 403: the token may not read Actions runs' }
  if (status === 404)
    return { unknown: 'not-found', detail: 'GitHub answered 404: no such run attempt, or none the token can see' }
  if (status >= 500) return { unknown: 'server', detail: `GitHub answered ${status}` }
  return { unknown: 'unreadable', detail: `GitHub answered ${status}` }
}
