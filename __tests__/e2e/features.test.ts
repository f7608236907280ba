// Permissions, CLI login, the job summary and prune, through the built action.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startEmulator } from '../../emulator/server.js'
import { runStep } from '../helpers/action.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
const suite = useEmulator((started, userToken) => {
  emulator = started
  token = userToken
})

const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }

describe('permissions', () => {
  test('granted to the new role in the same step and reported', async () => {
    const permissions = [
      'storage://default/test-org/test-project/data read',
      '# comments and blank lines are fine',
      '',
      'image://default/test-org/test-project/trainer write'
    ].join('\n')
    const main = await suite.step('main', { ...defaults, name: 'perm-ok', permissions })
    expect(main.code).toBe(0)
    const expected = [
      { uri: 'storage://default/test-org/test-project/data', action: 'read' },
      { uri: 'image://default/test-org/test-project/trainer', action: 'write' }
    ]
    expect(JSON.parse(main.outputs.permissions)).toEqual(expected)
    expect(emulator.grants('alice/service-accounts/perm-ok')).toEqual(expected)
    expect(main.summary).toContain('<code>storage://default/test-org/test-project/data</code> read')
    await suite.step('post', {}, { state: main.state })
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  test('a failing grant removes the account just made and fails the step', async () => {
    emulator.addFault({
      method: 'POST',
      path: /^\/users\//,
      kind: 'status',
      status: 400,
      body: '{"error": "Invalid URI"}',
      headers: { 'content-type': 'application/json' }
    })
    const before = emulator.accounts().length
    const main = await suite.step('main', { ...defaults, name: 'perm-fail', permissions: 'storage://default/x read' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toMatch(
      /grant permissions to alice\/service-accounts\/perm-fail failed: HTTP 400: Invalid URI; service account service-account-\S+ was removed again/
    )
    expect(emulator.accounts().length).toBe(before)
    expect(main.state.account).toBe('{"kind":"none"}')
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
  })

  test('a bad line fails before any request', async () => {
    emulator.resetLog()
    const main = await suite.step('main', { ...defaults, permissions: 'storage://x read\nstorage://y own' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain(
      'Input "permissions" line 2 ("storage://y own") has action "own"; allowed: read, write, manage'
    )
    expect(emulator.requests).toEqual([])
  })
})

describe('export-env', () => {
  test('exports the full token for both CLIs, masked, with fresh config folders that post removes', async () => {
    const main = await suite.step('main', { ...defaults, 'export-env': 'true' })
    expect(main.code).toBe(0)
    expect(main.env.APOLO_PASSED_CONFIG).toBe(main.outputs.token)
    expect(main.env.NEURO_PASSED_CONFIG).toBe(main.outputs.token)
    expect(main.masks).toContain(main.outputs.token)
    const dir = main.state['config-dir']
    expect(dir.startsWith(main.runnerTemp)).toBe(true)
    expect(main.env.APOLO_CONFIG).toBe(join(dir, 'apolo'))
    expect(main.env.NEUROMATION_CONFIG).toBe(join(dir, 'neuro'))
    expect(existsSync(dir)).toBe(true)
    await suite.step('post', {}, { state: main.state, runnerTemp: main.runnerTemp })
    expect(existsSync(dir)).toBe(false)
  })

  test('off by default: nothing exported', async () => {
    const main = await suite.step('main', defaults)
    expect(main.env).toEqual({})
    expect(main.state['config-dir']).toBeUndefined()
    await suite.step('post', {}, { state: main.state })
  })
})

describe('job summary', () => {
  test('create and post: the account and whether it was removed, never a token', async () => {
    const main = await suite.step('main', { ...defaults, name: 'summary-demo' })
    for (const text of [
      'Apolo service account created',
      main.outputs.id,
      '<code>summary-demo</code>',
      'alice/service-accounts/summary-demo',
      'test-project',
      main.outputs['created-at']
    ]) {
      expect(main.summary).toContain(text)
    }
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.summary).toContain(`<code>${main.outputs.id}</code>: **removed**`)
  })

  test('list: a table row per account', async () => {
    const made = await suite.step('main', { ...defaults, name: 'summary-listed' })
    const list = await suite.step('main', { operation: 'list' })
    expect(list.summary).toMatch(
      /\| <code>summary-listed<\/code> \| <code>service-account-[^<]+<\/code> \| default \| test-project \| test-org \|/
    )
    await suite.step('post', {}, { state: made.state })
  })

  test('a summary that cannot be written is a warning, not a failure', async () => {
    const result = suite.record(
      await runStep('main', {
        inputs: { 'api-url': emulator.url, token, operation: 'list' },
        env: { GITHUB_STEP_SUMMARY: '/nonexistent/dir/summary' }
      })
    )
    expect(result.code).toBe(0)
    expect(result.warnings.join('\n')).toContain('Could not write the job summary')
  })
})

describe('prune', () => {
  const hour = 3600
  beforeAll(() => {
    emulator.seedAccounts('alice', 3, { namePrefix: 'gha-octo-repo-old-', ageSeconds: 48 * hour })
    emulator.seedAccounts('alice', 2, { namePrefix: 'gha-octo-repo-new-', ageSeconds: 60 })
    emulator.seedAccounts('alice', 2, { namePrefix: 'other-old-', ageSeconds: 48 * hour })
    emulator.seedAccounts('bob', 2, { namePrefix: 'gha-octo-repo-bobs-', ageSeconds: 48 * hour })
  })
  const names = (owner: string) =>
    emulator
      .accounts()
      .filter(a => a.owner === owner)
      .map(a => a.name)

  test('dry-run reports what would go and removes nothing', async () => {
    const before = emulator.accounts().length
    const result = await suite.step('main', { operation: 'prune', 'name-prefix': 'gha-octo-repo-', 'dry-run': 'true' })
    expect(result.code).toBe(0)
    expect(
      JSON.parse(result.outputs.removed)
        .map((a: { name: string }) => a.name)
        .sort()
    ).toEqual(['gha-octo-repo-old-0', 'gha-octo-repo-old-1', 'gha-octo-repo-old-2'])
    expect(emulator.accounts().length).toBe(before)
    expect(result.summary).toContain('### Stale Apolo service accounts (dry run: nothing removed) (3)')
    expect(result.summary).toMatch(
      /^Names starting with <code>gha-octo-repo-<\/code>, created over 24h ago\. Kept, being newer: \d+\.$/m
    )
    expect(result.summary).toContain('| <code>gha-octo-repo-old-0</code> |')
  })

  test("removes only the old ones under the prefix, never younger ones, others' or outside the prefix", async () => {
    const result = await suite.step('main', { operation: 'prune', 'name-prefix': 'gha-octo-repo-', 'older-than': '1d' })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.removed)).toHaveLength(3)
    const left = names('alice')
    expect(left.filter(n => n?.startsWith('gha-octo-repo-old-'))).toEqual([])
    expect(left).toEqual(
      expect.arrayContaining(['gha-octo-repo-new-0', 'gha-octo-repo-new-1', 'other-old-0', 'other-old-1'])
    )
    expect(names('bob')).toHaveLength(2)
  })

  test('the default names of create are found by the repository prefix', async () => {
    const made = await suite.step('main', { ...defaults, cleanup: 'false' })
    const result = await suite.step('main', {
      operation: 'prune',
      'name-prefix': 'gha-octo-repo-',
      'older-than': '1m',
      'dry-run': 'true'
    })
    expect(result.code).toBe(0)
    expect(made.outputs.name.startsWith('gha-octo-repo-')).toBe(true)
    // Just made, so younger than a minute: not stale yet.
    expect(JSON.parse(result.outputs.removed).map((a: { name: string }) => a.name)).not.toContain(made.outputs.name)
    await suite.step('main', { operation: 'rm', name: made.outputs.id })
  })

  test('the prefix matches at the start of the name only', async () => {
    emulator.seedAccounts('alice', 1, { namePrefix: 'p2-', ageSeconds: 48 * hour })
    emulator.seedAccounts('alice', 1, { namePrefix: 'x-p2-', ageSeconds: 48 * hour })
    const result = await suite.step('main', { operation: 'prune', 'name-prefix': 'p2-' })
    expect(JSON.parse(result.outputs.removed).map((a: { name: string }) => a.name)).toEqual(['p2-0'])
    expect(names('alice')).toContain('x-p2-0')
  })

  test('an account removed meanwhile (a 404 on DELETE) counts as done, not as a failure', async () => {
    emulator.seedAccounts('alice', 2, { namePrefix: 'gone-', ageSeconds: 48 * hour })
    emulator.addFault({
      method: 'DELETE',
      path: /^\/service_accounts\//,
      kind: 'status',
      status: 404,
      body: 'Service account x not found',
      headers: { 'content-type': 'text/plain' }
    })
    const result = await suite.step('main', { operation: 'prune', 'name-prefix': 'gone-' })
    expect(result.code).toBe(0)
    expect(result.errors).toEqual([])
    expect(JSON.parse(result.outputs.removed)).toHaveLength(1)
    emulator.clearFaults()
    await suite.step('main', { operation: 'prune', 'name-prefix': 'gone-' })
  })

  test.each([
    [{}, 'Input "name-prefix" is required for operation "prune"'],
    [{ 'name-prefix': 'x', 'older-than': '10' }, 'Input "older-than" must be a duration'],
    [{ 'name-prefix': 'x', 'older-than': '30s' }, 'at least 1m'],
    [{ 'name-prefix': 'x', 'dry-run': 'yes' }, 'Input "dry-run" must be true or false']
  ])('bad input %j', async (inputs, message) => {
    emulator.resetLog()
    const result = await suite.step('main', { operation: 'prune', ...inputs })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain(message)
    expect(emulator.requests).toEqual([])
  })
})

describe('large lists', () => {
  test('an accounts output over the 1 MB GitHub keeps fails the step, naming its size and what to do', async () => {
    const big = await startEmulator({ users: ['erin'], logRequests: false })
    try {
      big.seedAccounts('erin', 5_000, { namePrefix: 'bulk-' })
      const erin = suite.secret(big.issueToken('erin'))
      const result = suite.record(
        await runStep('main', { inputs: { token: erin, 'api-url': big.url, operation: 'list' } })
      )
      expect(result.code).toBe(1)
      expect(result.outputs.accounts).toBeUndefined()
      expect(result.errors.join('\n')).toMatch(
        /the accounts output would be \d+\.\d MB, over the 1 MB GitHub allows for one output, so it is not set: remove the accounts no longer needed \(operation: prune\)/
      )
      expect(result.stdout).toContain('Found 5000 service accounts')
      expect(result.summary).toContain('… and 4900 more')
    } finally {
      await big.close()
    }
  })
})
