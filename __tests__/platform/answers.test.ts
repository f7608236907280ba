// Times in the platform's answers (src/platform/answers.ts).
import { describe, expect, test } from '@jest/globals'
import { parseCreatedAt } from '../../src/platform/answers.js'

describe('times', () => {
  test('created_at with microseconds, with and without an offset', () => {
    expect(parseCreatedAt('2026-08-21T10:20:30.123456+00:00')).toBe(Date.parse('2026-08-21T10:20:30.123Z'))
    expect(parseCreatedAt('2026-08-21T10:20:30')).toBe(Date.parse('2026-08-21T10:20:30Z'))
    expect(parseCreatedAt('2026-08-21T12:20:30+02:00')).toBe(Date.parse('2026-08-21T10:20:30Z'))
  })

  test('a time with text after its offset is read as UTC and so is no time at all', () => {
    // "-0500" in the middle is not the time's offset: "Z" is added, and the result is unreadable.
    expect(parseCreatedAt('2024/01/01 10:00 -0500 PM')).toBeNaN()
    expect(parseCreatedAt('2024-01-01T10:00:00-05:00')).toBe(Date.parse('2024-01-01T15:00:00Z'))
  })
})
