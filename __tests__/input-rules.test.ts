// Each input's rule (README, inputs), one test each, with the error that names the input.
import { describe, expect, test } from '@jest/globals'
import { InputError, readInputs, type Inputs } from '../src/inputs.js'
import { readInput } from '../src/runner.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
// Each value trimmed, as the runner reads an input (parseFromRunner below shows it does).
const parse = (inputs: Record<string, string>): Inputs =>
  readInputs(
    name => (({ token: JWT, 'api-url': 'http://127.0.0.1:1/api/v1', ...inputs })[name] ?? '').trim(),
    () => undefined
  )
function refusal(inputs: Record<string, string>): string {
  try {
    parse(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

/** The inputs as the runner hands them over: through the environment, read by runner.readInput. */
function parseFromRunner(inputs: Record<string, string>): Inputs {
  const given = { token: JWT, 'api-url': 'http://127.0.0.1:1/api/v1', ...inputs }
  const variable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
  for (const [name, value] of Object.entries(given)) process.env[variable(name)] = value
  try {
    return readInputs(readInput, () => undefined)
  } finally {
    for (const name of Object.keys(given)) delete process.env[variable(name)]
  }
}

test('whitespace around any value is no part of it', () => {
  const padded = (value: string) => ` ${value} \n`
  expect(parseFromRunner({ cluster: padded('c'), project: padded('p'), org: padded('o') })).toMatchObject({
    cluster: 'c',
    project: 'p',
    org: 'o'
  })
  expect(parseFromRunner({ operation: padded('list') })).toMatchObject({ operation: 'list' })
  expect(parseFromRunner({ cleanup: padded('false'), 'max-attempts': padded('10') })).toMatchObject({
    cleanup: false,
    maxAttempts: 10
  })
  expect(parseFromRunner({ 'sweep-older-than': padded('1d') })).toMatchObject({ sweepOlderThanMs: 86_400_000 })
  expect(parseFromRunner({ operation: 'prune', 'name-prefix': 'gha-', 'older-than': padded('2h') })).toMatchObject({
    olderThanMs: 7_200_000
  })
})

test('a value of only whitespace is as if unset', () => {
  expect(parseFromRunner({ 'sweep-older-than': ' \n', 'ca-certificate': ' \n', 'api-url': ' ' })).toMatchObject({
    sweepOlderThanMs: 0,
    caCertificates: [],
    apiUrl: 'https://api.apolo.us/api/v1'
  })
})

describe('create', () => {
  test('name: the platform grammar, or empty for a generated one', () => {
    expect(parse({ name: ' ci-build.42 ' })).toMatchObject({ name: 'ci-build.42' })
    for (const name of ['Bad', '-x', 'x-', 'a..b', 'a_b'])
      expect(refusal({ name })).toMatch(/^Input "name" must be lowercase letters/)
  })

  test('cluster, project and org: printable ASCII without spaces', () => {
    expect(parse({ cluster: 'c', project: 'p', org: 'o' })).toMatchObject({ cluster: 'c', project: 'p', org: 'o' })
    expect(refusal({ project: 'my project' })).toMatch(/^Input "project" must be printable ASCII/)
    expect(refusal({ org: 'x\u00e9' })).toMatch(/^Input "org" must be printable ASCII/)
    // A long bad value is quoted only in part.
    const quoted = refusal({ cluster: `${'x'.repeat(100)} ${'y'.repeat(1_000)}` }).split('got ')[1]
    expect(quoted).toBe(JSON.stringify('x'.repeat(100)))
  })

  test('permissions: an error names the input and the line', () => {
    expect(refusal({ permissions: 'storage://x' })).toMatch(/^Input "permissions" line 1 /)
  })

  test('output-token may be false only with export-env true', () => {
    expect(refusal({ 'output-token': 'false' })).toMatch(/^Input "output-token" can be "false" only with export-env/)
    expect(parse({ 'output-token': 'false', 'export-env': 'true' })).toMatchObject({
      outputToken: false,
      exportEnv: true
    })
  })

  test('booleans are "true" or "false"', () => {
    expect(refusal({ cleanup: 'yes' })).toBe('Input "cleanup" must be "true" or "false"; got "yes"')
    expect(parse({ cleanup: 'false' })).toMatchObject({ cleanup: false })
  })

  test('verify-seconds: 0 to 600', () => {
    expect(parse({ 'verify-seconds': '0' })).toMatchObject({ verifySeconds: 0 })
    expect(parse({ 'verify-seconds': '600' })).toMatchObject({ verifySeconds: 600 })
    expect(refusal({ 'verify-seconds': '601' })).toBe(
      'Input "verify-seconds" must be a whole number from 0 to 600; got "601"'
    )
  })

  test('sweep-older-than: empty is off; else at least 6h', () => {
    expect(parse({})).toMatchObject({ sweepOlderThanMs: 0 })
    expect(parse({ 'sweep-older-than': '6h' })).toMatchObject({ sweepOlderThanMs: 6 * 3_600_000 })
    expect(parse({ 'sweep-older-than': '1d' })).toMatchObject({ sweepOlderThanMs: 86_400_000 })
    expect(refusal({ 'sweep-older-than': '359m' })).toMatch(
      /^Input "sweep-older-than" must be a duration of at least 6h/
    )
  })
})

describe('prune', () => {
  const prune = (inputs: Record<string, string>) => ({ operation: 'prune', 'name-prefix': 'gha-', ...inputs })

  test('name-prefix is required and must start a valid name', () => {
    expect(refusal(prune({ 'name-prefix': ' ' }))).toMatch(/^Input "name-prefix" is required for operation "prune"/)
    for (const namePrefix of ['Gha-', 'gha-My-Repo-', 'gha_'])
      expect(refusal(prune({ 'name-prefix': namePrefix }))).toMatch(
        /^Input "name-prefix" must be the start of a valid name/
      )
    expect(parse(prune({ 'name-prefix': 'gha.x-' }))).toMatchObject({ namePrefix: 'gha.x-' })
  })

  test('older-than: 24h by default, at least 1m, in s, m, h, d or w', () => {
    expect(parse(prune({}))).toMatchObject({ olderThanMs: 24 * 3_600_000, dryRun: false })
    expect(parse(prune({ 'older-than': '1m' }))).toMatchObject({ olderThanMs: 60_000 })
    expect(parse(prune({ 'older-than': '2w' }))).toMatchObject({ olderThanMs: 2 * 604_800_000 })
    expect(parse(prune({ 'older-than': '120s' }))).toMatchObject({ olderThanMs: 120_000 })
    for (const value of ['59s', '1.5h', '1 h', 'h', '3y', '30min', '2hours', '1d2h'])
      expect(refusal(prune({ 'older-than': value }))).toMatch(/^Input "older-than" must be a duration of at least 1m/)
  })
})

describe('get and rm', () => {
  test('need the id or name', () => {
    expect(refusal({ operation: 'rm' })).toMatch(/^Input "name" is required for operation "rm"/)
    expect(parse({ operation: 'get', name: 'ci' })).toMatchObject({ operation: 'get', name: 'ci' })
  })
})

describe('the connection', () => {
  test('timeout-seconds 1 to 600 and max-attempts 1 to 10', () => {
    expect(parse({ 'timeout-seconds': '1', 'max-attempts': '10' })).toMatchObject({ timeoutMs: 1_000, maxAttempts: 10 })
    expect(refusal({ 'timeout-seconds': '0' })).toMatch(/^Input "timeout-seconds" must be a whole number from 1 to 600/)
    expect(refusal({ 'max-attempts': '11' })).toMatch(/^Input "max-attempts" must be a whole number from 1 to 10/)
    expect(refusal({ 'max-attempts': '2.5' })).toMatch(/^Input "max-attempts"/)
  })

  test('api-url: https, or http on loopback; no credentials, query or fragment', () => {
    expect(parse({ 'api-url': 'https://api.example.com/api/v1/' })).toMatchObject({
      apiUrl: 'https://api.example.com/api/v1'
    })
    expect(parse({ 'api-url': 'http://localhost:8080/api/v1' })).toMatchObject({
      apiUrl: 'http://localhost:8080/api/v1'
    })
    expect(refusal({ 'api-url': 'http://api.example.com' })).toMatch(/^Input "api-url" must use https/)
    expect(refusal({ 'api-url': 'ftp://api.example.com' })).toMatch(/^Input "api-url" must be an https URL/)
    for (const url of ['https://u:p@api.example.com', 'https://u@api.example.com', 'https://:p@api.example.com'])
      expect(refusal({ 'api-url': url })).toBe('Input "api-url" must not carry a user name or password')
    expect(refusal({ 'api-url': 'https://api.example.com/?x=1' })).toBe(
      'Input "api-url" must not have a query or fragment'
    )
    expect(refusal({ 'api-url': 'https://api.example.com/#x' })).toBe(
      'Input "api-url" must not have a query or fragment'
    )
    expect(refusal({ 'api-url': 'api.example.com' })).toMatch(/^Input "api-url" must be an absolute URL/)
  })

  test('a token is required', () => {
    expect(() =>
      readInputs(
        () => '',
        () => undefined
      )
    ).toThrow('Input "token" is required')
  })
})
