// Generated names and the sweep that finds them again (issue 15): a name says exactly which
// repository made it, so a sweep never takes another repository's account for its own.
// The property test is seeded; the seed is printed, and FC_SEED=<seed> replays a run.
import { createHash } from 'node:crypto'
import { beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import fc from 'fast-check'
import type * as Names from '../src/platform/names.js'
import type { RunIdentity } from '../src/platform/names.js'

// names.ts is loaded afresh for each test: its patterns are module-level constants, and
// Stryker (ignoreStatic) counts a test as reaching them only if the module loads during it.
// The import names the file literally, so that jest counts this file as related to it.
let names: typeof Names
beforeEach(async () => {
  jest.resetModules()
  names = await import('../src/platform/names.js')
})
const generatedName: typeof Names.generatedName = (...args) => names.generatedName(...args)
const generatedNameRun: typeof Names.generatedNameRun = (...args) => names.generatedNameRun(...args)
const isValidName: typeof Names.isValidName = (...args) => names.isValidName(...args)
const randomNamePart: typeof Names.randomNamePart = () => names.randomNamePart()

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

describe("the server's name grammar", () => {
  test.each([
    'a',
    '0',
    'ab',
    'abc',
    'a-b',
    'test--name',
    '9-9',
    'a.b',
    'a.bc',
    'a.b-c',
    'a.b.c',
    'my-org.ci-bot.v2',
    'service-account-3f1c'
  ])('takes %j', name => expect(isValidName(name)).toBe(true))

  test.each([
    '',
    '-a',
    'a-',
    '.a',
    'a.',
    'a..b',
    'a.-b',
    'a-.b',
    'a.b-',
    'a.-',
    'a_b',
    'a.b_c',
    'A',
    'aB',
    'Ab',
    'a/b',
    'a b',
    'a\n',
    'é'
  ])('refuses %j', name => expect(isValidName(name)).toBe(false))

  /** The grammar as the server states it: dot-separated labels of [a-z0-9-], alphanumeric at both ends. */
  const LABEL_CHARS = new Set('abcdefghijklmnopqrstuvwxyz0123456789-')
  const grammatical = (name: string) =>
    name
      .split('.')
      .every(
        label =>
          label !== '' &&
          [...label].every(char => LABEL_CHARS.has(char)) &&
          !label.startsWith('-') &&
          !label.endsWith('-')
      )

  test('any name is taken exactly when its labels fit the grammar', () => {
    const name = fc.string({ unit: fc.constantFrom(...'az09-.-._A/ '), maxLength: 12 })
    fc.assert(
      fc.property(name, name => expect([name, isValidName(name)]).toEqual([name, grammatical(name)])),
      { seed: SEED, numRuns: RUNS }
    )
  })
})

describe('the parts of a generated name', () => {
  const mine = run('octo/octo-repo', '1001')
  const hash = (repository: string) => createHash('sha256').update(repository).digest('hex').slice(0, 16)

  test('every part of a generated name is read back: long labels, repository id, run id and attempt', () => {
    const identity = {
      ...mine,
      repositoryId: '12345678901234567890',
      runId: '98765432109876543210',
      runAttempt: '12345'
    }
    for (const job of ['build', 'Build and test', 'x'])
      expect(generatedNameRun(generatedName({ ...identity, job }, RANDOM), identity)).toBe('98765432109876543210')
    const unnamed = { ...identity, repositoryId: '' }
    expect(generatedNameRun(generatedName({ ...unnamed, job: 'build and test' }, RANDOM), unnamed)).toBe(
      '98765432109876543210'
    )
  })

  test('without a repository id the tag is the SHA-256 of owner/name in lower case', () => {
    expect(names.repositoryTag({ repository: 'Octo/Octo-Repo', repositoryId: '' })).toBe(`h${hash('octo/octo-repo')}`)
  })

  test.each(['12a', 'a12', ' 12', '12 ', '123456789012345678901', '-1'])(
    'a repository id that is not 1 to 20 digits (%j) is not written: the name is tagged by its hash',
    repositoryId =>
      expect(names.repositoryTag({ repository: 'octo/octo-repo', repositoryId })).toBe(`h${hash('octo/octo-repo')}`)
  )

  test('a run id over 20 digits is written as 0 and an attempt over 5 as 1: the name stays one its sweep reads', () => {
    const odd = { ...mine, runId: '123456789012345678901', runAttempt: '123456' }
    const name = generatedName(odd, RANDOM)
    expect(name).toBe(`gha-octo-repo-build-r1001-0-1-${RANDOM}`)
    expect(generatedNameRun(name, odd)).toBe('0')
  })

  test('the repository and job labels are cut to 30 characters, with no dash left at either end', () => {
    const long = { ...mine, repository: `octo/${'r'.repeat(29)}_${'s'.repeat(20)}`, job: `${'j'.repeat(40)}` }
    expect(generatedName(long, RANDOM)).toBe(`gha-${'r'.repeat(29)}-${'j'.repeat(30)}-r1001-1000-1-${RANDOM}`)
    expect(generatedName({ ...mine, job: '--Build__Test--' }, RANDOM)).toBe(
      `gha-octo-repo-build-test-r1001-1000-1-${RANDOM}`
    )
  })

  test.each([
    ['a job label that is not one generatedName writes', 'gha-octo-repo-Build-r1001-1000-1-0123456789abcdef'],
    ['the same', 'gha-octo-repo-build_x-r1001-1000-1-0123456789abcdef'],
    ['more than 16 hex at the end', 'gha-octo-repo-r1001-1000-1-0123456789abcdef0'],
    ['text after the random part', 'gha-octo-repo-r1001-1000-1-0123456789abcdef-x'],
    ['a hash tag that is not 16 hex', `gha-octo-repo-h${'g'.repeat(16)}-1000-1-${RANDOM}`],
    ['an attempt of 6 digits', 'gha-octo-repo-r1001-1000-123456-0123456789abcdef']
  ])('a name with %s is not a generated one', (_, name) => expect(generatedNameRun(name, mine)).toBeUndefined())

  test("the repository's own label is never read as the tag and run id that follow it", () => {
    // octo/r42-7's names start `gha-r42-7-`; what follows here is no tag, run and attempt.
    expect(generatedNameRun('gha-r42-7-1-0123456789abcdef', run('octo/r42-7', '42'))).toBeUndefined()
    expect(generatedNameRun('gha-r42-7-r42-7-1-0123456789abcdef', run('octo/r42-7', '42'))).toBe('7')
  })

  test('a name is read up to 200 characters; a longer one is not a generated name', () => {
    const withJob = (length: number) => `gha-octo-repo-${'x'.repeat(length)}-r1001-1000-1-${RANDOM}`
    const fits = withJob(200 - withJob(0).length)
    expect([fits.length, generatedNameRun(fits, mine)]).toEqual([200, '1000'])
    const over = withJob(201 - withJob(0).length)
    expect([over.length, generatedNameRun(over, mine)]).toEqual([201, undefined])
  })
})

describe('service account roles and account ids', () => {
  test.each([
    'alice/service-accounts/bot',
    'org/alice/service-accounts/bot',
    'Alice_1.x/service-accounts/gha-ci.v2',
    `${'a'.repeat(1024 - '/service-accounts/bot'.length)}/service-accounts/bot`
  ])('%j is a service account role', role => expect(names.isServiceAccountRole(role)).toBe(true))

  test.each([
    'service-accounts/bot',
    '/service-accounts/bot',
    'alice//service-accounts/bot',
    '.alice/service-accounts/bot',
    'al ice/service-accounts/bot',
    'alice/service-account/bot',
    'alice/service-accounts/Bot',
    'alice/service-accounts/',
    'alice/service-accounts/bot/x',
    `${'a'.repeat(1025 - '/service-accounts/bot'.length)}/service-accounts/bot`
  ])('%j is not', role => expect(names.isServiceAccountRole(role)).toBe(false))

  test('an account id is a short run of URL-safe characters and nothing token-like', () => {
    expect(names.isAccountId('service-account-0b5d2a1e-2a5c-4e3c-9b1e-3f2d9b8c7a61')).toBe(true)
    expect(names.isAccountId('a'.repeat(200))).toBe(true)
    for (const id of ['', '-a', 'a/b', 'a b', 'a'.repeat(201), 'eyJhbGciOiJIUzI1NiJ9'])
      expect([id, names.isAccountId(id)]).toEqual([id, false])
  })
})

test('the run attempt is read back from a name as it was written, for this repository only', () => {
  const mine = { ...run('octo/octo-repo', '1001', '4242'), runAttempt: '3' }
  expect(names.generatedNameRunAttempt(generatedName(mine, RANDOM), mine)).toEqual({ runId: '4242', attempt: '3' })
  expect(names.generatedNameRunAttempt(generatedName({ ...mine, runAttempt: '' }, RANDOM), mine)).toEqual({
    runId: '4242',
    attempt: '1'
  })
  expect(names.generatedNameRunAttempt(generatedName(mine, RANDOM), { ...mine, repositoryId: '1002' })).toBeUndefined()
  expect(names.generatedNameRunAttempt(`${generatedName(mine, RANDOM)}${'x'.repeat(200)}`, mine)).toBeUndefined()
})
