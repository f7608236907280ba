// Input rules whose wording is fixed by module-level constants. Each test loads src/inputs.ts
// anew (fresh-import.ts), so that the constants are loaded while a test runs.
import { expect, test } from '@jest/globals'
import { freshImport } from './helpers/fresh-import.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'

/** The inputs as read by a fresh src/inputs.ts, and that module's InputError. */
async function parse(inputs: Record<string, string>) {
  const { readInputs, InputError } = await freshImport(() => import('../src/inputs.js'))
  const given: Record<string, string> = { token: JWT, 'api-url': 'http://127.0.0.1:1/api/v1', ...inputs }
  const read = () =>
    readInputs(
      name => given[name] ?? '',
      () => undefined
    )
  return { read, InputError }
}

async function refusal(inputs: Record<string, string>): Promise<string> {
  const { read, InputError } = await parse(inputs)
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

test('a too-short older-than is refused with examples it allows: 30m, 6h, 12h', async () => {
  expect(await refusal({ operation: 'prune', 'name-prefix': 'gha-', 'older-than': '10s' })).toBe(
    'Input "older-than" must be a duration of at least 1m, as a whole number and a unit s, m, h, d or w (e.g. 30m, 6h, 12h); got "10s"'
  )
})

test('a too-short sweep-older-than is refused with examples it allows: 6h, 12h, 7d', async () => {
  expect(await refusal({ 'sweep-older-than': '30m' })).toBe(
    'Input "sweep-older-than" must be a duration of at least 6h, as a whole number and a unit s, m, h, d or w (e.g. 6h, 12h, 7d); got "30m"'
  )
})

test.each([
  ['True', true],
  ['TRUE', true],
  ['False', false],
  ['FALSE', false]
])('a boolean input reads YAML 1.2 spelling %s as %s', async (spelling, flag) => {
  expect((await parse({ cleanup: spelling })).read()).toMatchObject({ cleanup: flag })
})
