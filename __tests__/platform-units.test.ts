import { describe, expect, test } from '@jest/globals'
import { parseRetryAfter } from '../src/platform/retry.js'
import { cleanMessage, INTERNAL_URL, redactTokens, serverMessage } from '../src/platform/errors.js'
import { generatedName, generatedNameRun, isValidName } from '../src/platform/names.js'
import { decodeFullToken, parseCredential, tokenIdentity, tokenMasks } from '../src/platform/token.js'
import { parseCreatedAt } from '../src/platform/answers.js'

describe('names', () => {
  test.each(['test-name', 'test--name', 'test.name', 'a', '0', 'service-account-3f1c'])('accepts %s', name => {
    expect(isValidName(name)).toBe(true)
  })
  test.each([
    'test_name',
    'test/name',
    'test..name',
    'test-.name',
    'test.-name',
    '-test',
    'test-',
    '.test',
    'test.',
    'Test',
    ''
  ])('rejects %j', name => expect(isValidName(name)).toBe(false))

  test('a generated name traces the run, fits the grammar and starts with the repository prefix', () => {
    const name = generatedName(
      { repository: 'Octo-Org/My_Repo', repositoryId: '987654', runId: '123456', runAttempt: '2', job: 'Build & Test' },
      '0123456789abcdef'
    )
    expect(name).toBe('gha-my-repo-build-test-r987654-123456-2-0123456789abcdef')
    expect(isValidName(name)).toBe(true)
    // What `prune` with `name-prefix: gha-<repo>-` finds.
    expect(name.startsWith('gha-my-repo-')).toBe(true)
  })

  test('odd run values still give a valid name that its sweep finds', () => {
    const run = { repository: '__', repositoryId: 'x', runId: '', runAttempt: '', job: '--' }
    const name = generatedName(run, 'ff00ff00ff00ff00')
    expect(name).toMatch(/^gha-h[0-9a-f]{16}-0-1-ff00ff00ff00ff00$/)
    expect(isValidName(name)).toBe(true)
    expect(generatedNameRun(name, run)).toBe('0')
  })
})

describe('tokens', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1IjoiYSJ9.sig'
  test('a JWT is its own bearer', () => {
    expect(parseCredential(` ${jwt} `)).toEqual({ authToken: jwt, context: {} })
  })
  test('a full token decodes to its JWT and context', () => {
    const full = Buffer.from(
      `{"token": "${jwt}", "cluster": "c", "url": "https://x/api/v1", "project_name": "p"}`
    ).toString('base64')
    expect(full.startsWith('eyJ0b2tlbi')).toBe(true)
    expect(decodeFullToken(full)).toEqual({
      authToken: jwt,
      context: { url: 'https://x/api/v1', cluster: 'c', project: 'p', org: undefined }
    })
  })
  test('base64 JSON without a token is not a full token', () => {
    expect(decodeFullToken(Buffer.from('{"url": "x"}').toString('base64'))).toBeUndefined()
    expect(() => parseCredential(Buffer.from('[1]').toString('base64'))).toThrow(/neither/)
  })
})

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

describe('times', () => {
  test('Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-28T10:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
  test('created_at with microseconds, with and without an offset', () => {
    expect(parseCreatedAt('2026-08-21T10:20:30.123456+00:00')).toBe(Date.parse('2026-08-21T10:20:30.123Z'))
    expect(parseCreatedAt('2026-08-21T10:20:30')).toBe(Date.parse('2026-08-21T10:20:30Z'))
    expect(parseCreatedAt('2026-08-21T12:20:30+02:00')).toBe(Date.parse('2026-08-21T10:20:30Z'))
  })
})

describe('summary', () => {
  test('a long list is cut to the first rows and says how many more there are', async () => {
    const { accountsSummary, SUMMARY_ROWS } = await import('../src/summary.js')
    const accounts = Array.from({ length: SUMMARY_ROWS + 5 }, (_, i) => ({
      id: `service-account-${i}`,
      name: `n${i}`,
      role: `a/service-accounts/n${i}`,
      owner: 'a',
      default_cluster: 'c',
      default_project: 'p',
      created_at: '2026-01-01T00:00:00+00:00'
    }))
    const markdown = accountsSummary('Accounts', accounts)
    expect(markdown).toContain(`### Accounts (${SUMMARY_ROWS + 5})`)
    expect(markdown).toContain(`<code>service-account-${SUMMARY_ROWS - 1}</code>`)
    expect(markdown).not.toContain(`<code>service-account-${SUMMARY_ROWS}</code>`)
    expect(markdown).toContain('… and 5 more')
  })

  test('server values cannot inject markup or break the table', async () => {
    const { accountsSummary } = await import('../src/summary.js')
    const markdown = accountsSummary('x', [
      { id: 'i', name: 'n', role: 'r', owner: 'o', default_cluster: '<script>|', default_project: 'p', created_at: 't' }
    ])
    expect(markdown).toContain('&#60;script&#62;&#124;')
    expect(markdown).not.toContain('<script>')
  })
})

describe('what of a created token is masked', () => {
  const ID = 'service-account-0b5d2a1e-2a5c-4e3c-9b1e-3f2d9b8c7a61'
  const full = (token: string) => Buffer.from(JSON.stringify({ token, url: 'https://x' })).toString('base64')
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1IjoiYSJ9.c2lnbmF0dXJl'

  test('a full token: itself and its JWT, and it may be handed out', () => {
    expect(tokenMasks(full(jwt), ID)).toEqual({ masks: [full(jwt), jwt], whole: true })
  })

  test('a full token whose JWT holds the account id is not masked there, and is not handed out', () => {
    const inner = `eyJhbGciOiJIUzI1NiJ9.${ID}.sig`
    const { masks, whole } = tokenMasks(full(inner), ID)
    expect(whole).toBe(false)
    expect(masks).toEqual([full(inner)])
  })

  test('over 16 KiB is no full token; a malformed one gives at most 16 forms, none hiding the id', () => {
    expect(decodeFullToken(full(`${jwt}${'a'.repeat(16 * 1024)}`))).toBeUndefined()
    const pieces = [ID, 'service-account', ...Array.from({ length: 1000 }, (_, i) => `piece-${1000 + i}`)]
    const { masks, whole } = tokenMasks(pieces.join(' '), ID)
    expect(whole).toBe(false)
    expect(masks.length).toBe(16)
    expect(masks.filter(mask => mask.includes(ID) || ID.includes(mask))).toEqual([])
  })
})

describe("the caller's identity in a JWT", () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`
  test.each<[object, string | undefined]>([
    [{ 'https://platform.neuromation.io/user': 'alice' }, 'alice'],
    [{ identity: 'bob' }, 'bob'],
    [{ sub: 'alice' }, undefined],
    [{ 'https://platform.neuromation.io/user': 7 }, undefined]
  ])('%j names %j', (claims, identity) => expect(tokenIdentity(jwt(claims))).toBe(identity))
  test('an unreadable payload names no one', () => expect(tokenIdentity('a.!!!.c')).toBeUndefined())
})
