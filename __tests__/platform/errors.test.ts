// What of a server's error body is shown, and what is hidden (src/platform/errors.ts).
import { describe, expect, test } from '@jest/globals'
import { cleanMessage, INTERNAL_URL, redactTokens, serverMessage } from '../../src/platform/errors.js'

describe('error bodies', () => {
  test('the three shapes the platform sends', () => {
    expect(serverMessage(`{"error": "{'name': ['Invalid service account name']}"}`, 'application/json')).toBe(
      "{'name': ['Invalid service account name']}"
    )
    expect(
      serverMessage('{"code": "unique", "description": "Service Account with such name exists"}', 'application/json')
    ).toBe('Service Account with such name exists')
    expect(serverMessage('Service account x not found', 'text/plain; charset=utf-8')).toBe(
      'Service account x not found'
    )
  })
  test('HTML and multi-line bodies give no message', () => {
    expect(serverMessage('<html><body>502 Bad Gateway</body></html>', 'text/html')).toBe('')
    expect(serverMessage('line one\nline two', 'text/plain')).toBe('')
  })
  test('a token in a message is redacted and control characters cannot start a workflow command', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1IjoiYSJ9.c2lnbmF0dXJl'
    expect(serverMessage(`{"error": "bad token ${jwt}\\n::set-output name=x::y"}`, 'application/json')).toBe(
      'bad token *** ::set-output name=x::y'
    )
    expect(redactTokens('full eyJ0b2tlbiI6ICJhYmMifQ== end')).toBe('full *** end')
  })
})

describe('internal addresses', () => {
  const api = 'https://api.apolo.us'
  const authFailure =
    "Unexpected exception: 503, message='Service Unavailable', url='http://platform-auth.platform:8080/api/v1/users/alice/service-accounts/x'. Path with query: /api/v1/users/alice"

  test("a server's message keeps its status text but not the auth service's URL", () => {
    expect(serverMessage(JSON.stringify({ error: authFailure }), 'application/json', api)).toBe(
      `Unexpected exception: 503, message='Service Unavailable', url='${INTERNAL_URL}'. Path with query: /api/v1/users/alice`
    )
  })

  test("the API's own URLs stay; any other origin, scheme or port goes", () => {
    const text = [
      'see https://api.apolo.us/api/v1/service_accounts',
      'http://api.apolo.us/x',
      'https://api.apolo.us:8443/x',
      'https://api.apolo.us.evil.example/x',
      'redis://10.0.0.5:6379',
      'HTTP://INTERNAL/x'
    ].join(' ')
    expect(cleanMessage(text, api)).toBe(
      `see https://api.apolo.us/api/v1/service_accounts ${Array(5).fill(INTERNAL_URL).join(' ')}`
    )
  })

  test('hostile: many and very long URLs are all hidden, in bounded time', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `http://internal-${i}.svc/${'a'.repeat(i % 300)}`).join(' ')
    const long = `x http://internal.svc/${'p'.repeat(1_000_000)}`
    const started = Date.now()
    for (const text of [many, long, `{"error": ${JSON.stringify(many)}}`]) {
      const cleaned = text.startsWith('{') ? serverMessage(text, 'application/json', api) : cleanMessage(text, api)
      expect(cleaned).not.toMatch(/internal[-.]/)
      expect(cleaned.length).toBeLessThanOrEqual(301)
    }
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  test('without an API origin (not a server message) nothing is hidden', () => {
    expect(cleanMessage('redirected to https://login.example/x')).toBe('redirected to https://login.example/x')
  })
})

describe('tokens in base64', () => {
  test('base64 naming a "token" is cut out even when a "." near the start shifts its alignment', () => {
    const encoded = Buffer.from('xx"token":1').toString('base64')
    expect(encoded).not.toContain('eyJ')
    expect(redactTokens(`said: abc${encoded} end`)).toBe('said: *** end')
    expect(redactTokens(`said: a.bc${encoded} end`)).toBe('said: *** end')
    expect(redactTokens(`said: ab.c${encoded} end`)).toBe('said: *** end')
  })

  test('base64 naming a "token" is cut out even when a "." splits the encoded name', () => {
    const encoded = Buffer.from('xx"token":1').toString('base64')
    const split = `${encoded.slice(0, 6)}.${encoded.slice(6)}`
    expect(split).not.toContain('eyJ')
    expect(redactTokens(`said: ${split} end`)).toBe('said: *** end')
  })
})
