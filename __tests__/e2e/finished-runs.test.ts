// sweep-finished-runs through the built action, with the emulator as both the platform and
// GitHub (GITHUB_API_URL): what a create and a prune remove, what they keep, what they say,
// and that the default loads no Octokit code and sends GitHub nothing.
import { describe, expect, test } from '@jest/globals'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { ROOT } from '../helpers/action.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'

let emulator: Emulator
const suite = useEmulator(started => (emulator = started))

const REPOSITORY = 'octo-org/octo-repo'
// As the local runner sets them (scripts/local-runner.js).
const CURRENT = { runId: '4242', attempt: '1' }
const MINUTE = 60_000
const DAYS_2 = 2 * 24 * 60 * MINUTE
const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }

/** An account a run of this repository (or another) generated and never removed. */
function leftover(owner: string, runId: string, attempt: string, ageMs: number, repository = REPOSITORY) {
  return emulator.seedAccount(owner, {
    name: generatedName({ repository, repositoryId: '', runId, runAttempt: attempt, job: 'build' }, randomNamePart()),
    created_at: new Date(Date.now() - ageMs).toISOString()
  })
}

/** A load hook, in its own thread, that appends each module URL Node loads to the file it is given. */
const RECORD_LOADS =
  "import { appendFileSync } from 'node:fs'; let file; export function initialize(data) { file = data }; " +
  'export async function load(url, context, next) { const loaded = await next(url, context); ' +
  "appendFileSync(file, url + '\\n'); return loaded }"

/** NODE_OPTIONS that register RECORD_LOADS (through Node's public module.register) for `file`. */
function recordingLoadsTo(file: string): Record<string, string> {
  const hooks = `data:text/javascript,${encodeURIComponent(RECORD_LOADS)}`
  const preload = `import { register } from 'node:module'; register(${JSON.stringify(hooks)}, { data: ${JSON.stringify(file)} })`
  return { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(preload)}` }
}

/** The dist/ chunk that holds Octokit (found by its own user agent text). */
function octokitChunks(): string[] {
  const dist = join(ROOT, 'dist')
  return readdirSync(dist).filter(
    name => name.endsWith('.js') && readFileSync(join(dist, name), 'utf8').includes('octokit-core.js/')
  )
}

/** A step's env that records what it loads, and what it loaded: the file names of its modules. */
function loadRecorder(): { env: Record<string, string>; loaded: () => string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'loaded-')), 'urls')
  return {
    env: recordingLoadsTo(file),
    loaded: () => {
      const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean)
      rmSync(dirname(file), { recursive: true })
      return urls.map(url => url.slice(url.lastIndexOf('/') + 1))
    }
  }
}

/** A create (or prune) as `user`, sweeping finished runs against the emulator's GitHub. */
async function step(user: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const token = suite.secret(emulator.issueToken(user))
  suite.secret(emulator.github.token)
  return suite.step(
    'main',
    { token, 'verify-seconds': '0', 'github-token': emulator.github.token, ...inputs },
    { env: { GITHUB_API_URL: emulator.githubUrl, GITHUB_SERVER_URL: 'https://github.example.com', ...env } }
  )
}

describe('create with sweep-finished-runs: true', () => {
  test("a completed attempt's account goes at once, a running one stays at two days, the current attempt's is untouched", async () => {
    const finished = leftover('carol', '100', '1', 5 * MINUTE)
    const running = leftover('carol', '101', '2', DAYS_2)
    const currentSibling = leftover('carol', CURRENT.runId, CURRENT.attempt, DAYS_2)
    const otherRepository = leftover('carol', '100', '1', DAYS_2, 'octo-org/other-repo')
    emulator.github.setRun(REPOSITORY, 100, 1, 'completed')
    emulator.github.setRun(REPOSITORY, 101, 2, 'in_progress')
    emulator.github.setRun(REPOSITORY, 4242, 1, 'completed')
    emulator.github.setRun('octo-org/other-repo', 100, 1, 'completed')
    const main = await step('carol', { ...defaults, 'sweep-finished-runs': 'true' })
    expect([main.code, main.errors, main.warnings]).toEqual([0, [], []])
    expect(emulator.account(finished.id)).toBeUndefined()
    for (const kept of [running, currentSibling, otherRepository]) expect(emulator.account(kept.id)).toBeDefined()
    expect(emulator.github.requests.map(r => r.path).sort()).toEqual([
      '/repos/octo-org/octo-repo/actions/runs/100/attempts/1',
      '/repos/octo-org/octo-repo/actions/runs/101/attempts/2'
    ])
    expect(JSON.parse(main.outputs.removed)).toEqual([
      { id: finished.id, name: finished.name, created_at: finished.created_at }
    ])
    expect(main.stdout).toContain(`Swept ${finished.name} (${finished.id}): its run 100, attempt 1 has finished`)
    expect(main.summary).toContain(
      '<a href="https://github.example.com/octo-org/octo-repo/actions/runs/100/attempts/1">run 100, attempt 1</a>'
    )
    expect(main.summary).not.toContain("Swept earlier runs' leftover")
    // The GitHub token went to GitHub only: masked, and never to the platform or elsewhere.
    expect(main.masks).toContain(emulator.github.token)
    expect(emulator.github.requests.every(r => r.headers.authorization === `token ${emulator.github.token}`)).toBe(true)
    expect(emulator.requests.some(r => JSON.stringify(r.headers).includes(emulator.github.token))).toBe(false)
    expect(emulator.sink.requests).toEqual([])
    await suite.step('post', {}, { state: main.state })
  })

  test('GitHub answers 403: nothing goes unless sweep-older-than says so, and one warning says what to add', async () => {
    const old = leftover('dave', '200', '1', DAYS_2)
    const young = leftover('dave', '201', '1', 5 * MINUTE)
    emulator.github.setRun(REPOSITORY, 200, 1, 'completed')
    emulator.github.setRun(REPOSITORY, 201, 1, 'completed')
    emulator.github.actionsRead = false
    try {
      const alone = await step('dave', { ...defaults, 'sweep-finished-runs': 'true' })
      expect(alone.code).toBe(0)
      expect(emulator.account(old.id) && emulator.account(young.id)).toBeDefined()
      expect(alone.warnings).toHaveLength(1)
      expect(alone.warnings[0]).toMatch(
        /^GitHub could not tell whether 2 earlier run attempt\(s\) have finished, .*403.*; add `permissions: actions: read` \(with `contents: read`\) to the workflow\/job$/
      )
      expect(alone.summary).toContain('Kept Apolo service accounts: GitHub could not tell')
      await suite.step('post', {}, { state: alone.state })

      const withAge = await step('dave', { ...defaults, 'sweep-finished-runs': 'true', 'sweep-older-than': '6h' })
      expect(withAge.code).toBe(0)
      expect(withAge.warnings).toHaveLength(1)
      expect(emulator.account(old.id)).toBeUndefined()
      expect(emulator.account(young.id)).toBeDefined()
      await suite.step('post', {}, { state: withAge.state })
    } finally {
      emulator.github.actionsRead = true
    }
  })

  test('Octokit is loaded only when there is something to ask GitHub', async () => {
    const chunks = octokitChunks()
    expect(chunks.length).toBeGreaterThan(0)
    leftover('erin', '300', '1', 5 * MINUTE)
    emulator.github.setRun(REPOSITORY, 300, 1, 'completed')
    const first = loadRecorder()
    const asked = await step('erin', { ...defaults, 'sweep-finished-runs': 'true' }, first.env)
    expect(asked.code).toBe(0)
    const loadedWhenAsked = first.loaded()
    expect(loadedWhenAsked).toContain('index.js')
    expect(chunks.filter(chunk => loadedWhenAsked.includes(chunk))).toEqual(chunks)
    await suite.step('post', {}, { state: asked.state })

    emulator.resetLog()
    const second = loadRecorder()
    const nothingToAsk = await step('erin', { ...defaults, 'sweep-finished-runs': 'true' }, second.env)
    expect(nothingToAsk.code).toBe(0)
    const loadedWithNothingToAsk = second.loaded()
    expect(loadedWithNothingToAsk).toContain('index.js')
    expect([emulator.github.requests, chunks.filter(chunk => loadedWithNothingToAsk.includes(chunk))]).toEqual([[], []])
    await suite.step('post', {}, { state: nothingToAsk.state })
  })
})

test('the default (false) sends GitHub nothing and loads no Octokit code', async () => {
  leftover('frank', '400', '1', DAYS_2)
  emulator.github.setRun(REPOSITORY, 400, 1, 'completed')
  emulator.resetLog()
  const recorder = loadRecorder()
  const main = await step('frank', { ...defaults, 'sweep-older-than': '1d' }, recorder.env)
  expect(main.code).toBe(0)
  expect(JSON.parse(main.outputs.removed)).toHaveLength(1)
  expect(emulator.github.requests).toEqual([])
  const loaded = recorder.loaded()
  expect(loaded).toContain('index.js')
  expect(octokitChunks().filter(chunk => loaded.includes(chunk))).toEqual([])
  expect(main.masks).not.toContain(emulator.github.token)
  await suite.step('post', {}, { state: main.state })
})

test("prune with sweep-finished-runs: a janitor removes finished runs' accounts at any age", async () => {
  const finished = leftover('grace', '500', '1', MINUTE)
  const running = leftover('grace', '501', '1', DAYS_2)
  emulator.github.setRun(REPOSITORY, 500, 1, 'completed')
  emulator.github.setRun(REPOSITORY, 501, 1, 'in_progress')
  const prune = await step('grace', {
    operation: 'prune',
    'name-prefix': 'gha-octo-repo-',
    'sweep-finished-runs': 'true'
  })
  expect([prune.code, prune.errors, prune.warnings]).toEqual([0, [], []])
  expect(emulator.account(finished.id)).toBeUndefined()
  expect(emulator.account(running.id)).toBeDefined()
  expect(prune.summary).toContain('Removed Apolo service accounts of finished runs (1)')
  expect(prune.stdout).toContain(
    `Removed ${finished.name} (${finished.id}): its run 500, attempt 1 has finished\n` +
      'Kept 0 newer service account(s) starting with "gha-octo-repo-" and 1 older whose runs are still going\n'
  )
  // Only a finished run's account went: no age-rule table claims a stale one did.
  expect(prune.summary).not.toContain('stale Apolo service accounts')
})
