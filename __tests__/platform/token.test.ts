// The two forms of credential, what of a created token is masked, and the identity a JWT names
// (src/platform/token.ts).
import { describe, expect, test } from '@jest/globals'
import { decodeFullToken, parseCredential, tokenIdentity, tokenMasks } from '../../src/platform/token.js'

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
