import type { Dispatcher } from 'undici'
import { readAccount, readCreated, readPermissions, readConfig } from './answers.js'
import { cleanMessage, errorMessage, PlatformError, serverMessage } from './errors.js'
import { sendRequest, type HttpResponse } from './http.js'
import { isServiceAccountRole } from './names.js'
import { backoffDelay, isThrottled, mayRepeat, parseRetryAfter, type RequestKind, ThrottleMemory } from './retry.js'
import { tokenIdentity } from './token.js'
import type { CreateRequest, CreatedServiceAccount, DiscoveryConfig, Permission, ServiceAccount } from './types.js'

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
/**
 * Lists: bounded in bytes and in accounts. 100,000 accounts is far more than anyone keeps (a
 * platform account is about 300 bytes, so 30 MB), and tens of MB of memory however small a
 * hostile server makes each line; past it the list is refused, not cut.
 */
const LIST_LIMIT = { lineBytes: 64 * 1024, bodyBytes: 64 * 1024 * 1024, accounts: 100_000 }

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
   * (operations/create.ts), never an account to hand out or remove later.
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
   * account) or as itself (`authToken` undefined).
   */
  as(
    authToken: string | undefined,
    overrides: Pick<PlatformClientOptions, 'maxAttempts' | 'budgetMs'>
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
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(call, url, attempt, expected, read)
      if (!failure) return
      if (isThrottled(failure))
        this.throttling.record(this.options.now(), failure.retryAfterMs ?? this.options.baseDelayMs)
      else counted++
      if (counted >= this.options.maxAttempts || !mayRepeat(call.kind, failure, this.tokenAccepted)) throw failure
      if (!(await this.pause(attempt, failure))) throw this.outOfTime(call, failure)
    }
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
 * What in a create answer says it is not about the account asked for: its name, its owner
 * (when the caller's identity is known, it is the owner) or its role. Undefined when all fit.
 */
function notAsked(account: ServiceAccount, name: string | undefined, caller: string | undefined): string | undefined {
  if (name && account.name !== name) return `its name is not "${name}"`
  if (!account.owner || (caller !== undefined && !ownersOf(caller).includes(account.owner)))
    return 'its owner is not the caller'
  // An unnamed account's role ends in 16 hex characters instead of a name.
  const expected = `${account.owner}/service-accounts/${name || account.role.split('/').pop()}`
  if (account.role !== expected || !isServiceAccountRole(account.role))
    return `its role is not "<owner>/service-accounts/${name || '<name>'}"`
  return undefined
}

/**
 * Who may own what a caller makes: the caller; for a service account's token (its role,
 * `<user>/service-accounts/<name>`), also the user who owns that account.
 */
function ownersOf(caller: string): string[] {
  const user = /^([^/]+)\/service-accounts\/[^/]+$/.exec(caller)?.[1]
  return user ? [caller, user] : [caller]
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

async function statusFailure(call: Call, response: HttpResponse, apiUrl: string): Promise<PlatformError> {
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
    message: serverMessage(body, response.header('content-type'), new URL(apiUrl).origin) || response.statusText
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
  return errorCode(cause)
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
  const failure = (message: string) => new PlatformError({ operation, status: response.status, message })
  const bad = () => failure('the answer is not a list of accounts')
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch {
      throw bad()
    }
  }
  const add = (value: unknown) => {
    if (accounts.length >= LIST_LIMIT.accounts) {
      throw failure(
        `the list holds more than ${LIST_LIMIT.accounts.toLocaleString('en-US')} accounts, more than this action reads`
      )
    }
    accounts.push(readAccount(operation, value))
  }
  if (!response.header('content-type')?.includes('ndjson')) {
    const value = parse(await response.text(LIST_LIMIT.bodyBytes))
    if (!Array.isArray(value)) throw bad()
    for (const item of value) add(item)
    return
  }
  for await (const lines of response.lineBatches(LIST_LIMIT)) {
    for (const line of lines) if (line.trim()) add(parse(line))
  }
}
