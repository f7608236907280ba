import type { Dispatcher } from 'undici'
import { readAccount, readCreated, readPermissions, readConfig } from './answers.js'
import { cleanMessage, errorMessage, PlatformError, serverMessage } from './errors.js'
import { sendRequest, type HttpResponse } from './http.js'
import { backoffDelay, mayRepeat, parseRetryAfter, type RequestKind } from './retry.js'
import type { CreateRequest, CreatedServiceAccount, DiscoveryConfig, Permission, ServiceAccount } from './types.js'

export interface PlatformClientOptions {
  /** The API URL, e.g. `https://api.apolo.us/api/v1`; a trailing slash is dropped. */
  apiUrl: string
  /** The raw auth JWT sent as the bearer. */
  authToken: string
  userAgent: string
  /** One attempt's limit, from connect to the last body byte. */
  timeoutMs?: number
  /** Attempts per request, including the first; 1 turns retries off. */
  maxAttempts?: number
  /**
   * What all requests of this client, their retries and waits may take together; none
   * starts after it. Default: 3 × maxAttempts × timeoutMs (README, "Time limits").
   */
  budgetMs?: number
  /** Upper bound for one backoff wait, whether computed or asked for by `Retry-After`. */
  maxDelayMs?: number
  baseDelayMs?: number
  dispatcher: Dispatcher
  /** Debug lines: method, URL, status, timing. Never headers or bodies. */
  log?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
}

interface Call {
  /** What is being done, for error messages. */
  operation: string
  kind: RequestKind
  method: 'GET' | 'POST' | 'DELETE'
  /** Path segments after the API URL, each sent encoded. */
  path: string[]
  body?: unknown
  accept?: string
}

/** Answers read whole are capped: an account is under 1 KiB, /config tens of KiB. */
const JSON_LIMIT_BYTES = 4 * 1024 * 1024
/** Of an error body only the start is read: enough for any JSON error the platform writes. */
const ERROR_BODY_BYTES = 256 * 1024
/** Lists: about 160,000 accounts, a few hundred MB of memory at most. */
const LIST_LIMIT = { lineBytes: 64 * 1024, bodyBytes: 64 * 1024 * 1024 }

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

  constructor(options: PlatformClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '')
    this.options = {
      timeoutMs: 30_000,
      maxAttempts: 5,
      maxDelayMs: 20_000,
      baseDelayMs: 500,
      sleep: defaultSleep,
      random: Math.random,
      now: Date.now,
      ...options
    }
    const { timeoutMs, maxAttempts, budgetMs } = this.options
    this.timeoutMs = timeoutMs
    this.maxAttempts = maxAttempts
    this.budgetMs = budgetMs ?? 3 * maxAttempts * timeoutMs
    this.deadline = this.options.now() + this.budgetMs
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

  /** One create; repeated here only when it surely never reached the platform. */
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
      value => readCreated(operation, value)
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
   * account) or as itself (`authToken` undefined).
   */
  as(
    authToken: string | undefined,
    overrides: Pick<PlatformClientOptions, 'maxAttempts' | 'budgetMs'>
  ): PlatformClient {
    return new PlatformClient({ ...this.options, authToken: authToken ?? this.options.authToken, ...overrides })
  }

  /** Waits before trying again after `failure`, within the budget; false when none is left. */
  async pause(attempt: number, failure: PlatformError): Promise<boolean> {
    const { baseDelayMs, maxDelayMs, random, sleep, log } = this.options
    const delay = backoffDelay(attempt, failure.retryAfterMs, { baseMs: baseDelayMs, maxMs: maxDelayMs }, random)
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
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(call, url, attempt, expected, read)
      if (!failure) return
      if (attempt >= this.options.maxAttempts || !mayRepeat(call.kind, failure)) throw failure
      if (!(await this.pause(attempt, failure))) throw this.outOfTime(call, failure)
    }
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
    log?.(`${call.method} ${url} (attempt ${attempt} of ${this.options.maxAttempts})`)
    let response: HttpResponse
    try {
      response = await sendRequest(this.options.dispatcher, {
        url,
        method: call.method,
        headers: this.headers(call),
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        timeoutMs,
        budgetLeftMs
      })
    } catch (error) {
      const failure = networkFailure(call, error, timeoutMs, url)
      log?.(`${call.method} ${url}: ${failure.serverMessage} after ${now() - started} ms`)
      return failure
    }
    log?.(`${call.method} ${url}: HTTP ${response.status} in ${now() - started} ms`)
    if (!expected.includes(response.status)) return statusFailure(call, response)
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
      message: `${last ? `${last.serverMessage}; ` : ''}gave up: these requests had ${seconds} s in all (README, "Time limits")`,
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

function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

async function statusFailure(call: Call, response: HttpResponse): Promise<PlatformError> {
  const { status } = response
  const fields = { operation: call.operation, status, retryAfterMs: parseRetryAfter(response.header('retry-after')) }
  if (status >= 300 && status < 400) {
    await response.discard().catch(() => undefined)
    const location = response.header('location')
    return new PlatformError({
      ...fields,
      message:
        `redirected to ${location ? safeLocation(location) : 'an unnamed location'}; ` +
        'redirects are not followed so that the credential never leaves the API URL'
    })
  }
  if (status === 407) {
    await response.discard().catch(() => undefined)
    return new PlatformError({ ...fields, message: PROXY_REFUSED })
  }
  const body = await response.head(ERROR_BODY_BYTES).catch(() => '')
  return new PlatformError({
    ...fields,
    message: serverMessage(body, response.header('content-type')) || response.statusText
  })
}

const PROXY_REFUSED =
  'the proxy refused the request (Proxy Authentication Required): check the user and password in HTTPS_PROXY or HTTP_PROXY'

function networkFailure(call: Call, error: unknown, timeoutMs: number, url: string): PlatformError {
  const code = errorCode(error)
  const message = errorMessage(error)
  // undici reports a proxy's refusal to open a tunnel as an abort naming its status.
  const proxyStatus = /^Proxy response \((\d{3})\)/.exec(message)?.[1]
  if (proxyStatus) {
    const status = Number(proxyStatus)
    return new PlatformError({
      operation: call.operation,
      status,
      message: status === 407 ? PROXY_REFUSED : 'the proxy refused to open a tunnel',
      cause: error
    })
  }
  const timedOut = code === 'TIMEOUT' || code?.endsWith('_TIMEOUT') === true
  return new PlatformError({
    operation: call.operation,
    status: 0,
    code: code ?? 'ERROR',
    message: timedOut
      ? `timed out after ${timeoutMs / 1000} s waiting for ${call.method} ${url}`
      : `${cleanMessage(message)} (${call.method} ${url})`,
    cause: error
  })
}

/** A failure while reading an expected answer: cut off, stalled, too large, or not what was asked. */
function bodyFailure(call: Call, status: number, error: unknown, timeoutMs: number, url: string): PlatformError {
  if (error instanceof PlatformError) return error
  const code = errorCode(error)
  if (code === 'BODY_TOO_LARGE')
    return new PlatformError({ operation: call.operation, status, message: errorMessage(error), code, cause: error })
  const failure = networkFailure(call, error, timeoutMs, url)
  return new PlatformError({
    operation: call.operation,
    status,
    code: failure.code,
    message: `the answer was cut off: ${failure.serverMessage}`,
    unreadable: true,
    cause: error
  })
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, name, cause } = error as { code?: unknown; name?: unknown; cause?: unknown }
  if (name === 'TimeoutError') return 'TIMEOUT'
  if (typeof code === 'string') return code
  return cause === undefined ? undefined : errorCode(cause)
}

function safeLocation(location: string): string {
  try {
    const url = new URL(location)
    return cleanMessage(`${url.origin}${url.pathname}`)
  } catch {
    return cleanMessage(location)
  }
}

/**
 * Accounts from an NDJSON stream, parsed a chunk at a time so that memory holds the accounts,
 * not the body; or from a JSON array when the server ignores `Accept`.
 */
async function parseAccounts(operation: string, response: HttpResponse, accounts: ServiceAccount[]): Promise<void> {
  const bad = () =>
    new PlatformError({ operation, status: response.status, message: 'the answer is not a list of accounts' })
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch {
      throw bad()
    }
  }
  if (!response.header('content-type')?.includes('ndjson')) {
    const value = parse(await response.text(LIST_LIMIT.bodyBytes))
    if (!Array.isArray(value)) throw bad()
    for (const item of value) accounts.push(readAccount(operation, item))
    return
  }
  for await (const lines of response.lineBatches(LIST_LIMIT)) {
    for (const line of lines) if (line.trim()) accounts.push(readAccount(operation, parse(line)))
  }
}
