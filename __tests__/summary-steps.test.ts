// The job summary and the log of whole steps (issue 25): a create, a failed create, a list
// too long for its output, a retried create, and the job-summary switch.
import { afterEach, expect, test } from '@jest/globals'
import { runInProcess } from './helpers/in-process.js'
import { useLoopbackEmulator } from './helpers/loopback-emulator.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let token: string
useLoopbackEmulator(loopback => ({ emulator, token } = loopback), { users: ['alice', 'many'] })
afterEach(() => emulator.setClustersNeedGrant(false))

const step = (kind: 'main' | 'post', inputs: Record<string, string>, state?: Record<string, string>) =>
  runInProcess(kind, { inputs: { 'api-url': emulator.url, token, ...inputs }, state })
const TARGET = { cluster: 'default', project: 'test-project', org: 'test-org' }
const lines = (stdout: string) => stdout.split(/\r?\n/).filter(line => !/^::(debug|add-mask)::/.test(line))

test('a create: the account, its grants, the API URL, the registry, the check and the warnings; Created before Granted', async () => {
  emulator.setClustersNeedGrant(true)
  const main = await step('main', { ...TARGET, name: 'summary-create', permissions: 'secret:api-key read' })
  expect(main.failed).toBe(false)
  const { id } = main.outputs
  const logged = lines(main.stdout)
  const created = logged.indexOf(
    `Created service account summary-create (${id}) on cluster default, project test-project, org test-org`
  )
  const granted = logged.indexOf(
    'Granted read on secret://default/test-org/test-project/api-key to alice/service-accounts/summary-create'
  )
  expect(created).toBeGreaterThanOrEqual(0)
  expect(granted).toBeGreaterThan(created)
  const api = emulator.url.replace('://', ':&#8288;//')
  expect(main.summary).toContain(`| ID | <code>${id}</code> |`)
  expect(main.summary).toContain('| Permissions | <code>secret://default/test-org/test-project/api-key</code> read |')
  expect(main.summary).toContain(`| API URL | <code>${api}</code> |`)
  // A grant on the cluster (a secret there) lets the new account see it, and its registry.
  expect(main.summary).toContain(`| Registry | <code>${main.outputs.registry}</code> |`)
  expect(main.summary).toContain('| Token checked | yes: the platform accepts it |')
  expect(main.summary).not.toContain('**Warnings**')
  await step('post', {}, main.state)

  const bare = await step('main', { ...TARGET, name: 'summary-bare' })
  expect(bare.warnings).toEqual([expect.stringContaining('sees no cluster "default"')])
  expect(bare.summary).toContain('| Registry | (unknown) |')
  expect(bare.summary).toContain('**Warnings**\n\n- The new account is accepted but sees no cluster &#34;default&#34;')
  await step('post', {}, bare.state)
})

test('a failed create: what failed and what was left, in the summary', async () => {
  const nope = await step('main', { cluster: 'nope', project: 'x' })
  expect(nope.failed).toBe(true)
  expect(nope.summary).toBe(
    [
      '### Apolo service account: create failed',
      '',
      'Input &#34;cluster&#34; names cluster &#34;nope&#34;, which this token cannot use&#59; it can use &#34;default&#34;',
      '',
      '**Left behind:** nothing: no service account was made, or the one made was removed again',
      '',
      ''
    ].join('\n')
  )
  // Post has nothing to say for a create that made nothing before its first request.
  const post = await step('post', {}, nope.state)
  expect(post.stdout).toBe('')

  emulator.addFault({ method: 'POST', path: /permissions$/, kind: 'status', status: 403 })
  emulator.addFault({ method: 'DELETE', path: /^\/service_accounts\//, kind: 'status', status: 403, times: Infinity })
  const stuck = await step('main', { ...TARGET, name: 'summary-stuck', permissions: 'storage: read' })
  const { id } = emulator.accounts().find(a => a.name === 'summary-stuck')!
  expect(stuck.summary).toContain('### Apolo service account: create failed')
  expect(stuck.summary).toContain('line 1 of permissions, read on storage://default/test-org/test-project')
  expect(stuck.summary).toContain(`**Left behind:** service account ${id}: the post step removes it`)
  emulator.clearFaults()
  expect((await step('post', {}, stuck.state)).failed).toBe(false)
  expect(emulator.account(id)).toBeUndefined()
})

test('a list over 1 MB: the summary does not point at the output it could not set', async () => {
  emulator.seedAccounts('many', 4_000, { namePrefix: 'many-' })
  const list = await step('main', { operation: 'list', token: emulator.issueToken('many') })
  expect(list.failed).toBe(true)
  expect(list.outputs.accounts).toBeUndefined()
  expect(list.summary).toContain('### Apolo service accounts (4000)')
  expect(list.summary).toContain(
    '… and 3900 more (nor in the accounts output: it would be over 1 MB, so it is not set).'
  )
  expect(list.summary).not.toContain("the step's output has them all")
  expect(list.summary).toContain('### Apolo service account: list failed')
  expect(list.summary).toContain('**Left behind:** nothing: this operation changes nothing')
})

test('a create that is retried and then succeeds leaves one notice and no warning', async () => {
  // The answer of the first create is lost after the platform made the account.
  emulator.addFault({ method: 'POST', path: '/service_accounts', kind: 'status-after', status: 502 })
  const main = await step('main', { ...TARGET })
  expect(main.failed).toBe(false)
  expect(main.warnings).toEqual([])
  const notices = main.stdout.split(/\r?\n/).filter(line => line.startsWith('::notice::'))
  expect(notices).toEqual([
    expect.stringMatching(
      /^::notice::The create succeeded after trouble: create service account failed: HTTP 502.*; checking whether .* was made anyway; removing service-account-\S+, made by the lost create/
    )
  ])
  await step('post', {}, main.state)
})

test('job-summary: false writes no summary, in main or post, failed or not', async () => {
  const main = await step('main', { ...TARGET, 'job-summary': 'False' })
  expect(main.failed).toBe(false)
  expect(main.summary).toBe('')
  const post = await step('post', { 'job-summary': 'false' }, main.state)
  expect(post.stdout).toContain('Removed service account')
  expect(post.summary).toBe('')
  const failed = await step('main', { cluster: 'nope', 'job-summary': 'FALSE' })
  expect(failed.failed).toBe(true)
  expect(failed.summary).toBe('')
  const bad = await step('main', { 'job-summary': 'no' })
  expect(bad.errors).toEqual(['Input "job-summary" must be true or false (or True, TRUE, False, FALSE); got "no"'])
  expect(bad.summary).toContain('### Apolo service account: create failed')
  // Post does not fail again on what main has failed on.
  expect((await step('post', { 'job-summary': 'no' })).failed).toBe(false)
})
