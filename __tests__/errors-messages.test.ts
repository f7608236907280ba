// What a failed call says (SECURITY.md, "Secrets"): the error's own text, and the server's
// message cut to one short line with nothing secret and no internal address.
import { describe, expect, test } from '@jest/globals'
import { cleanMessage, PlatformError, redactTokens, serverMessage } from '../src/platform/errors.js'
import { freshImport } from './helpers/fresh-import.js'

/** The module loaded anew, for tests of its module-level limits and patterns. */
const fresh = () => freshImport(() => import('../src/platform/errors.js'))

describe('a PlatformError', () => {
  test('names the operation, and the status or what went wrong on the way', () => {
    const text = (fields: Partial<ConstructorParameters<typeof PlatformError>[0]>) =>
      new PlatformError({ operation: 'remove service account', status: 0, message: '', ...fields }).message
    expect(text({ message: 'connection refused', code: 'ECONNREFUSED' })).toBe(
      'remove service account failed: connection refused (ECONNREFUSED)'
    )
    expect(text({ message: 'the time budget ran out' })).toBe('remove service account failed: the time budget ran out')
    expect(text({ status: 409, message: 'taken' })).toBe('remove service account failed: HTTP 409: taken')
    expect(text({ status: 502 })).toBe('remove service account failed: HTTP 502')
  })

  test('is known by its name and keeps its cause', () => {
    const cause = new Error('socket hang up')
    const error = new PlatformError({ operation: 'list', status: 0, message: 'socket hang up', cause })
    expect(String(error)).toBe('PlatformError: list failed: socket hang up')
    expect(error.cause).toBe(cause)
  })
})

describe("a server's message", () => {
  test('a body that starts like JSON but does not parse gives none, whatever its type says', () => {
    expect(serverMessage('{"error": "cut off', 'text/plain')).toBe('')
    expect(serverMessage(' \n', 'text/plain')).toBe('')
  })

  test('is one line without the blanks around it', () => {
    expect(cleanMessage('  \n name taken\r\n')).toBe('name taken')
  })

  test('up to 300 characters is shown whole; longer is cut there and ends in "…"', () => {
    const whole = 'w'.repeat(299) + 'z'
    expect(cleanMessage(whole)).toBe(whole)
    expect(cleanMessage(`${whole}and more`)).toBe(`${whole}…`)
  })

  test('only its first 1,200 characters are read: a longer one says it was cut, however little is shown', () => {
    const blanks = (length: number) => '\n'.repeat(length - 'name taken'.length)
    expect(cleanMessage(`name taken${blanks(1_200)}`)).toBe('name taken')
    expect(cleanMessage(`name taken${blanks(1_201)}`)).toBe('name taken…')
  })

  test('what follows the first 1,200 characters cannot change what is shown', async () => {
    const { cleanMessage } = await fresh()
    const read = 'x'.repeat(1_200)
    const shown = `${'x'.repeat(300)}…`
    for (const rest of ['y', 'eyJhbGciOi', ' https://internal.svc/x', '\n::error::x'])
      expect(cleanMessage(`${read}${rest}`, 'https://api.apolo.us')).toBe(shown)
    expect(cleanMessage('x'.repeat(1_000))).toBe(shown)
  })
})

describe('token redaction', () => {
  test('16 characters can name a token, and are cut; a shorter run cannot carry one, and stays', () => {
    const named = Buffer.from('"token":"a"}').toString('base64')
    expect(named).toHaveLength(16)
    expect(redactTokens(`saw ${named} here`)).toBe('saw *** here')
    expect(redactTokens('the word InRva2VuIg== stays')).toBe('the word InRva2VuIg== stays')
  })

  test('a full token of indented JSON is cut even when glued to text holding dots', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.dXNlci1zaWduYXR1cmUtb2YtdGhlLXRva2Vu'
    const full = Buffer.from(JSON.stringify({ token: jwt }, null, 2)).toString('base64')
    expect(full).not.toContain('eyJ')
    for (const glue of ['', 'v1.2', 'a.bc', '.abc', 'ab.c', 'x..y', 'v1.2.3-'])
      expect(redactTokens(`version ${glue}${full} done`)).toBe('version *** done')
  })
})

describe("URLs in a server's message", () => {
  const api = 'https://api.apolo.us'

  test('one of another origin is replaced by a placeholder that says what stood there', async () => {
    const { cleanMessage } = await fresh()
    expect(cleanMessage('auth at http://platform-auth:8080/api/v1 failed', api)).toBe(
      'auth at <platform-internal URL> failed'
    )
  })

  test("the API's own stay whole; any other is hidden whole, wherever it stands and whatever its scheme", async () => {
    const { cleanMessage, INTERNAL_URL } = await fresh()
    const own = 'https://api.apolo.us/api/v1/service_accounts/x'
    expect(cleanMessage(`see ${own} and ${own}.`, api)).toBe(`see ${own} and ${own}.`)
    const foreign = [
      'http://platform-auth.platform:8080/api/v1/users/alice',
      'redis://10.0.0.5:6379/0',
      'x://h/p',
      'postgresql+ssl://db.internal/apolo',
      'HTTP://INTERNAL/x',
      'http://'
    ]
    for (const url of foreign) {
      expect(cleanMessage(url, api)).toBe(INTERNAL_URL)
      expect(cleanMessage(`failed (${url}), '${url}' ${url}`, api)).toBe(
        `failed (${INTERNAL_URL}), '${INTERNAL_URL}' ${INTERNAL_URL}`
      )
    }
  })
})
