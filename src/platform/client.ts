import type { Dispatcher } from 'undici'
import { cleanMessage, NOT_SENT_CODES, PlatformError, serverMessage } from './errors.js'
import type {
  CreateRequest,
  CreatedServiceAccount,
  DiscoveryConfig,
  Permission,
  ServiceAccount
} from './types.js'
import { sendRequest, type HttpResponse } from './http.js'

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
  /** Upper bound for one backoff wait, whether computed or asked for by `Retry-After`. */
  maxDelayMs?: number
  baseDelayMs?: number
  dispatcher: Dispatcher
  /** Debug lines: method, URL, status, timing. Never headers or bodies. */
  log?: (line: string) => void
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

interface Call {
  /** What is being done, for error messages. */
  operation: string
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  body?: unknown
  accept?: string
  /** Whether repeating the request is harmless if the first one took effect. */
  idempotent: boolean
  /** Retry a 500 too: for removal, where giving up leaves a live credential behind. */
  retryServerError?: boolean
}

const JSON_TYPE = 'application/json'
const NDJSON_TYPE = 'application/x-ndjson'

/**
 * The platform's service accounts API over undici. Knows nothing of GitHub: every
 * secret it is given or receives is the caller's to mask.
 */
export class PlatformClient {
  readonly apiUrl: string
  private readonly options: Required<
    Pick<PlatformClientOptions, 'timeoutMs' | 'maxAttempts' | 'maxDelayMs' | 'baseDelayMs'>
  > &
    PlatformClientOptions

  constructor(options: PlatformClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '')
    this.options = {
      timeoutMs: 30_000,
      maxAttempts: 5,
      maxDelayMs: 20_000,
      baseDelayMs: 500,
      ...options
    }
  }

  /** Every account of the caller, read as NDJSON so large lists stream. */
  async list(): Promise<ServiceAccount[]> {
    const accounts: ServiceAccount[] = []
    await this.call(
      {
        operation: 'list service accounts',
        method: 'GET',
        path: '/service_accounts',
        accept: `${NDJSON_TYPE}, ${JSON_TYPE};q=0.5`,
        idempotent: true
      },
      [200],
      async response => {
        accounts.length = 0 // a retry reads the list again from the start
        await parseAccounts(response, accounts)
      }
    )
    return accounts
  }

  async create(request: CreateRequest): Promise<CreatedServiceAccount> {
    const body: Record<string, string> = {
      default_cluster: request.default_cluster,
      default_project: request.default_project
    }
    // The server rejects "" for these, so an absent value is omitted, never sent empty.
    if (request.name) body.name = request.name
    if (request.default_org) body.default_org = request.default_org
    const operation = 'create service account'
    return this.callJson<CreatedServiceAccount>(
      { operation, method: 'POST', path: '/service_accounts', body, idempotent: false },
      [201],
      value => {
        if (!isAccount(value) || typeof value.token !== 'string' || !value.token) {
          // The account may exist, so the caller must treat this like a lost answer.
          throw new PlatformError(operation, 201, 'the answer holds no account and token', undefined, true)
        }
        return value as CreatedServiceAccount
      }
    )
  }

  async get(idOrName: string): Promise<ServiceAccount> {
    return this.callJson(
      {
        operation: `get service account ${idOrName}`,
        method: 'GET',
        path: `/service_accounts/${encodeURIComponent(idOrName)}`,
        idempotent: true
      },
      [200],
      value => accountOrThrow(value, `get service account ${idOrName}`)
    )
  }

  /** Removes an account; the platform revokes its token at once. */
  async rm(idOrName: string): Promise<void> {
    await this.call(
      {
        operation: `remove service account ${idOrName}`,
        method: 'DELETE',
        path: `/service_accounts/${encodeURIComponent(idOrName)}`,
        idempotent: true,
        retryServerError: true
      },
      [204, 200],
      async () => undefined
    )
  }

  /** The discovery document: clusters and projects the caller can use. */
  async config(): Promise<DiscoveryConfig> {
    return this.callJson(
      { operation: 'read platform config', method: 'GET', path: '/config', idempotent: true },
      [200],
      value => {
        const fields = (value ?? {}) as Partial<DiscoveryConfig>
        return {
          authorized: fields.authorized === true,
          clusters: Array.isArray(fields.clusters) ? fields.clusters : [],
          projects: Array.isArray(fields.projects) ? fields.projects : []
        }
      }
    )
  }

  /** Grants permissions to a role, e.g. a service account's `alice/service-accounts/ci`. */
  async grant(role: string, permissions: Permission[]): Promise<Permission[]> {
    const operation = `grant permissions to ${role}`
    return this.callJson(
      {
        operation,
        method: 'POST',
        path: `/users/${encodeURIComponent(role.replaceAll('/', ':'))}/permissions`,
        body: permissions,
        // Granting the same permission twice leaves the same grant.
        idempotent: true
      },
      [201, 200],
      value => {
        if (!Array.isArray(value)) throw new PlatformError(operation, 201, 'the answer is not a list')
        return value as Permission[]
      }
    )
  }

  private async callJson<T>(call: Call, expected: number[], check: (value: unknown) => T): Promise<T> {
    let result: T | undefined
    await this.call(call, expected, async response => {
      const text = await response.text()
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        throw new PlatformError(
          call.operation,
          response.status,
          'the answer is not valid JSON',
          undefined,
          !call.idempotent
        )
      }
      result = check(value)
    })
    return result as T
  }

  /**
   * Sends one logical request, retrying what is worth retrying, and hands a response with an
   * expected status to `read`. A request that changes state is repeated only when it surely
   * did not reach the server; otherwise its failure is marked ambiguous for the caller.
   */
  private async call(
    call: Call,
    expected: number[],
    read: (response: HttpResponse) => Promise<void>
  ): Promise<void> {
    const { maxAttempts, timeoutMs, log } = this.options
    const url = `${this.apiUrl}${call.path}`
    for (let attempt = 1; ; attempt++) {
      const started = Date.now()
      log?.(`${call.method} ${url} (attempt ${attempt} of ${maxAttempts})`)
      let failure: PlatformError
      let retryAfter: string | undefined
      let response: HttpResponse | undefined
      try {
        response = await sendRequest(this.options.dispatcher, {
          url,
          method: call.method,
          headers: this.headers(call),
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          timeoutMs
        })
      } catch (error) {
        failure = networkFailure(call, error, timeoutMs, url)
        log?.(`${call.method} ${url}: ${failure.serverMessage} after ${Date.now() - started} ms`)
      }
      if (response) {
        log?.(`${call.method} ${url}: HTTP ${response.status} in ${Date.now() - started} ms`)
        if (expected.includes(response.status)) {
          try {
            await read(response)
            return
          } catch (error) {
            failure = bodyFailure(call, response.status, error, timeoutMs, url)
            log?.(`${call.method} ${url}: ${failure.serverMessage}`)
          }
        } else {
          failure = await statusFailure(call, response)
          retryAfter = response.header('retry-after')
        }
      }
      if (attempt >= maxAttempts || !this.mayRetry(call, failure!)) throw failure!
      const delay = this.backoff(attempt, retryAfter)
      log?.(`${call.operation}: retrying in ${delay} ms`)
      await (this.options.sleep ?? defaultSleep)(delay)
    }
  }

  private mayRetry(call: Call, failure: PlatformError): boolean {
    if (!failure.retryable && !(call.retryServerError && failure.status === 500)) return false
    return call.idempotent || !failure.ambiguous
  }

  /** Full-jitter exponential backoff, or the server's `Retry-After` when it names one. */
  private backoff(attempt: number, retryAfter: string | undefined): number {
    const { baseDelayMs, maxDelayMs } = this.options
    const asked = parseRetryAfter(retryAfter)
    if (asked !== undefined) return Math.min(asked, maxDelayMs)
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
    return Math.floor((this.options.random ?? Math.random)() * ceiling)
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

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

// Statuses where the server surely did not act on a POST: throttled, or not available.
const NOT_ACTED_STATUSES: ReadonlySet<number> = new Set([429, 503])

async function statusFailure(call: Call, response: HttpResponse): Promise<PlatformError> {
  const status = response.status
  if (status >= 300 && status < 400) {
    await response.discard()
    const location = response.header('location')
    return new PlatformError(
      call.operation,
      status,
      `redirected to ${location ? safeLocation(location) : 'an unnamed location'}; ` +
        'redirects are not followed so that the credential never leaves the API URL'
    )
  }
  const message = serverMessage(await response.text().catch(() => ''), response.header('content-type'))
  const ambiguous = !call.idempotent && !NOT_ACTED_STATUSES.has(status) && status >= 500
  return new PlatformError(call.operation, status, message || response.statusText, undefined, ambiguous)
}

function networkFailure(call: Call, error: unknown, timeoutMs: number, url: string): PlatformError {
  const code = errorCode(error)
  const timedOut = code === 'TIMEOUT' || code?.endsWith('_TIMEOUT') === true
  const message = timedOut
    ? `timed out after ${timeoutMs / 1000} s waiting for ${call.method} ${url}`
    : `${cleanMessage(error instanceof Error ? error.message : String(error))} (${call.method} ${url})`
  const ambiguous = !call.idempotent && !(code !== undefined && NOT_SENT_CODES.has(code))
  return new PlatformError(call.operation, 0, message, code ?? 'ERROR', ambiguous)
}

/** A failure while reading an expected answer: a cut or stalled body, or one that does not parse. */
function bodyFailure(call: Call, status: number, error: unknown, timeoutMs: number, url: string): PlatformError {
  if (error instanceof PlatformError) return error
  const failure = networkFailure(call, error, timeoutMs, url)
  return new PlatformError(
    call.operation,
    0,
    `HTTP ${status} but the answer was cut off: ${failure.serverMessage}`,
    failure.code,
    !call.idempotent
  )
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
    return `${url.origin}${url.pathname}`
  } catch {
    return cleanMessage(location)
  }
}

function isAccount(value: unknown): value is ServiceAccount & { token?: unknown } {
  if (typeof value !== 'object' || value === null) return false
  const fields = value as Record<string, unknown>
  return typeof fields.id === 'string' && typeof fields.role === 'string'
}

function accountOrThrow(value: unknown, operation: string): ServiceAccount {
  if (!isAccount(value)) throw new PlatformError(operation, 200, 'the answer is not a service account')
  return withoutToken(value)
}

function withoutToken(account: ServiceAccount & { token?: unknown }): ServiceAccount {
  if (!('token' in account)) return account
  const { token: _token, ...rest } = account
  return rest
}

/**
 * Accounts from an NDJSON stream, parsed a chunk at a time so that memory holds the accounts,
 * not the body; or from a JSON array when the server ignores `Accept`.
 */
async function parseAccounts(response: HttpResponse, accounts: ServiceAccount[]): Promise<void> {
  const bad = () => new PlatformError('list service accounts', response.status, 'the answer is not a list of accounts')
  const add = (item: unknown) => {
    if (!isAccount(item)) throw bad()
    accounts.push(withoutToken(item))
  }
  if (!response.header('content-type')?.includes('ndjson')) {
    let value: unknown
    try {
      value = JSON.parse(await response.text())
    } catch {
      throw bad()
    }
    if (!Array.isArray(value)) throw bad()
    value.forEach(add)
    return
  }
  for await (const lines of response.lineBatches()) {
    for (const line of lines) {
      if (!line.trim()) continue
      let item: unknown
      try {
        item = JSON.parse(line)
      } catch {
        throw bad()
      }
      add(item)
    }
  }
}
