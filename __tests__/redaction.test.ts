// What redaction promises (README, Security): anything token-like is cut out of a text
// before it reaches the log, an error or the summary.
import { describe, expect, test } from '@jest/globals'
import { redactTokens } from '../src/platform/errors.js'

const base64 = (value: string) => Buffer.from(value).toString('base64')
/** Full tokens whose base64 does not begin with `eyJ`: only decoding finds them. */
const FULL_TOKENS = [
  base64('{ "token": "secret-value", "cluster": "default" }'),
  base64(JSON.stringify({ token: 'secret-value', url: 'http://x/api/v1' }, null, 2)),
  base64('{ "url" : "http://x", "token" : "secret-value"}').replace(/=+$/, '')
]

describe('redaction', () => {
  test('a token-like run is redacted from 8 characters on', () => {
    expect(redactTokens('jwt eyJhbGci here')).toBe('jwt *** here')
    expect(redactTokens('short eyJhbGc stays')).toBe('short eyJhbGc stays')
  })

  test('a full token is redacted at every base64 alignment of the text it is glued to', () => {
    for (const token of FULL_TOKENS) {
      expect(token.startsWith('eyJ')).toBe(false)
      for (const glued of ['', 'a', 'ab', 'abc', 'abcd', 'x.y', 'ab-_'])
        expect(redactTokens(`before ${glued}${token} after`)).toBe('before *** after')
    }
  })

  test('a full token after text with "=" such as token= is redacted', () => {
    for (const token of FULL_TOKENS) {
      expect(redactTokens(`token=${token}`)).toBe('token=***')
      expect(redactTokens(`auth=abc==${token}&next=1`)).toBe('auth=abc==***&next=1')
    }
  })

  test('text that only looks like base64 is left as it is', () => {
    const text = 'service-account-2f0c1b8e name=gha-ci-1234 storage://default/org/project/data'
    expect(redactTokens(text)).toBe(text)
  })
})
