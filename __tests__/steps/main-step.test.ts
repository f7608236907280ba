// The main step and its operations, run in this process against the emulator.
import { describe, expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import { INPUT_DEFAULTS, readInputs, type CreateInputs } from '../../src/inputs.js'
import { PlatformClient } from '../../src/platform/client.js'
import { decodeFullToken } from '../../src/platform/token.js'
import { inRunner, runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'
import { generatedName, randomNamePart } from '../../src/platform/names.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

const connection = () => ({ 'api-url': emulator.url, token, 'timeout-seconds': '2', 'max-attempts': '2' })
const main = (inputs: Record<string, string>) => runInProcess('main', { inputs: { ...connection(), ...inputs } })
const READ = 'storage://default/test-org/test-project/data read'

describe('create', () => {
  test('hands out a working full token, masked before anything else is printed, and saves the id for post', async () => {
    const result = await main({ name: 'main-create', permissions: READ, 'verify-seconds': '1' })
    expect(result.errors).toEqual([])
    expect(result.failed).toBe(false)
    const { outputs } = result
    const account = emulator.account(outputs.id)
    expect(account?.name).toBe('main-create')
    expect(decodeFullToken(outputs.token)?.authToken).toBe(outputs['auth-token'])
    const firstMask = result.stdout.indexOf(`::add-mask::${outputs.token}`)
    expect(firstMask).toBeGreaterThanOrEqual(0)
    expect(result.stdout.slice(0, firstMask)).not.toContain('Created service account')
    expect(JSON.parse(outputs.permissions)).toEqual([
      { uri: 'storage://default/test-org/test-project/data', action: 'read' }
    ])
    expect(outputs.registry).toContain('registry.default')
    expect(outputs['api-url']).toBe(emulator.url)
    expect(JSON.parse(result.state.account)).toEqual({
      kind: 'created',
      id: outputs.id,
      delivered: true,
      cleanup: true
    })
    expect(result.summary).toContain(outputs.id)
    const removed = await runInProcess('post', { inputs: connection(), state: result.state })
    expect(removed.failed).toBe(false)
    expect(emulator.account(outputs.id)).toBeUndefined()
  })

  test('export-env logs later CLI steps in as the account; output-token false keeps the token out of outputs', async () => {
    const result = await main({ 'export-env': 'true', 'output-token': 'false', 'verify-seconds': '0' })
    expect(result.failed).toBe(false)
    expect(result.outputs.token).toBeUndefined()
    expect(result.outputs['auth-token']).toBeUndefined()
    expect(result.env.APOLO_PASSED_CONFIG).toBe(result.env.NEURO_PASSED_CONFIG)
    expect(decodeFullToken(result.env.APOLO_PASSED_CONFIG)).toBeDefined()
    expect(result.env.APOLO_CONFIG).toMatch(/apolo-service-account-[^/]+\/apolo$/)
    expect(result.state['config-dir']).toBeTruthy()
    expect(result.outputs.name).toMatch(/^gha-/)
    await runInProcess('post', { inputs: connection(), state: result.state })
  })

  test('a grant refused removes the account again and fails the step, naming both', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    const before = emulator.accounts().length
    const result = await main({ name: 'main-grant-refused', permissions: READ, 'verify-seconds': '0' })
    expect(result.failed).toBe(true)
    expect(result.errors[0]).toMatch(/grant permissions to .* failed: HTTP 403.*was removed again/)
    expect(emulator.accounts()).toHaveLength(before)
    expect(JSON.parse(result.state.account)).toEqual({ kind: 'none' })
    expect(result.outputs.token).toBeUndefined()
  })

  test('a name already taken is a clear failure that leaves nothing for post', async () => {
    emulator.seedAccount('alice', { name: 'main-taken' })
    const result = await main({ name: 'main-taken', 'verify-seconds': '0' })
    expect(result.failed).toBe(true)
    expect(result.errors[0]).toContain('HTTP 409')
    expect(JSON.parse(result.state.account)).toEqual({ kind: 'none' })
  })

  test('removing an account the step cannot hand out gets a fresh time budget, whatever the create spent', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    let clock = 0
    const client = new PlatformClient({
      apiUrl: emulator.url,
      authToken: token,
      userAgent: 'main-step-test',
      dispatcher,
      timeoutMs: 2_000,
      maxAttempts: 2,
      now: () => clock,
      // The grant is sent as the create's budget runs out.
      log: line => {
        if (/^POST .*\/permissions /.test(line)) clock += 1_000_000
      }
    })
    const defaults: Record<string, string> = { ...INPUT_DEFAULTS }
    const values: Record<string, string> = {
      ...defaults,
      ...connection(),
      name: 'main-late-grant',
      permissions: READ,
      'verify-seconds': '0'
    }
    const inputs = readInputs(
      name => values[name] ?? '',
      () => undefined
    ) as CreateInputs
    const result = await inRunner(() => runCreate(client, inputs).catch((error: Error) => error.message))
    expect(result.value).toMatch(/service account \S+ was removed again$/)
    expect(emulator.accounts().some(account => account.name === 'main-late-grant')).toBe(false)
  })
})

describe('a credential that could not be handed out', () => {
  test('a new token never accepted within verify-seconds: the account is removed and the step fails', async () => {
    emulator.setNewTokenDelay('never')
    try {
      const result = await main({ name: 'main-never-accepted', 'verify-seconds': '1' })
      expect(result.failed).toBe(true)
      expect(result.errors[0]).toContain('the new token was still not accepted after 1 s')
      expect(result.errors[0]).toContain('was removed again')
      expect(emulator.accounts().some(account => account.name === 'main-never-accepted')).toBe(false)
      expect(result.outputs.token).toBeUndefined()
    } finally {
      emulator.setNewTokenDelay(0)
    }
  })

  test('an accepted token that sees no cluster is handed out with a warning naming the grant it needs', async () => {
    emulator.setClustersNeedGrant(true)
    try {
      const result = await main({ name: 'main-no-cluster', 'verify-seconds': '2' })
      expect(result.failed).toBe(false)
      expect(result.warnings.join('\n')).toContain('sees no cluster "default"')
      expect(result.outputs.registry).toBe('')
      await runInProcess('post', { inputs: connection(), state: result.state })
    } finally {
      emulator.setClustersNeedGrant(false)
    }
  })

  test('a create answer whose token is not a full token: nothing handed out, the step fails saying why', async () => {
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'no-token'
    })
    const result = await main({ name: 'main-no-token', 'max-attempts': '1', 'verify-seconds': '0' })
    expect(result.failed).toBe(true)
    expect(result.outputs.token).toBeUndefined()
    expect(result.errors[0]).toContain('the answer holds no token')
  })

  test('a sweep that fails only warns: the create goes on', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 403 })
    const result = await main({ 'sweep-older-than': '6h', 'verify-seconds': '0' })
    expect(result.failed).toBe(false)
    expect(result.warnings.some(w => w.startsWith("Could not sweep earlier runs' leftover accounts: "))).toBe(true)
    expect(result.outputs.token).toBeTruthy()
    await runInProcess('post', { inputs: connection(), state: result.state })
  })
})

describe("create's sweep of earlier runs' leftovers", () => {
  const OLD = '2020-01-01T00:00:00+00:00'
  const seedOld = (name: string) => emulator.seedAccount('alice', { name, created_at: OLD })
  // The in-process runner's run: octo-org/octo-repo, run 4242, job build, no repository id.
  const generated = (runId: string, repository = 'octo-org/octo-repo') =>
    generatedName({ repository, repositoryId: '', runId, runAttempt: '1', job: 'build' }, randomNamePart())

  test("removes only this repository's generated accounts of other runs, older than the limit", async () => {
    const leftover = seedOld(generated('1000'))
    const ours = seedOld(generated('4242'))
    const otherRepo = seedOld(generated('1000', 'octo-org/other-repo'))
    const young = emulator.seedAccount('alice', { name: generated('1001') })
    const result = await main({ 'sweep-older-than': '6h', 'verify-seconds': '0' })
    expect(result.failed).toBe(false)
    expect((JSON.parse(result.outputs.removed) as { id: string }[]).map(a => a.id)).toEqual([leftover.id])
    expect(emulator.account(leftover.id)).toBeUndefined()
    for (const kept of [ours, otherRepo, young]) expect(emulator.account(kept.id)).toBeDefined()
    expect(result.summary).toContain(leftover.id)
    await runInProcess('post', { inputs: connection(), state: result.state })
  })

  test('does not skip a leftover whose removal is refused: it warns naming it, and the create goes on', async () => {
    const leftover = seedOld(generated('1002'))
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${leftover.id}`, kind: 'status', status: 403 })
    const result = await main({ 'sweep-older-than': '6h', 'verify-seconds': '0' })
    expect(result.failed).toBe(false)
    expect(
      result.warnings.some(
        w => w.startsWith('Could not sweep 1 account(s): ') && w.includes(`${leftover.id}: `) && w.includes('403')
      )
    ).toBe(true)
    expect(JSON.parse(result.outputs.removed)).toEqual([])
    expect(result.outputs.token).toBeTruthy()
    await runInProcess('post', { inputs: connection(), state: result.state })
  })
})

describe('the other operations', () => {
  test('get, list and rm', async () => {
    const account = emulator.seedAccount('alice', { name: 'main-ops' })
    const got = await main({ operation: 'get', name: 'main-ops' })
    expect(got.outputs.id).toBe(account.id)
    expect(got.outputs.name).toBe('main-ops')
    const listed = await main({ operation: 'list' })
    expect((JSON.parse(listed.outputs.accounts) as { id: string }[]).map(a => a.id)).toContain(account.id)
    expect(listed.stdout).toMatch(/Found \d+ service accounts?/)
    const removed = await main({ operation: 'rm', name: account.id })
    expect(removed.outputs.id).toBe(account.id)
    expect(emulator.account(account.id)).toBeUndefined()
    const missing = await main({ operation: 'get', name: 'main-ops' })
    expect(missing.failed).toBe(true)
    expect(missing.errors[0]).toContain('HTTP 404')
  })

  test('prune removes stale accounts with the prefix; dry-run only names them', async () => {
    const stale = emulator.seedAccount('alice', { name: 'main-prune-old', created_at: '2020-01-01T00:00:00+00:00' })
    const fresh = emulator.seedAccount('alice', { name: 'main-prune-new' })
    const dry = await main({ operation: 'prune', 'name-prefix': 'main-prune-', 'dry-run': 'true' })
    const ids = (output: string) => (JSON.parse(output) as { id: string }[]).map(account => account.id)
    expect(ids(dry.outputs.removed)).toEqual([stale.id])
    expect(emulator.account(stale.id)).toBeDefined()
    const pruned = await main({ operation: 'prune', 'name-prefix': 'main-prune-' })
    expect(ids(pruned.outputs.removed)).toEqual([stale.id])
    expect(emulator.account(stale.id)).toBeUndefined()
    expect(emulator.account(fresh.id)).toBeDefined()
  })

  test('prune does not skip an account whose removal is refused: it fails naming it', async () => {
    const stale = emulator.seedAccount('alice', { name: 'main-refused-old', created_at: '2020-01-01T00:00:00+00:00' })
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${stale.id}`, kind: 'status', status: 403 })
    const result = await main({ operation: 'prune', 'name-prefix': 'main-refused-' })
    expect(result.failed).toBe(true)
    expect(result.errors[0]).toContain(`Could not remove 1 account(s): ${stale.id}`)
    expect(JSON.parse(result.outputs.removed)).toEqual([])
  })

  test('an input error fails the step before any request', async () => {
    emulator.resetLog()
    const result = await main({ operation: 'explode' })
    expect(result.failed).toBe(true)
    expect(result.errors[0]).toContain('operation')
    expect(emulator.requests).toEqual([])
  })
})
