/**
 * How a failed request becomes a PlatformError: a status other than the expected ones, no
 * answer (network, proxy, timeout), or an expected answer that could not be read. Only
 * cleaned text reaches a message: it is printed.
 */
import { cleanMessage, errorMessage, PlatformError, serverMessage } from './errors.js'
import type { HttpResponse } from './http.js'
import { parseRetryAfter } from './retry.js'
import type { Call } from './types.js'

/** Of an error body only the start is read: enough for any JSON error the platform writes. */
const ERROR_BODY_BYTES = 256 * 1024

export async function statusFailure(call: Call, response: HttpResponse, apiUrl: string): Promise<PlatformError> {
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
  const said = serverMessage(body, response.header('content-type'), new URL(apiUrl).origin) || response.statusText
  const hint = statusHint(call, status, apiUrl)
  return new PlatformError({ ...fields, message: hint ? `${said}; ${hint}` : said })
}

/** What a status most likely means for this request: the fix, where the status alone hides it. */
function statusHint(call: Call, status: number, apiUrl: string): string | undefined {
  if (status === 404 && !new URL(apiUrl).pathname.endsWith('/api/v1'))
    return `the API URL usually ends in /api/v1 (api-url is ${apiUrl})`
  if (status !== 403) return undefined
  if (call.kind === 'create')
    return "the token's user lacks the right to create service accounts: use the token of a user who has it"
  if (call.kind === 'grant') return 'granting needs "manage" on what is granted, for the token\'s user'
  return undefined
}

const PROXY_REFUSED =
  'the proxy refused the request (Proxy Authentication Required): check the user and password in HTTPS_PROXY or HTTP_PROXY'

export function networkFailure(call: Call, error: unknown, timeoutMs: number, url: string): PlatformError {
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
export function bodyFailure(call: Call, status: number, error: unknown, timeoutMs: number, url: string): PlatformError {
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
