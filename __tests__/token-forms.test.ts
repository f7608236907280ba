// Credentials in their two forms (src/platform/token.ts), and every form of one that is
// masked (README, "Practice": as sent, trimmed, each line of it, its JWT).
import { expect, test } from '@jest/globals'
import { decodeFullToken, parseCredential, tokenMasks } from '../src/platform/token.js'

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
