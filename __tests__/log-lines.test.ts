// What a log line from any text must be (README, "Threat model"): one line the runner cannot
// read as a command. The property test in text-safety.test.ts tries random texts; these pin
// each rule with the text it exists for.
import { expect, test } from '@jest/globals'
import { safeText } from '../src/runner.js'

test('a :: after leading spaces is broken, as the runner trims a line before reading a command', () => {
  expect(safeText('   ::set-output name=token::stolen')).toBe('   %3A:set-output name=token::stolen')
  expect(safeText(' \u00a0::error::spoofed', true)).toBe(' \u00a0%3A:error::spoofed')
  expect(safeText('::debug::x')).toBe('%3A:debug::x')
})

test('a :: later in the line is left as it is', () => {
  expect(safeText('a::b')).toBe('a::b')
})

test('every ##[ in a text is broken, not only the first', () => {
  expect(safeText('x ##[set-output name=a;]1 and ##[set-output name=b;]2 ##[')).toBe(
    'x ##%5Bset-output name=a;]1 and ##%5Bset-output name=b;]2 ##%5B'
  )
})

test('line breaks and other control characters are escaped, so the text stays one line', () => {
  expect(safeText('a\r\nb\u0000c\u2028d')).toBe('a%0D%0Ab%00c%2028d')
})

test("a command's value keeps %, CR and LF for @actions/core to escape, and escapes every other control", () => {
  expect(safeText('100% sure\r\n\u0000\u2028', true)).toBe('100% sure\r\n%00%2028')
})
