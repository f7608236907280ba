// Name grammar and generated names (src/platform/names.ts).
import { describe, expect, test } from '@jest/globals'
import { generatedName, generatedNameRun, isValidName } from '../../src/platform/names.js'

describe('names', () => {
  test.each(['test-name', 'test--name', 'test.name', 'a', '0', 'service-account-3f1c'])('accepts %s', name => {
    expect(isValidName(name)).toBe(true)
  })
  test.each([
    'test_name',
    'test/name',
    'test..name',
    'test-.name',
    'test.-name',
    '-test',
    'test-',
    '.test',
    'test.',
    'Test',
    ''
  ])('rejects %j', name => expect(isValidName(name)).toBe(false))

  test('a generated name traces the run, fits the grammar and starts with the repository prefix', () => {
    const name = generatedName(
      { repository: 'Octo-Org/My_Repo', repositoryId: '987654', runId: '123456', runAttempt: '2', job: 'Build & Test' },
      '0123456789abcdef'
    )
    expect(name).toBe('gha-my-repo-build-test-r987654-123456-2-0123456789abcdef')
    expect(isValidName(name)).toBe(true)
    // What `prune` with `name-prefix: gha-<repo>-` finds.
    expect(name.startsWith('gha-my-repo-')).toBe(true)
  })

  test('odd run values still give a valid name that its sweep finds', () => {
    const run = { repository: '__', repositoryId: 'x', runId: '', runAttempt: '', job: '--' }
    const name = generatedName(run, 'ff00ff00ff00ff00')
    expect(name).toMatch(/^gha-h[0-9a-f]{16}-0-1-ff00ff00ff00ff00$/)
    expect(isValidName(name)).toBe(true)
    expect(generatedNameRun(name, run)).toBe('0')
  })
})
