// The built action, run as the runner runs it, against the emulator over real HTTP.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { runStep } from '../helpers/action.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
const suite = useEmulator(
  (started, userToken) => {
    emulator = started
    token = userToken
  },
  ['alice', 'bob']
)

const aliceAccounts = () => emulator.accounts().filter(a => a.owner === 'alice')

describe('create, then post', () => {
  test('creates an account, masks and outputs its token, saves its id, and post removes it', async () => {
    const main = await suite.step('main', {
      token,
      name: 'ci-create',
      cluster: 'default',
      project: 'test-project',
      org: 'test-org'
    })
    expect(main.code).toBe(0)
    const { outputs } = main
    const account = emulator.account(outputs.id)
    expect(account).toMatchObject({ name: 'ci-create', owner: 'alice', default_cluster: 'default' })
    expect(outputs).toMatchObject({
      name: 'ci-create',
      role: 'alice/service-accounts/ci-create',
      owner: 'alice',
      'default-cluster': 'default',
      'default-project': 'test-project',
      'default-org': 'test-org',
      'created-at': account?.created_at,
      'role-deleted': 'false'
    })
    expect(outputs.token.startsWith('eyJ0b2tlbi')).toBe(true)
    const inner = JSON.parse(Buffer.from(outputs.token, 'base64').toString('utf8'))
    expect(outputs['auth-token']).toBe(inner.token)
    expect(inner.url).toBe(emulator.url)
    // Masks: the input token first, then both forms of the new one, each before it is output.
    expect(main.masks).toEqual(expect.arrayContaining([token, outputs.token, outputs['auth-token']]))
    const maskAt = (secret: string) => main.stdout.indexOf(`::add-mask::${secret}`)
    expect(maskAt(token)).toBeGreaterThanOrEqual(0)
    expect(maskAt(outputs.token)).toBeGreaterThan(maskAt(token))
    // State: one record, the account made and its token handed out; never a token.
    expect(main.state).toEqual({
      account: JSON.stringify({ kind: 'created', id: outputs.id, delivered: true, cleanup: true })
    })

    const post = await suite.step('post', { token }, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`Removed service account ${outputs.id}`)
    expect(emulator.account(outputs.id)).toBeUndefined()
  })

  test('with every default given, create is one request and one as the new account to verify it; post is one', async () => {
    emulator.resetLog()
    const main = await suite.step('main', {
      token,
      name: 'ci-one-request',
      cluster: 'default',
      project: 'test-project'
    })
    expect(main.code).toBe(0)
    expect(emulator.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/service_accounts',
      'GET /api/v1/config'
    ])
    expect(emulator.requests[1].headers.authorization).toBe(`Bearer ${main.outputs['auth-token']}`)
    emulator.resetLog()
    await suite.step('post', { token }, { state: main.state })
    expect(emulator.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      `DELETE /api/v1/service_accounts/${main.outputs.id}`
    ])
  })

  test('a versioned User-Agent and the bearer go with every request', async () => {
    emulator.resetLog()
    await suite.step('main', { token, operation: 'list' })
    const [request] = emulator.requests
    expect(request.headers['user-agent']).toMatch(/^apolo-service-account-action\/\d+\.\d+\.\d+ /)
    expect(request.headers.authorization).toBe(`Bearer ${token}`)
  })

  test('with no name, cluster or project: a run-traceable name and the defaults from GET /config', async () => {
    emulator.resetLog()
    const main = await suite.step('main', { token })
    expect(main.code).toBe(0)
    // gha-<repo>-<job>-<repository tag: no GITHUB_REPOSITORY_ID here, so a hash>-<run>-<attempt>-<64 random bits>
    expect(main.outputs.name).toMatch(/^gha-octo-repo-build-h[0-9a-f]{16}-4242-1-[0-9a-f]{16}$/)
    expect(main.outputs['default-cluster']).toBe('default')
    expect(main.outputs['default-project']).toBe('test-project')
    expect(main.outputs['default-org']).toBe('test-org')
    expect(emulator.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/config',
      'POST /api/v1/service_accounts',
      'GET /api/v1/config'
    ])
    await suite.step('post', { token }, { state: main.state })
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  test('a full token as input: its URL, cluster and project are the defaults', async () => {
    const fullToken = emulator.fullTokenFor('alice', { cluster: 'default', project: 'from-token', org: 'test-org' })
    suite.secret(fullToken)
    emulator.resetLog()
    const main = await runStep('main', { inputs: { token: fullToken } })
    suite.record(main)
    suite.secret(main.outputs.token)
    expect(main.code).toBe(0)
    expect(main.masks).toEqual(
      expect.arrayContaining([fullToken, JSON.parse(Buffer.from(fullToken, 'base64').toString()).token])
    )
    expect(main.outputs['default-project']).toBe('from-token')
    // No GET /config for defaults: the only one is the new account's verification.
    expect(emulator.requests.map(r => r.path)).toEqual(['/api/v1/service_accounts', '/api/v1/config'])
    await runStep('post', { inputs: { token: fullToken }, state: main.state }).then(r => suite.record(r))
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  test('cleanup: false keeps the account', async () => {
    const main = await suite.step('main', {
      token,
      name: 'ci-keep',
      cluster: 'default',
      project: 'test-project',
      cleanup: 'false'
    })
    expect(JSON.parse(main.state.account)).toMatchObject({ kind: 'created', delivered: true, cleanup: false })
    const post = await suite.step('post', { token }, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('cleanup is false')
    expect(emulator.account(main.outputs.id)).toBeDefined()
    await suite.step('main', { token, operation: 'rm', name: 'ci-keep' })
  })

  test('post of an account that is already gone warns but succeeds', async () => {
    const main = await suite.step('main', { token, name: 'ci-gone', cluster: 'default', project: 'test-project' })
    await suite.step('main', { token, operation: 'rm', name: main.outputs.id })
    const post = await suite.step('post', { token }, { state: main.state })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('already gone')
  })

  test("a gateway's HTML 404 to post's DELETE, with the account still there, fails post naming the id", async () => {
    const main = await suite.step('main', {
      token,
      name: 'ci-gateway-404',
      cluster: 'default',
      project: 'test-project'
    })
    const { id } = main.outputs
    emulator.addFault({
      method: 'DELETE',
      path: `/service_accounts/${id}`,
      kind: 'status',
      status: 404,
      times: Infinity,
      body: '<html><head><title>404 Not Found</title></head><body>nginx</body></html>',
      headers: { 'content-type': 'text/html' }
    })
    const post = await suite.step('post', { token }, { state: main.state })
    expect(post.code).toBe(1)
    expect(emulator.account(id)).toBeDefined()
    expect(post.errors).toHaveLength(1)
    expect(post.errors[0]).toContain(`Service account ${id} could not be removed`)
    expect(post.errors[0]).toContain(`Remove it by hand: apolo service-account rm ${id}`)
    expect(post.warnings.join('\n')).not.toContain('already gone')
    emulator.clearFaults()
    await suite.step('main', { token, operation: 'rm', name: id })
  })

  test('a taken name fails with the server message, and leaves post nothing to remove', async () => {
    const first = await suite.step('main', { token, name: 'ci-taken', cluster: 'default', project: 'test-project' })
    const second = await suite.step('main', { token, name: 'ci-taken', cluster: 'default', project: 'test-project' })
    expect(second.code).toBe(1)
    expect(second.errors.join('\n')).toContain('HTTP 409: Service Account with such name exists')
    expect(second.state).toEqual({ account: '{"kind":"none"}' })
    await suite.step('post', { token }, { state: first.state })
  })

  test('no cluster anywhere: the error says which input to set', async () => {
    const lonely = await startEmulator({ users: ['carol'], clusters: [] })
    try {
      const carol = lonely.issueToken('carol')
      suite.secret(carol)
      const main = await runStep('main', { inputs: { token: carol, 'api-url': lonely.url } })
      suite.record(main)
      expect(main.code).toBe(1)
      expect(main.errors.join('\n')).toContain('Input "cluster" is needed')
      expect(lonely.accounts()).toEqual([])
    } finally {
      await lonely.close()
    }
  })
})

describe('list, get, rm', () => {
  test("list outputs the caller's accounts with the platform field names and no tokens", async () => {
    const made = await suite.step('main', { token, name: 'ci-listed', cluster: 'default', project: 'test-project' })
    const bobToken = emulator.issueToken('bob')
    suite.secret(bobToken)
    await suite.step('main', {
      token: bobToken,
      name: 'bob-only',
      cluster: 'default',
      project: 'test-project',
      cleanup: 'false'
    })
    const list = await suite.step('main', { token, operation: 'list' })
    expect(list.code).toBe(0)
    const accounts = JSON.parse(list.outputs.accounts) as Record<string, unknown>[]
    expect(accounts.map(a => a.name).sort()).toEqual(
      aliceAccounts()
        .map(a => a.name)
        .sort()
    )
    expect(accounts.find(a => a.name === 'ci-listed')).toMatchObject({
      id: made.outputs.id,
      default_cluster: 'default',
      owner: 'alice'
    })
    expect(accounts.some(a => 'token' in a)).toBe(false)
    expect(accounts.some(a => a.name === 'bob-only')).toBe(false)
    await suite.step('post', { token }, { state: made.state })
  })

  test('get by name and by id', async () => {
    const made = await suite.step('main', { token, name: 'ci-get', cluster: 'default', project: 'test-project' })
    for (const key of ['ci-get', made.outputs.id]) {
      const got = await suite.step('main', { token, operation: 'get', name: key })
      expect(got.code).toBe(0)
      expect(got.outputs.id).toBe(made.outputs.id)
      expect(got.outputs.role).toBe('alice/service-accounts/ci-get')
      expect(got.outputs.token).toBeUndefined()
    }
    await suite.step('post', { token }, { state: made.state })
  })

  test('rm removes and outputs the id; rm of a missing account fails with the server message', async () => {
    const made = await suite.step('main', {
      token,
      name: 'ci-rm',
      cluster: 'default',
      project: 'test-project',
      cleanup: 'false'
    })
    const rm = await suite.step('main', { token, operation: 'rm', name: 'ci-rm' })
    expect(rm.code).toBe(0)
    expect(rm.outputs.id).toBe(made.outputs.id)
    expect(emulator.account(made.outputs.id)).toBeUndefined()
    const again = await suite.step('main', { token, operation: 'rm', name: 'ci-rm' })
    expect(again.code).toBe(1)
    expect(again.errors.join('\n')).toContain('HTTP 404: Service account ci-rm not found')
  })

  test('a revoked token: 401 with the server message', async () => {
    const revoked = emulator.issueToken('alice')
    suite.secret(revoked)
    emulator.revoke(revoked)
    const list = await suite.step('main', { token: revoked, operation: 'list' })
    expect(list.code).toBe(1)
    expect(list.errors.join('\n')).toContain('list service accounts failed: HTTP 401: 401: Unauthorized')
  })
})

describe('bad input sends nothing', () => {
  test.each([
    [{ operation: 'destroy' }, 'Input "operation" must be one of create, list, get, rm'],
    [{ operation: 'get' }, 'Input "name" is required for operation "get"'],
    [{ name: 'Not_Valid' }, 'Input "name" must be lowercase letters'],
    [{ cleanup: 'yes' }, 'Input "cleanup" must be "true" or "false"']
  ])('%j', async (inputs, message) => {
    emulator.resetLog()
    const result = await suite.step('main', { token, ...inputs })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain(message)
    expect(emulator.requests).toEqual([])
  })

  test('a missing token', async () => {
    const result = await suite.step('main', { operation: 'list', token: '' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('Input "token" is required')
  })
})
