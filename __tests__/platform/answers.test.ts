// Times in the platform's answers (src/platform/answers.ts).
import { describe, expect, test } from '@jest/globals'
import { parseCreatedAt } from '../../src/platform/answers.js'

describe('times', () => {
  test('created_at with microseconds, with and without an offset', () => {
    expect(parseCreatedAt('2026-08-21T10:20:30.123456+00:00')).toBe(Date.parse('2026-08-21T10:20:30.123Z'))
    expect(parseCreatedAt('2026-08-21T10:20:30')).toBe(Date.parse('2026-08-21T10:20:30Z'))
    expect(parseCreatedAt('2026-08-21T12:20:30+02:00')).toBe(Date.parse('2026-08-21T10:20:30Z'))
  })
})
