/**
 * The platform client: its requests, their retries, pacing and time budget. What an answer
 * must hold is answers.ts's; how a failure is worded, failures.ts's.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import { notAsked, parseAccounts, readAccount, readCreated, readPermissions, readConfig } from './answers.js'
import { PlatformError } from './errors.js'
import { bodyFailure, networkFailure, statusFailure } from './failures.js'
import { sendRequest, type HttpResponse } from './http.js'
import { isServiceAccountRole } from './names.js'
import { backoffDelay, isThrottled, mayRepeat, ThrottleMemory, type ThrottleRecord } from './retry.js'
import { tokenIdentity } from './token.js'
import type {
  Call,
  CreateRequest,
  CreatedServiceAccount,
  DiscoveryConfig,
  Permission,
  ServiceAccount
} from './types.js'

export interface PlatformClientOptions {
  /** The API URL, e.g. `https://api.apolo.us/api/v1`; a trailing slash is dropped. */
  apiUrl: string
  /** The raw auth JWT sent as the bearer. */
  authToken: string
  userAgent: string
  /** One attempt's limit, from connect to the last body byte. */
  timeoutMs?: number
  /**
   * Attempts per request, including the first; 1 turns retries off. Throttling is not
   * counted: it is waited out within the budget.
   */
  maxAttempts?: number
  /**
   * The platform has accepted this bearer earlier in the job (post: main's record proves
   * it), so a 401 is its auth service hiccupping, retried like a 503.
   */
  tokenAccepted?: boolean
  /** What this job has heard of throttling: shared by a client and its clones (`as`). */
  throttling?: ThrottleMemory
  /**
   * What all requests of this client, their retries and waits may take together; none
   * starts after it. Default: 3 × maxAttempts × timeoutMs (docs/reliability.md, "Time limits").
   */
  budgetMs?: number
  /** Upper bound for one backoff wait, whether computed or asked for by `Retry-After`. */
  maxDelayMs?: number
  baseDelayMs?: number
  dispatcher: Dispatcher
  /**
   * Opens a dispatcher of its own (up to `connections` at once) to the same platform, for
   * work alongside this client's (the create's sweep); the caller closes it.
   */
  openDispatcher?: (connections: number) => Promise<Dispatcher>
  /** Debug lines: method, URL, status, timing. Never headers or bodies. */
  log?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
}

/** Answers read whole are capped: an account is under 1 KiB, /config tens of KiB. */
const JSON_LIMIT_BYTES = 4 * 1024 * 1024

const JSON_TYPE = 'application/json'
const NDJSON_TYPE = 'application/x-ndjson'

/**
 * The platform's service accounts API over undici. Knows nothing of GitHub: every
 * secret it is given or receives is the caller's to mask.
 */
export class PlatformClient {
  readonly apiUrl: string
  readonly timeoutMs: number
  readonly maxAttempts: number
  private readonly options: Required<
    Pick<PlatformClientOptions, 'timeoutMs' | 'maxAttempts' | 'maxDelayMs' | 'baseDelayMs' | 'sleep' | 'random' | 'now'>
  > &
    PlatformClientOptions
  private readonly deadline: number
  private readonly budgetMs: number
  /** Set by the first success: from then on a 401 is a hiccup, not a verdict. */
  private tokenAccepted: boolean
  private readonly throttling: ThrottleMemory

  constructor(options: PlatformClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '')
    this.options = {
      timeoutMs: 30_000,
      maxAttempts: 5,
      maxDelayMs: 20_000,
      baseDelayMs: 500,
      sleep,
      random: Math.random,
      now: Date.now,
      ...options
    }
    const { timeoutMs, maxAttempts, budgetMs } = this.options
    this.timeoutMs = timeoutMs
    this.maxAttempts = maxAttempts
    this.budgetMs = budgetMs ?? 3 * maxAttempts * timeoutMs
    this.deadline = this.options.now() + this.budgetMs
    this.tokenAccepted = options.tokenAccepted ?? false
    this.throttling = options.throttling ?? new ThrottleMemory()
  }

  /** The platform has answered this token with a success, in this step or (as given) earlier in the job. */
  get tokenWasAccepted(): boolean {
    return this.tokenAccepted
  }

  /** Every account of the caller, read as NDJSON so large lists stream. */
  async list(): Promise<ServiceAccount[]> {
    const operation = 'list service accounts'
    const accounts: ServiceAccount[] = []
    await this.call(
      {
        operation,
        kind: 'read',
        method: 'GET',
        path: ['service_accounts'],
        accept: `${NDJSON_TYPE}, ${JSON_TYPE};q=0.5`
      },
      [200],
      async response => {
        accounts.length = 0 // a retry reads the list again from the start
        await parseAccounts(operation, response, accounts)
      }
    )
    return accounts
  }

  /**
   * One create; repeated here only when it surely never reached the platform. An answer about
   * any account but the one asked for is unreadable: a lost create, settled by a look-up
   * (operations/lost-create.ts), never an account to hand out or remove later.
   */
  async create(request: CreateRequest): Promise<CreatedServiceAccount> {
    const body: Record<string, string> = {
      default_cluster: request.default_cluster,
      default_project: request.default_project
    }
    // The server rejects "" for these, so an absent value is omitted, never sent empty.
    if (request.name) body.name = request.name
    if (request.default_org) body.default_org = request.default_org
    const operation = 'create service account'
    return this.callJson(
      { operation, kind: 'create', method: 'POST', path: ['service_accounts'], body },
      [201],
      value => {
        const created = readCreated(operation, value)
        const wrong = notAsked(created, request.name, tokenIdentity(this.options.authToken))
        if (wrong) {
          throw new PlatformError({
            operation,
            status: 201,
            message: `the answer is about another account: ${wrong}`,
            unreadable: true
          })
        }
        return created
      }
    )
  }

  /** The account of that id or name; an answer about any other account is refused. */
  async get(idOrName: string): Promise<ServiceAccount> {
    const operation = `get service account ${idOrName}`
    return this.callJson(
      { operation, kind: 'read', method: 'GET', path: ['service_accounts', idOrName] },
      [200],
      value => {
        const account = readAccount(operation, value)
        if (account.id !== idOrName && account.name !== idOrName) {
          throw new PlatformError({ operation, status: 200, message: `the answer is another account (${account.id})` })
        }
        return account
      }
    )
  }

  /** Removes an account; the platform revokes its token at once. */
  async rm(idOrName: string): Promise<void> {
    await this.call(
      {
        operation: `remove service account ${idOrName}`,
        kind: 'remove',
        method: 'DELETE',
        path: ['service_accounts', idOrName]
      },
      [204, 200],
      response => response.discard()
    )
  }

  /** The discovery document: clusters and projects the caller can use. */
  async config(): Promise<DiscoveryConfig> {
    return this.callJson(
      { operation: 'read platform config', kind: 'read', method: 'GET', path: ['config'] },
      [200],
      readConfig
    )
  }

  /** Grants permissions to a role, e.g. a service account's `alice/service-accounts/ci`. */
  async grant(role: string, permissions: Permission[]): Promise<Permission[]> {
    const operation = `grant permissions to ${role}`
    if (!isServiceAccountRole(role)) {
      throw new PlatformError({
        operation,
        status: 0,
        message: 'refused: not a role of the shape <owner>/service-accounts/<name>'
      })
    }
    return this.callJson(
      // Granting the same permission twice leaves the same grant, so it may repeat.
      {
        operation,
        kind: 'grant',
        method: 'POST',
        path: ['users', role.replaceAll('/', ':'), 'permissions'],
        body: permissions
      },
      [201, 200],
      value => readPermissions(operation, value)
    )
  }

  /**
   * The same client with a time budget of its own, speaking as someone else (e.g. a new
   * account) or as itself (`authToken` undefined), over its connection or another's.
   */
  as(
    authToken: string | undefined,
    overrides: Pick<PlatformClientOptions, 'maxAttempts' | 'budgetMs'> & { dispatcher?: Dispatcher }
  ): PlatformClient {
    const tokenAccepted = authToken === undefined ? this.tokenAccepted : false
    return new PlatformClient({
      ...this.options,
      authToken: authToken ?? this.options.authToken,
      tokenAccepted,
      throttling: this.throttling,
      ...overrides
    })
  }

  /** A dispatcher of its own to this platform (see `openDispatcher`), for work alongside this client's. */
  async openDispatcher(connections: number): Promise<Dispatcher> {
    if (!this.options.openDispatcher) throw new Error('This client was given no way to open more connections.')
    return await this.options.openDispatcher(connections)
  }

  /** What this job heard of throttling in the last 10 s, for a later step to go on from. */
  throttledLately(): ThrottleRecord | undefined {
    return this.throttling.lately(this.options.now())
  }

  /** What is left of this client's time budget. */
  timeLeftMs(): number {
    return Math.max(0, this.deadline - this.options.now())
  }

  /**
   * Waits before retry number `retry` after `failure`, within the budget; false when the
   * wait would end past it.
   */
  async pause(retry: number, failure: PlatformError): Promise<boolean> {
    const { baseDelayMs, maxDelayMs, random, sleep, log } = this.options
    const backoff = isThrottled(failure) ? this.throttling.retryNumber(this.options.now(), retry) : retry
    const delay = backoffDelay(backoff, failure.retryAfterMs, { baseMs: baseDelayMs, maxMs: maxDelayMs }, random)
    if (this.options.now() + delay >= this.deadline) return false
    log?.(`${failure.operation}: trying again in ${delay} ms`)
    await sleep(delay)
    return true
  }

  private async callJson<T>(call: Call, expected: number[], check: (value: unknown) => T): Promise<T> {
    let result: T | undefined
    await this.call(call, expected, async response => {
      let value: unknown
      try {
        value = JSON.parse(await response.text(JSON_LIMIT_BYTES))
      } catch (error) {
        if (error instanceof SyntaxError)
          throw new PlatformError({
            operation: call.operation,
            status: response.status,
            message: 'the answer is not valid JSON',
            unreadable: true
          })
        throw error
      }
      result = check(value)
    })
    return result as T
  }

  /**
   * Sends one logical request, repeating it as retry.ts allows, and hands a response with an
   * expected status to `read`.
   */
  private async call(call: Call, expected: number[], read: (response: HttpResponse) => Promise<void>): Promise<void> {
    const url = `${this.apiUrl}/${call.path.map(pathSegment).join('/')}`
    // Failures that count against maxAttempts: throttling only spends the budget.
    let counted = 0
    await this.paceAfterThrottling()
    const started = this.options.now()
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(call, url, attempt, expected, read)
      if (!failure) return
      if (isThrottled(failure))
        this.throttling.record(this.options.now(), failure.retryAfterMs ?? this.options.baseDelayMs)
      else counted++
      if (counted >= this.options.maxAttempts || !mayRepeat(call.kind, failure, this.tokenAccepted))
        throw attempt === 1 ? failure : this.afterAttempts(failure, ` (after ${this.tried(attempt, started)})`)
      if (!(await this.pause(attempt, failure)))
        throw this.outOfTime(call, this.afterAttempts(failure, `; gave up after ${this.tried(attempt, started)}`))
    }
  }

  /** `5 attempts over 12 s`: what a request was given before it failed for good. */
  private tried(attempts: number, startedMs: number): string {
    const ms = this.options.now() - startedMs
    return `${attempts} attempt${attempts === 1 ? '' : 's'} over ${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`
  }

  /** The last failure of a request, with `suffix` saying how many attempts it had. */
  private afterAttempts(failure: PlatformError, suffix: string): PlatformError {
    return new PlatformError({
      operation: failure.operation,
      status: failure.status,
      code: failure.code,
      unreadable: failure.unreadable,
      retryAfterMs: failure.retryAfterMs,
      message: `${failure.serverMessage}${suffix}`,
      cause: failure
    })
  }

  /** A new request of a job the platform has just throttled waits first (retry.ts `ThrottleMemory`). */
  private async paceAfterThrottling(): Promise<void> {
    const { now, random, sleep, log, maxDelayMs } = this.options
    const delay = this.throttling.pacingDelay(now(), maxDelayMs, random)
    if (!delay || now() + delay >= this.deadline) return
    log?.(`the platform throttled this job lately: waiting ${delay} ms first`)
    await sleep(delay)
  }

  /** One attempt: undefined when `read` took the answer, else what went wrong. */
  private async attempt(
    call: Call,
    url: string,
    attempt: number,
    expected: number[],
    read: (response: HttpResponse) => Promise<void>
  ): Promise<PlatformError | undefined> {
    const { log, now } = this.options
    const budgetLeftMs = this.deadline - now()
    const timeoutMs = Math.min(this.options.timeoutMs, budgetLeftMs)
    if (timeoutMs <= 0) return this.outOfTime(call)
    const started = now()
    log?.(`${call.method} ${url} (attempt ${attempt})`)
    let response: HttpResponse
    try {
      response = await sendRequest(this.options.dispatcher, {
        url,
        method: call.method,
        headers: this.headers(call),
        // Undefined for a call without a body, as JSON.stringify(undefined) is.
        body: JSON.stringify(call.body),
        timeoutMs,
        budgetLeftMs
      })
    } catch (error) {
      const failure = networkFailure(call, error, timeoutMs, url)
      log?.(`${call.method} ${url}: ${failure.serverMessage} after ${now() - started} ms`)
      return failure
    }
    log?.(`${call.method} ${url}: HTTP ${response.status} in ${now() - started} ms`)
    // A 2xx: undici hands over no 1xx as an answer.
    if (response.status < 300) this.tokenAccepted = true
    if (!expected.includes(response.status)) return statusFailure(call, response, this.apiUrl)
    try {
      await read(response)
      return undefined
    } catch (error) {
      const failure = bodyFailure(call, response.status, error, timeoutMs, url)
      log?.(`${call.method} ${url}: ${failure.serverMessage}`)
      return failure
    }
  }

  private outOfTime(call: Call, last?: PlatformError): PlatformError {
    const seconds = Math.round(this.budgetMs / 1000)
    return new PlatformError({
      operation: call.operation,
      status: last?.status ?? 0,
      code: last?.code ?? 'OUT_OF_TIME',
      message: `${last ? `${last.serverMessage}: ` : 'gave up: '}these requests had ${seconds} s in all (docs/reliability.md, "Time limits")`,
      cause: last
    })
  }

  private headers(call: Call): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.authToken}`,
      'user-agent': this.options.userAgent,
      accept: call.accept ?? JSON_TYPE
    }
    if (call.body !== undefined) headers['content-type'] = JSON_TYPE
    return headers
  }
}

/**
 * A path segment, encoded. An empty, `.` or `..` segment would be resolved away by URL
 * rules and send the request somewhere else (`DELETE /api/v1/`), so none is ever sent.
 */
function pathSegment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new Error(`refusing to send a request for "${value}": not an id or name`)
  }
  return encodeURIComponent(value)
}
