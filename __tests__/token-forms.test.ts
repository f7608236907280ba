// Credentials in their two forms (src/platform/token.ts), and every form of one that is
// masked (SECURITY.md, "Practice": as sent, trimmed, each line of it, its JWT).
import { beforeEach, describe, expect, jest, test } from '@jest/globals'
import type * as Token from '../src/platform/token.js'

// token.ts is loaded afresh for each test: its JWT pattern, size limit and identity claims
// are module-level constants, and Stryker (ignoreStatic) counts a test as reaching them only
// if the module loads during it. The import names the file literally, so that jest counts
// this file as related to it.
let token: typeof Token
beforeEach(async () => {
  jest.resetModules()
  token = await import('../src/platform/token.js')
})
const decodeFullToken: typeof Token.decodeFullToken = value => token.decodeFullToken(value)
const parseCredential: typeof Token.parseCredential = value => token.parseCredential(value)
const tokenMasks: typeof Token.tokenMasks = (raw, visible) => token.tokenMasks(raw, visible)

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'
const ID = 'service-account-1'
const masks = (raw: string) => tokenMasks(raw, ID).masks
const full = (fields: object) => Buffer.from(JSON.stringify({ token: JWT, ...fields })).toString('base64')

test('every form of a malformed token is masked: as sent, trimmed, without whitespace, its JWT, each piece', () => {
  const token = full({ url: 'http://x' })
  const sent = ` ${token.slice(0, 20)}\n${token.slice(20)} `
  expect(new Set(masks(sent))).toEqual(new Set([sent, sent.trim(), token, token.slice(0, 20), token.slice(20), JWT]))
})

test('a JWT inside with spaces around it is masked trimmed', () => {
  const token = Buffer.from(JSON.stringify({ token: ` ${JWT} ` })).toString('base64')
  expect(masks(token)).toEqual(expect.arrayContaining([JWT]))
})

test('a malformed token gives at most 16 forms: each is matched against every later line of the job', () => {
  const pieces = Array.from({ length: 40 }, (_, i) => `piece-${100 + i}`)
  expect(masks(pieces.join(' '))).toEqual([pieces.join(' '), pieces.join(''), ...pieces.slice(0, 14)])
})

test('pieces under 8 characters are not masked: they would hide ordinary words', () => {
  expect(masks('abcdefgh abc 1234567')).toEqual(['abcdefgh abc 1234567', 'abcdefghabc1234567', 'abcdefgh'])
  expect(masks('')).toEqual([])
})

test("a full token's context: URL, cluster, project and org, an empty one left out", () => {
  expect(decodeFullToken(full({ url: 'http://x', cluster: 'c', project_name: 'p', org_name: '' }))).toEqual({
    authToken: JWT,
    context: { url: 'http://x', cluster: 'c', project: 'p', org: undefined }
  })
  expect(decodeFullToken(full({ cluster: 3 }))?.context.cluster).toBeUndefined()
})

test('what is not a full token: not base64, not JSON, no JWT inside', () => {
  expect(decodeFullToken(`${full({})}!`)).toBeUndefined()
  expect(decodeFullToken(Buffer.from('not json').toString('base64'))).toBeUndefined()
  expect(decodeFullToken(Buffer.from('null').toString('base64'))).toBeUndefined()
  expect(decodeFullToken(full({ token: 'not a jwt' }))).toBeUndefined()
  expect(decodeFullToken(full({ token: 7 }))).toBeUndefined()
})

test('a credential in either form; the error never holds the value', () => {
  expect(parseCredential(`\n${JWT}\n`)).toEqual({ authToken: JWT, context: {} })
  const token = full({ cluster: 'c' })
  expect(parseCredential(` ${token} `)).toEqual({ authToken: JWT, fullToken: token, context: { cluster: 'c' } })
  expect(parseCredential('a.b.')).toEqual({ authToken: 'a.b.', context: {} })
  let message = ''
  try {
    parseCredential('secret-but-no-token')
  } catch (error) {
    message = (error as Error).message
  }
  expect(message).toMatch(/^is neither an auth token/)
  expect(message).not.toContain('secret')
})

describe('the auth JWT', () => {
  test.each(['a.b.c', 'a.b.', 'A-_.b_-.s-_', JWT])('%j is taken as an auth token', value =>
    expect(parseCredential(value)).toEqual({ authToken: value, context: {} })
  )

  test.each(['a.b', 'a.b.c.d', '.b.c', 'a..c', 'x a.b.c', 'a.b.c d', 'a.b!.c', `!${JWT}`, `${JWT}!`])(
    '%j is neither form',
    value => expect(() => parseCredential(value)).toThrow(/^is neither an auth token/)
  )
})

describe('the size of a full token', () => {
  /** A full token of exactly `length` characters (a multiple of 4). */
  const fullOfLength = (length: number) => {
    const bare = JSON.stringify({ token: JWT, pad: '' }).length
    const bytes = (length / 4) * 3
    const value = Buffer.from(JSON.stringify({ token: JWT, pad: 'p'.repeat(bytes - bare) })).toString('base64')
    expect(value.length).toBe(length)
    return value
  }

  test('up to 16 KiB a full token is read and masked whole; longer it is neither', () => {
    const fits = fullOfLength(16 * 1024)
    expect(decodeFullToken(fits)?.authToken).toBe(JWT)
    expect(parseCredential(fits).fullToken).toBe(fits)
    expect(tokenMasks(fits, ID)).toEqual({ masks: [fits, JWT], whole: true })
    const over = fullOfLength(16 * 1024 + 4)
    expect(decodeFullToken(over)).toBeUndefined()
    expect(() => parseCredential(over)).toThrow(/^is neither/)
  })

  test('a full token with anything before it is not one', () => {
    for (const before of ['!', '.', ' ', '*']) expect(decodeFullToken(`${before}${full({})}`)).toBeUndefined()
  })

  test('a malformed token: forms of up to 16 KiB are masked, longer ones are not', () => {
    expect(masks('a'.repeat(16 * 1024))).toEqual(['a'.repeat(16 * 1024)])
    expect(masks('a'.repeat(16 * 1024 + 1))).toEqual([])
  })

  test('the JWT inside a malformed token is masked while the token is within 16 KiB, and not looked for past it', () => {
    // Whitespace inside makes it malformed; without it, it is a full token of the given size.
    const broken = (length: number) => {
      const value = fullOfLength(length)
      return `${value.slice(0, 100)} ${value.slice(100)}`
    }
    expect(masks(broken(16 * 1024))).toContain(JWT)
    expect(masks(broken(16 * 1024 + 4))).not.toContain(JWT)
  })

  test('a text over 32 KiB is no token as a whole: only its pieces are masked', () => {
    const spaced = (length: number) => `${'x'.repeat(8000)}${' '.repeat(length - 16000)}${'y'.repeat(8000)}`
    expect(masks(spaced(32 * 1024))).toEqual([
      `${'x'.repeat(8000)}${'y'.repeat(8000)}`,
      'x'.repeat(8000),
      'y'.repeat(8000)
    ])
    expect(masks(spaced(32 * 1024 + 1))).toEqual(['x'.repeat(8000), 'y'.repeat(8000)])
  })

  test('base64 of JSON null, or of JSON without a token, is masked as it is', () => {
    for (const json of ['null', '"a string"', '[1, 2, 3]']) {
      const value = Buffer.from(json).toString('base64')
      expect(masks(value)).toEqual([value])
    }
  })
})

describe("the caller's identity in a JWT", () => {
  const jwt = (claims: unknown) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

  test("the platform claim names the caller, else the SDK's identity claim", () => {
    expect(token.tokenIdentity(jwt({ 'https://platform.neuromation.io/user': 'alice', identity: 'bob' }))).toBe('alice')
    expect(token.tokenIdentity(jwt({ identity: 'bob' }))).toBe('bob')
    expect(token.tokenIdentity(jwt({ 'https://platform.neuromation.io/user': '', identity: 'bob' }))).toBe('bob')
    expect(token.tokenIdentity(jwt({ '': 'carol', sub: 'carol' }))).toBeUndefined()
  })

  test('no payload, or one that is not JSON of an object, names no one', () => {
    for (const value of ['no-dots', 'a..c', `e30.${Buffer.from('null').toString('base64url')}.s`, jwt('alice')])
      expect([value, token.tokenIdentity(value)]).toEqual([value, undefined])
  })

  test('a payload is read up to 64 KiB', () => {
    /** A JWT whose payload is exactly `length` characters of base64url (a multiple of 4). */
    const jwtWithPayload = (length: number) => {
      const bare = JSON.stringify({ identity: 'alice', pad: '' }).length
      const value = jwt({ identity: 'alice', pad: 'p'.repeat((length / 4) * 3 - bare) })
      expect(value.split('.')[1]?.length).toBe(length)
      return value
    }
    expect(token.tokenIdentity(jwtWithPayload(64 * 1024))).toBe('alice')
    expect(token.tokenIdentity(jwtWithPayload(64 * 1024 + 4))).toBeUndefined()
  })
})
