// Generated names and the sweep that finds them again (issue 15): a name says exactly which
// repository made it, so a sweep never takes another repository's account for its own.
// The property test is seeded; the seed is printed, and FC_SEED=<seed> replays a run.
import { beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import {
  generatedName,
  generatedNameRun,
  isValidName,
  randomNamePart,
  type RunIdentity
} from '../src/platform/names.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const RUNS = Number(process.env.FC_RUNS ?? 2000)

beforeAll(() => console.log(`names: seed ${SEED}, ${RUNS} runs (replay with FC_SEED=${SEED})`))

const run = (repository: string, repositoryId = '', runId = '1000'): RunIdentity => ({
  repository,
  repositoryId,
  runId,
  runAttempt: '1',
  job: 'build'
})
const RANDOM = '0123456789abcdef'

describe("a repository's sweep never matches another repository's generated name", () => {
  test.each([
    ['octo/octo-repo', 'octo/octo-repo-2.0'],
    ['octo/octo-repo', 'octo/octo_repo'],
    ['octo/octo_repo', 'octo/octo-repo'],
    ['octo/Octo-Repo', 'octo/octo-repo-extra'],
    ['ml/very-long-repository-name-for-pipelines-train', 'ml/very-long-repository-name-for-pipelines-serve']
  ])('%s does not sweep what %s made, with or without repository ids', (mine, theirs) => {
    expect(generatedNameRun(generatedName(run(theirs, '2002'), RANDOM), run(mine, '1001'))).toBeUndefined()
    expect(generatedNameRun(generatedName(run(theirs), RANDOM), run(mine))).toBeUndefined()
    // Its own names it finds.
    expect(generatedNameRun(generatedName(run(mine, '1001'), RANDOM), run(mine, '1001'))).toBe('1000')
    expect(generatedNameRun(generatedName(run(mine), RANDOM), run(mine))).toBe('1000')
  })

  test('a renamed repository keeps its id, so its sweep still finds what it made under the old name', () => {
    const name = generatedName(run('octo/old-name', '42'), RANDOM)
    expect(generatedNameRun(name, run('octo/old-name', '42'))).toBe('1000')
    // The prefix prune finds it by is its old name's.
    expect(generatedNameRun(name, run('octo/new-name', '42'))).toBeUndefined()
  })

  test('names in the old shape, or cut short, are not taken for generated ones', () => {
    const mine = run('octo/octo-repo', '1001')
    for (const name of [
      'gha-octo-repo-1000-1-build-a1b2c3',
      'gha-octo-repo-build-r1001-1000-1-0123456789abcde',
      'gha-octo-repo-build-r1001-1000-1-0123456789ABCDEF',
      'gha-octo-repo-build-r1001-x-1-0123456789abcdef',
      'gha-octo-repo-r1002-1000-1-0123456789abcdef'
    ])
      expect([name, generatedNameRun(name, mine)]).toEqual([name, undefined])
    expect(generatedNameRun('gha-octo-repo-r1001-1000-1-0123456789abcdef', mine)).toBe('1000')
  })

  test('64 bits of randomness: legs of one matrix job (same run, attempt and job) never share a name', () => {
    const names = new Set(
      Array.from({ length: 1000 }, () => generatedName(run('octo/octo-repo', '1'), randomNamePart()))
    )
    expect(names.size).toBe(1000)
    for (const name of names) expect(name).toMatch(/^gha-octo-repo-build-r1-1000-1-[0-9a-f]{16}$/)
  })
})

describe('properties', () => {
  const repository = fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9-]{1,39}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/))
    .map(([owner, name]) => `${owner}/${name}`)
  const repositoryId = fc.oneof(fc.constant(''), fc.bigInt({ min: 1n, max: 2n ** 63n }).map(String))
  const identity = fc.record({
    repository,
    repositoryId,
    runId: fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String), fc.string({ maxLength: 25 })),
    runAttempt: fc.oneof(fc.integer({ min: 1, max: 99 }).map(String), fc.string({ maxLength: 8 })),
    job: fc.string({ maxLength: 120 })
  })
  const random = fc.stringMatching(/^[0-9a-f]{16}$/)
  const options = { seed: SEED, numRuns: RUNS }

  /** Two repositories are one when they share an id, or without ids, a case-blind name. */
  const sameRepository = (a: RunIdentity, b: RunIdentity) =>
    a.repositoryId || b.repositoryId
      ? a.repositoryId === b.repositoryId
      : a.repository.toLowerCase() === b.repository.toLowerCase()

  test('the sweep of one repository never matches a name generated for another', () => {
    fc.assert(
      fc.property(identity, identity, random, (mine, theirs, hex) => {
        fc.pre(!sameRepository(mine, theirs))
        expect(generatedNameRun(generatedName(theirs, hex), mine)).toBeUndefined()
      }),
      options
    )
  })

  test('the same, for repositories whose names are alike but for case and punctuation', () => {
    const alike = fc.tuple(repository, fc.constantFrom('', '-', '_', '.', '-2.0', '-extra'), repositoryId, repositoryId)
    fc.assert(
      fc.property(alike, identity, random, ([name, suffix, idA, idB], rest, hex) => {
        const mine = { ...rest, repository: name, repositoryId: idA }
        const theirs = { ...rest, repository: `${name}${suffix}`.toUpperCase(), repositoryId: idB }
        fc.pre(!sameRepository(mine, theirs))
        expect(generatedNameRun(generatedName(theirs, hex), mine)).toBeUndefined()
      }),
      options
    )
  })

  test('a generated name always fits the grammar and is found by its own sweep', () => {
    fc.assert(
      fc.property(identity, random, (mine, hex) => {
        const name = generatedName(mine, hex)
        expect(isValidName(name)).toBe(true)
        expect(name.startsWith('gha-')).toBe(true)
        expect(generatedNameRun(name, mine)).toBe(/^\d{1,20}$/.test(mine.runId) ? mine.runId : '0')
      }),
      options
    )
  })
})
