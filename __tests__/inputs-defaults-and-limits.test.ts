// The defaults and limits the inputs module holds as constants (README, inputs), each
// checked on a freshly loaded module so that the test runs the constants themselves.
import { describe, expect, test } from '@jest/globals'
import { makeCertificate } from './helpers/tls.js'
import { freshImport } from './helpers/fresh-import.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'

async function parser() {
  const { readInputs } = await freshImport(() => import('../src/inputs.js'))
  return (inputs: Record<string, string>) =>
    readInputs(
      name => ({ token: JWT, ...inputs })[name] ?? '',
      () => undefined
    )
}

test('without api-url or a full token, the public Apolo API is used', async () => {
  const parse = await parser()
  expect(parse({ operation: 'list' }).apiUrl).toBe('https://api.apolo.us/api/v1')
})

describe('durations', () => {
  const prune = { operation: 'prune', 'name-prefix': 'gha-' }

  test('each unit: s, m, h, d and w', async () => {
    const parse = await parser()
    const ms = (value: string) => parse({ ...prune, 'older-than': value })
    expect(ms('90s')).toMatchObject({ olderThanMs: 90_000 })
    expect(ms('30m')).toMatchObject({ olderThanMs: 1_800_000 })
    expect(ms('6h')).toMatchObject({ olderThanMs: 21_600_000 })
    expect(ms('7d')).toMatchObject({ olderThanMs: 604_800_000 })
    expect(ms('2w')).toMatchObject({ olderThanMs: 1_209_600_000 })
  })

  test('prune goes no lower than 1m, and the error says so', async () => {
    const parse = await parser()
    expect(parse({ ...prune, 'older-than': '60s' })).toMatchObject({ olderThanMs: 60_000 })
    expect(() => parse({ ...prune, 'older-than': '59s' })).toThrow(
      'Input "older-than" must be a duration of at least 1m'
    )
  })

  test("create's sweep goes no lower than 6h, and the error says so", async () => {
    const parse = await parser()
    expect(parse({ 'sweep-older-than': '360m' })).toMatchObject({ sweepOlderThanMs: 21_600_000 })
    expect(() => parse({ 'sweep-older-than': '359m' })).toThrow(
      'Input "sweep-older-than" must be a duration of at least 6h'
    )
  })

  test('a too-short older-than is refused with examples it allows: 30m, 6h, 12h', async () => {
    const parse = await parser()
    expect(() => parse({ ...prune, 'older-than': '10s' })).toThrow(
      new Error(
        'Input "older-than" must be a duration of at least 1m, as a whole number and a unit s, m, h, d or w (e.g. 30m, 6h, 12h); got "10s"'
      )
    )
  })

  test('a too-short sweep-older-than is refused with examples it allows: 6h, 12h, 7d', async () => {
    const parse = await parser()
    expect(() => parse({ 'sweep-older-than': '30m' })).toThrow(
      new Error(
        'Input "sweep-older-than" must be a duration of at least 6h, as a whole number and a unit s, m, h, d or w (e.g. 6h, 12h, 7d); got "30m"'
      )
    )
  })
})

test.each([
  ['True', true],
  ['TRUE', true],
  ['False', false],
  ['FALSE', false]
])('a boolean input reads YAML 1.2 spelling %s as %s', async (spelling, flag) => {
  const parse = await parser()
  expect(parse({ cleanup: spelling })).toMatchObject({ cleanup: flag })
})

describe('ca-certificate', () => {
  test('PEM certificate blocks are found by their markers, and nothing else may stand around them', async () => {
    const pem = (await makeCertificate({ dns: ['api.test'] })).cert.trim()
    const parse = await parser()
    const caOf = (text: string) => parse({ operation: 'list', 'ca-certificate': text }).caCertificates
    expect(caOf(pem)).toEqual([pem])
    expect(() => caOf(`note\n${pem}`)).toThrow('Input "ca-certificate" must be PEM text')
  })
})
