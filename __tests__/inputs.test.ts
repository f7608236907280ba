import { beforeAll, describe, expect, test } from '@jest/globals'
import { DEFAULT_API_URL, InputError, readInputs, type Inputs } from '../src/inputs.js'
import { makeCertificate } from './helpers/tls.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
const fullToken = (fields: Record<string, string>) =>
  Buffer.from(JSON.stringify({ token: JWT, ...fields })).toString('base64')

function read(inputs: Record<string, string>) {
  const masked: string[] = []
  const parse = () =>
    readInputs(
      // Trimmed, as the runner reads an input.
      name => (inputs[name] ?? '').trim(),
      secret => masked.push(secret)
    )
  return { parse, masked }
}

/** The inputs of one operation, or a test failure if another was read. */
function as<O extends Inputs['operation']>(operation: O, inputs: Inputs): Extract<Inputs, { operation: O }> {
  expect(inputs.operation).toBe(operation)
  return inputs as Extract<Inputs, { operation: O }>
}

function errorOf(inputs: Record<string, string>): InputError {
  try {
    read(inputs).parse()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

describe('readInputs', () => {
  test('defaults: create, the public API URL, cleanup on, 30 s, 5 attempts', () => {
    const { parse, masked } = read({ token: JWT })
    const inputs = as('create', parse())
    expect(inputs.apiUrl).toBe(DEFAULT_API_URL)
    expect(inputs.cleanup).toBe(true)
    expect(inputs.timeoutMs).toBe(30_000)
    expect(inputs.maxAttempts).toBe(5)
    expect(inputs.credential.authToken).toBe(JWT)
    expect(masked).toEqual([JWT, JWT])
  })

  test('a full token gives its JWT as the bearer, its URL and its context, and both forms are masked', () => {
    const token = fullToken({
      url: 'https://api.dev.apolo.us/api/v1/',
      cluster: 'c1',
      project_name: 'p1',
      org_name: 'o1'
    })
    const { parse, masked } = read({ token })
    const inputs = parse()
    expect(inputs.credential.authToken).toBe(JWT)
    expect(inputs.apiUrl).toBe('https://api.dev.apolo.us/api/v1')
    expect(inputs.credential.context).toEqual({
      url: 'https://api.dev.apolo.us/api/v1/',
      cluster: 'c1',
      project: 'p1',
      org: 'o1'
    })
    expect(masked).toEqual([token, JWT])
  })

  test('api-url wins over the full token URL and loses its trailing slash', () => {
    const token = fullToken({ url: 'https://a.example/api/v1' })
    expect(read({ token, 'api-url': 'https://b.example/api/v1///' }).parse().apiUrl).toBe('https://b.example/api/v1')
  })

  test.each([
    [{ token: JWT, operation: 'delete' }, 'operation', 'must be one of create, list, get, rm'],
    [{ token: '' }, 'token', 'is required'],
    [{ token: 'not-a-token' }, 'token', 'neither an auth token'],
    [{ token: JWT, operation: 'get' }, 'name', 'is required for operation "get"'],
    [{ token: JWT, operation: 'rm' }, 'name', 'is required for operation "rm"'],
    [{ token: JWT, name: 'Bad_Name' }, 'name', 'must be lowercase letters'],
    [{ token: JWT, cleanup: 'yes' }, 'cleanup', 'must be "true" or "false"'],
    [{ token: JWT, 'timeout-seconds': '0' }, 'timeout-seconds', 'whole number from 1 to 600'],
    [{ token: JWT, 'max-attempts': '2.5' }, 'max-attempts', 'whole number from 1 to 10'],
    [{ token: JWT, 'api-url': 'api.apolo.us' }, 'api-url', 'must be an absolute URL'],
    [
      { token: JWT, 'api-url': 'http://api.apolo.us/api/v1' },
      'api-url',
      'plain http is allowed only for a loopback host'
    ],
    [{ token: JWT, 'api-url': 'ftp://api.apolo.us/' }, 'api-url', 'must be an https URL'],
    [{ token: JWT, 'api-url': 'https://u:p@api.apolo.us/' }, 'api-url', 'must not carry a user name']
  ])('%j fails on input %s', (inputs, input, message) => {
    const error = errorOf(inputs)
    expect(error.input).toBe(input)
    expect(error.message).toContain(`Input "${input}"`)
    expect(error.message).toContain(message)
  })

  test('an unusable token is not repeated in the error', () => {
    const error = errorOf({ token: 'secret-looking-value' })
    expect(error.message).not.toContain('secret-looking-value')
  })

  test('a token put into the wrong input is not repeated in the error', () => {
    for (const input of ['name', 'api-url', 'cleanup']) {
      const error = errorOf({ token: JWT, [input]: JWT })
      expect(error.input).toBe(input)
      expect(error.message).not.toContain(JWT)
    }
  })

  test('http is fine for loopback', () => {
    for (const url of ['http://127.0.0.1:8080/api/v1', 'http://localhost/api/v1', 'http://[::1]:1/api/v1']) {
      expect(read({ token: JWT, 'api-url': url }).parse().apiUrl).toBe(url)
    }
  })

  test('older-than: a whole number and a unit', () => {
    const prune = { token: JWT, operation: 'prune', 'name-prefix': 'gha-' }
    const ms = (value: string) => as('prune', read({ ...prune, 'older-than': value }).parse()).olderThanMs
    expect(ms('90s')).toBe(90_000)
    expect(ms('30m')).toBe(1_800_000)
    expect(ms('6h')).toBe(21_600_000)
    expect(ms('7d')).toBe(604_800_000)
    expect(ms('2w')).toBe(1_209_600_000)
    expect(as('prune', read(prune).parse()).olderThanMs).toBe(86_400_000)
  })

  test.each(['cluster', 'project', 'org'])('%s must be printable ASCII without spaces, before any request', input => {
    for (const value of ['a b', 'org\n::save-state name=config-dir::/tmp', 'x\u0000', 'caf\u00e9', 'tab\there']) {
      const error = errorOf({ token: JWT, [input]: value })
      expect(error.input).toBe(input)
      expect(error.message).toContain('printable ASCII')
      expect(error.message).not.toContain('\n')
    }
    expect(as('create', read({ token: JWT, [input]: 'my-org_1.x' }).parse())[input as 'org']).toBe('my-org_1.x')
  })

  test('an input of another operation cannot fail this one', () => {
    const create = read({ token: JWT, 'older-than': 'soon', 'dry-run': 'maybe', 'name-prefix': 'Bad Prefix' }).parse()
    expect(create.operation).toBe('create')
    const list = read({ token: JWT, operation: 'list', cleanup: 'maybe', cluster: 'a b', name: 'Bad_Name' }).parse()
    expect(list.operation).toBe('list')
  })

  test('the token is masked even when the operation is bad', () => {
    const { parse, masked } = read({ token: JWT, operation: 'nope' })
    expect(parse).toThrow('Input "operation"')
    expect(masked).toContain(JWT)
  })

  test('a token pasted with a line break is masked as the token itself, which is what a log would show', () => {
    const { parse, masked } = read({ token: `\n${JWT}\n` })
    expect(parse().credential.authToken).toBe(JWT)
    expect(masked).toEqual([JWT, JWT])
  })

  test('the token is masked before any other input is checked', () => {
    const { parse, masked } = read({ token: JWT, cleanup: 'maybe' })
    expect(parse).toThrow(InputError)
    expect(masked).toContain(JWT)
  })
})

describe('ca-certificate', () => {
  let pem: string
  beforeAll(async () => {
    pem = (await makeCertificate({ dns: ['api.test'] })).cert
  })
  const caOf = (text: string) => read({ token: JWT, operation: 'list', 'ca-certificate': text }).parse().caCertificates

  test('one or more PEM certificates, each kept on its own, in order', async () => {
    const other = (await makeCertificate({ dns: ['other.test'] })).cert
    expect(caOf(pem)).toEqual([pem.trim()])
    expect(caOf(`${pem}\n\n${other}`)).toEqual([pem.trim(), other.trim()])
  })

  test('none given: none added', () => {
    expect(caOf('')).toEqual([])
  })

  test.each([
    ['not PEM', 'a certificate'],
    ['text around a block', 'x\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'],
    ['an unterminated block', '-----BEGIN CERTIFICATE-----\nAAAA'],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----']
  ])('%s is refused, naming the input', (_, text) => {
    expect(() => caOf(text)).toThrow('Input "ca-certificate" must be PEM text')
  })

  test('anything after the last block is refused, even a single character', () => {
    for (const after of ['x', '-', '\n.', '\n-----END CERTIFICATE-----'])
      expect(() => caOf(`${pem}\n${after}`)).toThrow('Input "ca-certificate" must be PEM text')
  })

  test('a block that does not parse is refused, naming the input and which block', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'
    expect(errorOf({ token: JWT, 'ca-certificate': broken })).toMatchObject({
      input: 'ca-certificate',
      message: 'Input "ca-certificate" holds a certificate that does not parse (block 1 of 1)'
    })
    expect(() => caOf(`${pem}\n${broken}`)).toThrow('(block 2 of 2)')
  })

  test('the largest input a runner can pass is checked in linear time', () => {
    const started = Date.now()
    expect(() => caOf('-----BEGIN CERTIFICATE-----'.repeat(4_000))).toThrow('must be PEM text')
    expect(Date.now() - started).toBeLessThan(500)
  })
})
