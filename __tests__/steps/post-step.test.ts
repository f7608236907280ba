// The post step (docs/cleanup.md), run in this process against the emulator.
import { describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let inputs: Record<string, string>

useLoopbackEmulator(loopback => {
  emulator = loopback.emulator
  inputs = {
    'api-url': emulator.url,
    token: loopback.token,
    'timeout-seconds': '2',
    'max-attempts': '2'
  }
})

const created = (id: string, fields: { delivered?: boolean; cleanup?: boolean } = {}) => ({
  account: JSON.stringify({ kind: 'created', id, delivered: true, cleanup: true, ...fields })
})
const pending = (name: string, generated: boolean) => ({
  account: JSON.stringify({ kind: 'pending', name, generated, cleanup: true, tokenAccepted: false })
})
const post = (state: Record<string, string>) => runInProcess('post', { inputs, state })
const seed = (name: string) => emulator.seedAccount('alice', { name })
const refuse = (method: string, status: number) =>
  emulator.addFault({
    method,
    path: /^\/service_accounts\//,
    kind: 'status',
    status,
    times: Infinity,
    body: '{"error": "refused"}',
    headers: { 'content-type': 'application/json' }
  })

describe('an account main made', () => {
  test('is removed, and the summary says so', async () => {
    const account = seed('post-removed')
    const result = await post(created(account.id))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
    expect(result.stdout).toContain(`Removed service account ${account.id}; its token is revoked.`)
    expect(result.summary).toContain(account.id)
    expect(result.summary).toContain('removed')
  })

  test('already gone (DELETE answered 404, and so does a GET of it) is a warning, not a failure', async () => {
    const account = seed('post-gone')
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${account.id}`, kind: 'status-after', status: 404 })
    const result = await post(created(account.id))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
    expect(result.warnings).toEqual([`Service account ${account.id} was already gone.`])
    expect(result.summary).toContain('already gone')
  })

  test('an account an rm step of this job removed is no warning: post says it was revoked on purpose', async () => {
    const account = seed('post-revoked-mid-job')
    const removedBy = await runInProcess('main', {
      inputs: { ...inputs, operation: 'rm', name: account.id },
      env: { APOLO_SERVICE_ACCOUNTS_REMOVED: '%0A::error::no' }
    })
    expect(removedBy.failed).toBe(false)
    expect(removedBy.env.APOLO_SERVICE_ACCOUNTS_REMOVED).toBe(account.id)
    const result = await runInProcess('post', {
      inputs,
      state: created(account.id),
      env: { APOLO_SERVICE_ACCOUNTS_REMOVED: `other-id ${removedBy.env.APOLO_SERVICE_ACCOUNTS_REMOVED}` }
    })
    expect(result.failed).toBe(false)
    expect(result.warnings).toEqual([])
    expect(result.stdout).toContain(
      `Service account ${account.id} was removed earlier in this job (operation: rm); its token is revoked.`
    )
    expect(result.summary).toContain('removed earlier in this job')
  })

  test('an rm step of this job that names the account is believed only once a GET shows it gone', async () => {
    const account = seed('post-claimed-removed')
    emulator.addFault({
      method: 'DELETE',
      path: `/service_accounts/${account.id}`,
      kind: 'status',
      status: 404,
      times: Infinity
    })
    const result = await runInProcess('post', {
      inputs,
      state: created(account.id),
      env: { APOLO_SERVICE_ACCOUNTS_REMOVED: account.id }
    })
    expect(result.failed).toBe(true)
    expect(emulator.account(account.id)).toBeDefined()
    expect(result.stdout).not.toContain('removed earlier in this job')
  })

  test("a 404 to its DELETE that a GET shows was not the platform's (a gateway's HTML page) fails the step, naming the account", async () => {
    const account = seed('post-gateway-404')
    emulator.addFault({
      method: 'DELETE',
      path: `/service_accounts/${account.id}`,
      kind: 'status',
      status: 404,
      times: Infinity,
      body: '<html><body><h1>404 Not Found</h1>nginx</body></html>',
      headers: { 'content-type': 'text/html' }
    })
    const result = await post(created(account.id))
    expect(result.failed).toBe(true)
    expect(emulator.account(account.id)).toBeDefined()
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(`Service account ${account.id} could not be removed`)
    expect(result.errors[0]).toContain('answered 404 to its removal, but it is still there')
    expect(result.errors[0]).toContain(`Remove it by hand: apolo service-account rm ${account.id}`)
    expect(result.warnings.join('\n')).not.toContain('already gone')
    expect(result.summary).toContain('NOT removed')
  })

  test('a 404 to its DELETE, then a GET that cannot tell, fails the step naming the account', async () => {
    const account = seed('post-404-unsure')
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${account.id}`, kind: 'status', status: 404 })
    refuse('GET', 403)
    const result = await post(created(account.id))
    expect(result.failed).toBe(true)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(`Service account ${account.id} could not be removed`)
    expect(result.errors[0]).toContain('HTTP 403')
    expect(result.errors[0]).toContain(`Remove it by hand: apolo service-account rm ${account.id}`)
    expect(result.warnings.join('\n')).not.toContain('already gone')
  })

  test.each([403, 400, 401])(
    'only a 404 means already gone: DELETE answered %i fails the step, naming the account to remove by hand',
    async status => {
      const account = seed(`post-refused-${status}`)
      refuse('DELETE', status)
      const result = await post(created(account.id))
      expect(result.failed).toBe(true)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toContain(`Service account ${account.id} could not be removed`)
      expect(result.errors[0]).toContain(`apolo service-account rm ${account.id}`)
      expect(result.warnings.join('\n')).not.toContain('already gone')
      expect(result.summary).toContain('NOT removed')
      expect(emulator.account(account.id)).toBeDefined()
    }
  )

  test("a 401 on its removal is the auth service's hiccup: main saw this token work, so the removal is tried again", async () => {
    const account = seed('post-hiccup')
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${account.id}`, kind: 'auth-hiccup' })
    const result = await post(created(account.id))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
  })

  test('with cleanup false and its token delivered, is kept', async () => {
    const account = seed('post-kept')
    const result = await post(created(account.id, { cleanup: false }))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeDefined()
    expect(result.stdout).toContain(`cleanup is false: service account ${account.id} is kept.`)
    expect(result.summary).toContain('kept')
  })

  test('whose token never reached the workflow, is removed even with cleanup false', async () => {
    const account = seed('post-undelivered')
    const result = await post(created(account.id, { cleanup: false, delivered: false }))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
  })
})

describe('a create whose answer main never saw', () => {
  test('of a generated name: the account found under it is removed', async () => {
    const account = seed('gha-octo-repo-4242-1-lost')
    const result = await post(pending(account.name!, true))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
    expect(result.warnings[0]).toContain(`removing ${account.id}`)
  })

  test('of a chosen name: the account found under it is left, with a warning naming it', async () => {
    const account = seed('post-chosen')
    const result = await post(pending('post-chosen', false))
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeDefined()
    expect(result.warnings).toEqual([
      `Main stopped before it saw the create of "post-chosen" finish. An account of that name exists (${account.id}); ` +
        `it may be this run's or another job's, so it is left. If it is this run's, remove it: apolo service-account rm ${account.id}`
    ])
    expect(result.summary).toContain('left')
  })

  test('of a chosen name that nothing holds: nothing to remove', async () => {
    const result = await post(pending('post-nothing', false))
    expect(result.failed).toBe(false)
    expect(result.stdout).toContain('The create of "post-nothing" made no account: nothing to remove.')
  })

  test('a 401 on the look-up is taken as said: no create was seen to succeed with this token', async () => {
    emulator.addFault({ method: 'GET', path: '/service_accounts/post-unproven', kind: 'auth-hiccup' })
    emulator.resetLog()
    const result = await post(pending('post-unproven', false))
    expect(result.failed).toBe(true)
    expect(result.errors[0]).toContain('post-unproven could not be removed')
    expect(emulator.requests.filter(r => r.method === 'GET')).toHaveLength(1)
  })

  test.each([
    [403, true],
    [403, false],
    [400, true]
  ])(
    'only a 404 means no such account: a look-up answered %i (generated name: %s) fails the step',
    async (status, generated) => {
      refuse('GET', status)
      const result = await post(pending('gha-octo-repo-4242-1-lookup', generated))
      expect(result.failed).toBe(true)
      expect(result.stdout).not.toContain('made no account')
      expect(result.errors[0]).toContain('gha-octo-repo-4242-1-lookup could not be removed')
    }
  )
})

describe('what post is told', () => {
  test('no record (list, get, rm, prune, or a create stopped by its inputs): silent, no request', async () => {
    emulator.resetLog()
    const result = await post({})
    expect(result.failed).toBe(false)
    expect(result.stdout).toBe('')
    expect(result.summary).toBe('')
    expect(emulator.requests).toEqual([])
  })

  test('a create that made nothing: says so, no request', async () => {
    emulator.resetLog()
    const result = await post({ account: '{"kind":"none"}' })
    expect(result.stdout).toContain('No service account was created by this step: nothing to remove.')
    expect(emulator.requests).toEqual([])
  })

  test('a record this action does not write: a warning, no request', async () => {
    emulator.resetLog()
    const result = await post({ account: '{"kind":"created","id":"../x","delivered":true,"cleanup":true}' })
    expect(result.failed).toBe(false)
    expect(result.warnings).toEqual(['The saved state is not one this action writes: nothing is removed.'])
    expect(emulator.requests).toEqual([])
  })

  test('the CLI config folder main made is removed; a folder it did not make is left with a warning', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'post-temp-'))
    const made = mkdtempSync(join(runnerTemp, 'apolo-service-account-'))
    const other = join(runnerTemp, 'other')
    mkdirSync(other)
    const removed = await runInProcess('post', {
      inputs,
      state: { 'config-dir': made },
      env: { RUNNER_TEMP: runnerTemp }
    })
    expect(existsSync(made)).toBe(false)
    expect(removed.warnings).toEqual([])
    const left = await runInProcess('post', {
      inputs,
      state: { 'config-dir': other },
      env: { RUNNER_TEMP: runnerTemp }
    })
    expect(existsSync(other)).toBe(true)
    expect(left.warnings[0]).toContain(`Left the folder ${other}`)
    rmSync(runnerTemp, { recursive: true, force: true })
  })

  test('a CLI config folder that cannot be checked is a warning naming it: post goes on', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'post-temp-'))
    const made = mkdtempSync(join(runnerTemp, 'apolo-service-account-'))
    // The runner's temp folder the record is checked against is gone.
    const result = await runInProcess('post', {
      inputs,
      state: { 'config-dir': made },
      env: { RUNNER_TEMP: join(runnerTemp, 'gone') }
    })
    expect(result.failed).toBe(false)
    expect(result.warnings).toEqual([expect.stringMatching(/^Could not remove the CLI config folder .*: .*ENOENT/)])
    expect(result.warnings[0]).toContain(made)
    rmSync(runnerTemp, { recursive: true, force: true })
  })
})

describe('post, a refusal and the job-summary input', () => {
  test('a removal refused with a 500 fails with that refusal, not as a 404 that left the account', async () => {
    const account = emulator.seedAccount('alice', { name: 'post-refused-500' })
    emulator.addFault({
      method: 'DELETE',
      path: `/service_accounts/${account.id}`,
      kind: 'status',
      status: 500,
      times: Infinity,
      body: '{"error": "boom"}',
      headers: { 'content-type': 'application/json' }
    })
    const result = await runInProcess('post', { inputs, state: created(account.id) })
    expect(result.failed).toBe(true)
    expect(emulator.account(account.id)).toBeDefined()
    expect(result.errors.join('\n')).toContain('500')
    expect(result.errors.join('\n')).not.toContain('answered 404')
  })

  test('job-summary: false leaves the job summary empty in post as well', async () => {
    const account = emulator.seedAccount('alice', { name: 'post-quiet' })
    const result = await runInProcess('post', {
      inputs: { ...inputs, 'job-summary': 'false' },
      state: created(account.id)
    })
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
    expect(result.stdout).toContain(`Removed service account ${account.id}`)
    expect(result.summary).toBe('')
  })
})
