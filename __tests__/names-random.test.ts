// The random part of a generated name is 64 random bits: 16 hex digits, each of them random.
// Fewer bits padded out to 16 digits (32 bits and eight fixed zeros, say) would still look
// unique over a thousand names; counting the digits at each position shows them.
import { expect, test } from '@jest/globals'
import { freshImport } from './helpers/fresh-import.js'

const SAMPLES = 1024
const HEX = '0123456789abcdef'

test('each of the 16 hex digits is uniformly random: every digit shows at every position, none dominates', async () => {
  const { randomNamePart } = await freshImport(() => import('../src/platform/names.js'))
  const parts = Array.from({ length: SAMPLES }, () => randomNamePart())
  for (const part of parts) expect(part).toMatch(/^[0-9a-f]{16}$/)
  // counts[position][digit]. Each count is binomial(1024, 1/16): 64 on average, 7.7 the
  // standard deviation, so outside 16..128 (6 and 8 deviations) by chance less than once in
  // a million runs of this test.
  const counts = Array.from({ length: 16 }, () => new Array<number>(16).fill(0))
  for (const part of parts) [...part].forEach((digit, position) => counts[position][HEX.indexOf(digit)]++)
  const outliers = counts.flatMap((row, position) =>
    row.flatMap((count, digit) => (count < 16 || count > 128 ? [{ position, digit: HEX[digit], count }] : []))
  )
  expect(outliers).toEqual([])
})

test('the leading digits are as random as the rest: no fixed zeros in front', async () => {
  const { randomNamePart } = await freshImport(() => import('../src/platform/names.js'))
  // With 64 random bits, eight leading zeros come once in 2^32 parts.
  const padded = Array.from({ length: SAMPLES }, () => randomNamePart()).filter(part => part.startsWith('00000000'))
  expect(padded).toEqual([])
})
