// created_at (src/platform/answers.ts): only an offset at the end of the text counts as one.
import { expect, test } from '@jest/globals'
import { parseCreatedAt } from '../src/platform/answers.js'

test('a time with text after its offset is read as UTC and so is no time at all', () => {
  // "-0500" in the middle is not the time's offset: "Z" is added, and the result is unreadable.
  expect(parseCreatedAt('2024/01/01 10:00 -0500 PM')).toBeNaN()
  expect(parseCreatedAt('2024-01-01T10:00:00-05:00')).toBe(Date.parse('2024-01-01T15:00:00Z'))
})
