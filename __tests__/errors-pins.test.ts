// redactTokens (src/platform/errors.ts): dots in a run do not hide a token from it.
import { expect, test } from '@jest/globals'
import { redactTokens } from '../src/platform/errors.js'

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
