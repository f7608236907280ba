// sweep-finished-runs and github-token (src/inputs.ts): off by default, the token read, checked
// and masked only when the sweep is on, for create and prune alike.
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../src/inputs.js'
import { readInputs, type Inputs } from '../src/inputs.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
const GITHUB_TOKEN = 'ghs_0123456789abcdefABCDEF'

function parse(inputs: Record<string, string>): { inputs: Inputs; secrets: string[] } {
  const secrets: string[] = []
  const parsed = readInputs(
    name => ({ token: JWT, 'api-url': 'http://127.0.0.1:1/api/v1', ...inputs })[name] ?? '',
    secret => secrets.push(secret)
  )
  return { inputs: parsed, secrets }
}

describe.each<Record<string, string>>([{}, { operation: 'prune', 'name-prefix': 'gha-' }])('for %j', operation => {
  test('off by default: the token is neither read nor masked', () => {
    const { inputs, secrets } = parse({ ...operation, 'github-token': GITHUB_TOKEN })
    expect(inputs).toMatchObject({ sweepFinishedRuns: false, githubToken: '' })
    expect(secrets).not.toContain(GITHUB_TOKEN)
  })

  test('on: the token is masked and kept', () => {
    const { inputs, secrets } = parse({
      ...operation,
      'sweep-finished-runs': 'true',
      'github-token': GITHUB_TOKEN
    })
    expect(inputs).toMatchObject({ sweepFinishedRuns: true, githubToken: GITHUB_TOKEN })
    expect(secrets).toContain(GITHUB_TOKEN)
  })

  test('on without a token: an error naming github-token and the permission', () => {
    expect(() => parse({ ...operation, 'sweep-finished-runs': 'true' })).toThrow(
      new InputError(
        'github-token',
        'is required with sweep-finished-runs: "true": a token that may read Actions runs (`actions: read`); its default is the job token'
      )
    )
  })

  test('a token with spaces or breaks is refused, after it is masked, without being shown', () => {
    const bad = 'ghs_abc def\nxyz'
    const secrets: string[] = []
    let message = ''
    try {
      readInputs(
        name => ({ token: JWT, ...operation, 'sweep-finished-runs': 'true', 'github-token': bad })[name] ?? '',
        secret => secrets.push(secret)
      )
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toBe('Input "github-token" must be printable ASCII with no spaces or line breaks')
    expect(secrets).toContain(bad)
  })

  // YAML 1.2's core schema: only these three spellings of each; YAML 1.1's yes/on/y are not booleans.
  test.each(['yes', 'on', '1', 'tRUE', 'fAlse', ' true', 'true '])('anything but true or false is refused: %j', bad => {
    expect(() => parse({ ...operation, 'sweep-finished-runs': bad })).toThrow(
      new InputError('sweep-finished-runs', `must be true or false (or True, TRUE, False, FALSE); got "${bad}"`)
    )
  })

  test.each([
    ['True', true],
    ['TRUE', true],
    ['False', false],
    ['FALSE', false]
  ])('%s is read as %s', (value, expected) => {
    const { inputs } = parse({ ...operation, 'sweep-finished-runs': value, 'github-token': GITHUB_TOKEN })
    expect(inputs).toMatchObject({ sweepFinishedRuns: expected })
  })
})
