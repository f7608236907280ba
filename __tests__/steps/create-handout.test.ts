// The create step (src/steps/create.ts) called directly against the emulator: what it logs,
// outputs and saves for post, and what it does with an account it cannot hand out.
import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import type { PlatformClientOptions } from '../../src/platform/client.js'
import { generatedName, randomNamePart } from '../../src/platform/names.js'
import { FULL_TOKEN_MAX_CHARS } from '../../src/platform/token.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner, runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

const READ = 'storage://default/test-org/test-project/data read'
/** Every target input given: the create is the step's first request. */
const TARGET = { cluster: 'default', project: 'test-project', org: 'test-org' }

/**
 * Runs the create step in a runner's environment; `error` is what it failed with. `client`
 * overrides the client's defaults (two attempts per request).
 */
async function create(values: Record<string, string>, client: Partial<PlatformClientOptions> = {}) {
  const inputs = createInputs({ 'api-url': emulator.url, token, 'verify-seconds': '0', ...values })
  const result = await inRunner(() =>
    runCreate(emulatorClient(emulator, token, dispatcher, client), inputs).then(
      () => undefined,
      (error: unknown) => error as Error
    )
  )
  return { ...result, error: result.value, lines: result.stdout.split(/\r?\n/) }
}

const post = (state: Record<string, string>) =>
  runInProcess('post', { inputs: { 'api-url': emulator.url, token, 'max-attempts': '2' }, state })

describe('an account handed out', () => {
  test('is named in the log with where it points, each grant, and that post will remove it', async () => {
    const result = await create({ name: 'handout-log', permissions: READ })
    expect(result.error).toBeUndefined()
    const { id, role } = result.outputs
    expect(result.lines).toContain(
      `Created service account handout-log (${id}) on cluster default, project test-project, org test-org`
    )
    expect(result.lines).toContain(`Granted read on storage://default/test-org/test-project/data to ${role}`)
    expect(result.lines).toContain('The post step will remove it.')
  })

  test('with cleanup false and no org, the log names none and says the account is kept', async () => {
    const result = await create({ name: 'handout-kept', cleanup: 'false', cluster: 'default', project: 'test-project' })
    expect(result.error).toBeUndefined()
    expect(result.outputs['default-org']).toBe('')
    expect(result.lines).toContain(
      `Created service account handout-kept (${result.outputs.id}) on cluster default, project test-project`
    )
    expect(result.lines).toContain('cleanup is false: it will be kept.')
  })

  test('unverified, it names no registry; without export-env, later steps keep their own CLI login', async () => {
    const result = await create({ name: 'handout-plain' })
    expect(result.error).toBeUndefined()
    expect(result.outputs.registry).toBe('')
    expect(result.env).toEqual({})
    expect(result.state['config-dir']).toBeUndefined()
  })

  test('with export-env, both CLIs get a config folder of their own inside the one post removes', async () => {
    const result = await create({ name: 'handout-env', 'export-env': 'true' })
    expect(result.error).toBeUndefined()
    const dir = result.state['config-dir']
    expect(result.env.APOLO_CONFIG).toBe(join(dir, 'apolo'))
    expect(result.env.NEUROMATION_CONFIG).toBe(join(dir, 'neuro'))
    expect(result.lines).toContain(`Later apolo and neuro steps run as the new account (config in ${dir}).`)
  })
})

describe('an account that cannot be handed out', () => {
  test('a create answered with what is not a full token: the account goes again, the step says what a token must be', async () => {
    // The platform's answer is about the account asked for, but its token is no full token.
    const account = emulator.seedAccount('alice', { name: 'handout-bad-token' })
    emulator.addFault({
      method: 'POST',
      path: '/service_accounts',
      kind: 'status',
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...account, token: 'not-a-full-token-at-all' })
    })
    const result = await create({ name: 'handout-bad-token' })
    expect(result.error?.message).toBe(
      'the platform answered with a token that is not a full token ' +
        `(base64 JSON holding an auth JWT, at most ${FULL_TOKEN_MAX_CHARS / 1024} KiB); ` +
        `service account ${account.id} was removed again`
    )
    expect(emulator.account(account.id)).toBeUndefined()
    expect(JSON.parse(result.state.account)).toEqual({ kind: 'none' })
    expect(result.outputs.token).toBeUndefined()
  })

  test('a grant refused and its removal refused too: the step names both, and post removes it whatever cleanup says', async () => {
    emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
    emulator.addFault({ method: 'DELETE', path: /^\/service_accounts\//, kind: 'status', status: 403, times: Infinity })
    const result = await create({ name: 'handout-stuck', permissions: READ, cleanup: 'false' })
    const account = emulator.accounts().find(a => a.name === 'handout-stuck')!
    expect(result.error?.message).toMatch(
      new RegExp(
        `^grant permissions to .*HTTP 403.*; removing service account ${account.id} failed too, ` +
          'the post step will try again: remove service account .*HTTP 403'
      )
    )
    expect(result.error?.cause).toMatchObject({ status: 403, operation: `remove service account ${account.id}` })
    expect(JSON.parse(result.state.account)).toEqual({
      kind: 'created',
      id: account.id,
      delivered: false,
      cleanup: false
    })
    expect(result.outputs.token).toBeUndefined()
    emulator.clearFaults()
    const removed = await post(result.state)
    expect(removed.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
  })

  test('a create whose outcome is unknown leaves its name for post to look up', async () => {
    // The connection drops before the platform acts, and one attempt is all there is.
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-before' })
    const result = await create({}, { maxAttempts: 1 })
    expect(result.error?.name).toBe('UnresolvedCreateError')
    // GET /config answered the token before the create: a 401 to post is then a hiccup.
    expect(JSON.parse(result.state.account)).toMatchObject({
      kind: 'pending',
      generated: true,
      cleanup: true,
      tokenAccepted: true
    })
  })

  test('a pending name with no request answered before it says the token is not yet proven', async () => {
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'reset-before' })
    const result = await create(TARGET, { maxAttempts: 1 })
    // Nothing was asked before the create (its look-up by name comes after).
    expect(emulator.requests[0]).toMatchObject({ method: 'POST' })
    expect(JSON.parse(result.state.account)).toMatchObject({ kind: 'pending', tokenAccepted: false })
  })

  test('a create answered with a success it could not read proves the token all the same', async () => {
    // The platform made the account and said 201, but the body is cut short; no look-up works.
    emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'truncated' })
    emulator.addFault({ method: 'GET', path: /^\/service_accounts\//, kind: 'status', status: 500, times: Infinity })
    const result = await create(TARGET, { maxAttempts: 1 })
    expect(result.error?.name).toBe('UnresolvedCreateError')
    expect(emulator.requests[0]).toMatchObject({ method: 'POST' })
    expect(JSON.parse(result.state.account)).toMatchObject({ kind: 'pending', tokenAccepted: true })
  })
})

test("without sweep-older-than, no earlier run's account is looked at", async () => {
  const earlier = generatedName(
    { repository: 'octo-org/octo-repo', repositoryId: '', runId: '1000', runAttempt: '1', job: 'build' },
    randomNamePart()
  )
  const leftover = emulator.seedAccount('alice', { name: earlier, created_at: '2020-01-01T00:00:00+00:00' })
  emulator.resetLog()
  const result = await create({ name: 'handout-no-sweep' })
  expect(result.error).toBeUndefined()
  expect(emulator.account(leftover.id)).toBeDefined()
  expect(emulator.requests.filter(r => r.method === 'GET' && r.path.endsWith('/service_accounts'))).toEqual([])
  expect(result.outputs.removed).toBeUndefined()
})
