// Regression tests for the third security review (issue 15), through the built dist/ main
// and post, against a platform that answers whatever the test says: a create answer about
// another account, a flood of token pieces, lists bounded by accounts, a second way to the
// log, and failures named in one readable message.
import { describe, expect, test } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { foreignCommands, type StepResult } from '../helpers/action.js'
import { fakeFullToken, jsonAnswer, type Answer, type Request } from '../helpers/hostile-server.js'
import { useHostileSteps } from '../helpers/hostile-steps.js'

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
/** alice's bearer, naming her in the claim the platform reads the caller's identity from. */
const JWT = `${part({ alg: 'HS256' })}.${part({ 'https://platform.neuromation.io/user': 'alice' })}.c2lnbmF0dXJlLW9mLWFsaWNlcy10b2tlbg`
const TOKEN = fakeFullToken('created')
/** The account this run really makes. */
const REAL = 'service-account-0b5d2a1e-2a5c-4e3c-9b1e-3f2d9b8c7a61'
/** Another account of alice's, which a mixed-up answer names. */
const OTHER = 'service-account-99999999-8888-4777-8666-555555555555'

function account(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    default_cluster: 'default',
    default_project: 'p',
    default_org: null,
    id: REAL,
    role: `alice/service-accounts/${name}`,
    owner: 'alice',
    created_at: '2026-11-28T10:00:00+00:00',
    role_deleted: false,
    ...fields
  }
}
const prodDeployer = account('prod-deployer', { id: OTHER })

/**
 * A platform whose create answers `created(name asked for)`, whose look-ups find the account
 * really made under the name asked for (and prod-deployer under its own), and whose deletes work.
 */
function platform(created: (name: string) => Record<string, unknown>) {
  return (request: Request): Answer => {
    if (request.method === 'POST' && request.path === '/service_accounts') {
      const { name } = JSON.parse(request.body) as { name: string }
      return jsonAnswer(201, { ...created(name), token: TOKEN })
    }
    if (request.method === 'GET' && request.path.startsWith('/service_accounts/')) {
      const name = decodeURIComponent(request.path.split('/').pop()!)
      return jsonAnswer(200, name === 'prod-deployer' ? prodDeployer : account(name))
    }
    if (request.method === 'DELETE') return { status: 204 }
    if (request.path.startsWith('/users/')) return jsonAnswer(201, [])
    return jsonAnswer(200, { authorized: true, clusters: [{ name: 'default' }], projects: [] })
  }
}

const hostile = useHostileSteps(JWT, [JWT, TOKEN])
const step = hostile.step

const requests = (method: string) => hostile.server.requests.filter(r => r.method === method).map(r => r.path)
const naming = (result: StepResult, text: string) =>
  Object.entries(result.outputs).filter(([, value]) => value.includes(text))

describe('a create answer about another account is a lost create, never an account to keep', () => {
  test('generated name: outputs never name the other account, post never removes it, and the account made is removed', async () => {
    await hostile.serve(platform(() => prodDeployer))
    const main = await step('main', { 'max-attempts': '2' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toMatch(/the answer is about another account: its name is not "gha-/)
    expect([...naming(main, OTHER), ...naming(main, 'prod-deployer')]).toEqual([])
    // Each create's real account is found by the name asked for and removed.
    expect(requests('DELETE').length).toBeGreaterThan(0)
    expect(new Set(requests('DELETE'))).toEqual(new Set([`/service_accounts/${REAL}`]))
    expect(JSON.parse(main.state.account)).toEqual({ kind: 'none' })
    const post = await step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(requests('DELETE').filter(path => path.includes(OTHER) || path.includes('prod-deployer'))).toEqual([])
  })

  test('chosen name: the account that holds it is named, and nothing is removed', async () => {
    await hostile.serve(platform(() => prodDeployer))
    const main = await step('main', { name: 'ci', 'max-attempts': '2' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain(`apolo service-account rm ${REAL}`)
    expect(main.errors.join('\n')).not.toContain(OTHER)
    expect(naming(main, OTHER)).toEqual([])
    const post = await step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(requests('DELETE')).toEqual([])
  })

  test.each<[string, (name: string) => Record<string, unknown>]>([
    ['owner is not the caller', name => account(name, { owner: 'mallory', role: `mallory/service-accounts/${name}` })],
    ['role names another account', name => account(name, { role: 'alice/service-accounts/prod-deployer' })],
    ['role names another owner', name => account(name, { role: `bob/service-accounts/${name}` })],
    ['role is not a service account role', name => account(name, { role: name })],
    ['role holds a ":"', name => account(name, { owner: 'alice:x', role: `alice:x/service-accounts/${name}` })],
    ['role climbs out of its path', name => account(name, { role: `alice/../service-accounts/${name}` })]
  ])('%s: never granted, never saved, the account made removed', async (_, created) => {
    await hostile.serve(platform(created))
    const main = await step('main', { 'max-attempts': '1', permissions: 'storage://default/o/p read' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('the answer is about another account')
    expect(hostile.server.requests.filter(r => r.path.startsWith('/users/'))).toEqual([])
    expect(requests('DELETE')).toEqual([`/service_accounts/${REAL}`])
    expect(JSON.parse(main.state.account)).toEqual({ kind: 'none' })
  })
})

describe('a token answer that would flood the log with masks', () => {
  test('4 MiB of pieces: a bounded number of masks, none hiding the id the failure names', async () => {
    // Distinct pieces, which the old code masked one by one, among them the account id itself.
    const pieces = Array.from({ length: 320_000 }, (_, i) => `piece-${i.toString(36).padStart(6, '0')}`)
    const flood = [REAL, ...pieces].join(' ')
    expect(flood.length).toBeGreaterThan(3.9 * 2 ** 20)
    await hostile.serve(request => {
      if (request.method !== 'POST') return platform(name => account(name))(request)
      const { name } = JSON.parse(request.body) as { name: string }
      return jsonAnswer(201, { ...account(name), token: flood })
    })
    const main = await step('main', {})
    expect(main.code).toBe(1)
    // Besides the forms of the credential input, at most 16.
    expect(main.masks.filter(mask => !JWT.includes(mask)).length).toBeLessThanOrEqual(16)
    expect(main.masks.filter(mask => REAL.includes(mask) || mask.includes(REAL))).toEqual([])
    expect(main.errors.join('\n')).toContain(`not a full token`)
    expect(main.errors.join('\n')).toContain(`service account ${REAL} was removed again`)
    expect(requests('DELETE')).toEqual([`/service_accounts/${REAL}`])
  })

  test('a good token is masked as itself and its JWT, and nothing more', async () => {
    await hostile.serve(platform(name => account(name)))
    const main = await step('main', {})
    expect(main.code).toBe(0)
    const inner = (JSON.parse(Buffer.from(TOKEN, 'base64').toString()) as { token: string }).token
    expect(main.masks.filter(mask => mask === TOKEN || mask === inner).sort()).toEqual([TOKEN, inner].sort())
    await step('post', {}, { state: main.state })
  })
})

describe('lists are bounded by accounts, not only bytes', () => {
  test('an endless list of tiny accounts fails at 100,000, fast and in bounded memory', async () => {
    await hostile.serve(() => ({
      status: 200,
      headers: { 'content-type': 'application/x-ndjson' },
      body: { repeat: '{"id":"a","role":"r"}\n' }
    }))
    const rss = join(mkdtempSync(join(tmpdir(), 'rss-')), 'rss')
    const started = Date.now()
    const main = await step(
      'main',
      { operation: 'list' },
      { env: { NODE_OPTIONS: `--import=${join(process.cwd(), '__tests__/helpers/report-rss.mjs')}`, RSS_REPORT: rss } }
    )
    const seconds = (Date.now() - started) / 1000
    const megabytes = Number(readFileSync(rss, 'utf8')) / 1024
    console.log(`endless list: failed in ${seconds.toFixed(1)} s, peak RSS ${megabytes.toFixed(0)} MB`)
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('the list holds more than 100,000 accounts')
    expect(main.outputs.accounts).toBeUndefined()
    expect(seconds).toBeLessThan(20)
    expect(megabytes).toBeLessThan(250)
  })

  test('prune names at most 10 failures in its message, and counts the rest', async () => {
    const old = Array.from({ length: 25 }, (_, i) =>
      account(`old-${i}`, { id: `service-account-${String(i).padStart(4, '0')}`, created_at: '2020-01-01T00:00:00Z' })
    )
    await hostile.serve(request =>
      request.method === 'DELETE'
        ? jsonAnswer(403, { error: 'forbidden' })
        : {
            status: 200,
            headers: { 'content-type': 'application/x-ndjson' },
            body: old.map(a => JSON.stringify(a)).join('\n')
          }
    )
    const main = await step('main', { operation: 'prune', 'name-prefix': 'old-' })
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toContain('Could not remove 25 account(s)')
    expect(main.errors[0].match(/service-account-\d{4}: /g)).toHaveLength(10)
    expect(main.errors[0]).toContain('and 15 more')
  })
})

describe('nothing but the action writes to the log', () => {
  test('a missing GITHUB_EVENT_PATH whose name holds line breaks and commands starts none', async () => {
    await hostile.serve(platform(name => account(name)))
    const main = await step(
      'main',
      {},
      {
        env: {
          GITHUB_EVENT_PATH: '/nonexistent/event\n::set-output name=id::pwned\n::add-mask::build\n',
          GITHUB_REPOSITORY_ID: '777'
        }
      }
    )
    expect(main.code).toBe(0)
    expect(foreignCommands(main.stdout)).toEqual([])
    expect(main.stdout).not.toContain('/nonexistent/event')
    expect(main.outputs.id).toBe(REAL)
    // The run's identity came from the environment: repository id, run, attempt, job.
    expect(main.outputs.name).toMatch(/^gha-octo-repo-build-r777-4242-1-[0-9a-f]{16}$/)
    await step('post', {}, { state: main.state })
  })
})

describe('no output over the 1 MB GitHub keeps of one', () => {
  const huge = 'p'.repeat(1_500_000)
  const fields = [
    ['default_project', 'default-project'],
    ['default_cluster', 'default-cluster'],
    ['created_at', 'created-at']
  ] as const

  test.each(fields)('get: a 1.5 MB %s fails the step naming the %s output, which is not set', async (field, output) => {
    await hostile.serve(() => jsonAnswer(200, account('ci', { [field]: huge })))
    const main = await step('main', { operation: 'get', name: 'ci' })
    expect(main.code).toBe(1)
    expect(main.errors).toEqual([
      `the ${output} output would be 1.4 MB, over the 1 MB GitHub allows for one output, so it is not set`
    ])
    expect(main.outputs[output]).toBeUndefined()
    expect(Math.max(...Object.values(main.outputs).map(value => value.length))).toBeLessThan(1_000)
  })

  test('create: a 1.5 MB default_project fails main naming the output; no token is handed out and post removes the account', async () => {
    await hostile.serve(platform(name => account(name, { default_project: huge })))
    const main = await step('main', {})
    expect(main.code).toBe(1)
    expect(main.errors).toEqual([
      'the default-project output would be 1.4 MB, over the 1 MB GitHub allows for one output, so it is not set'
    ])
    expect(main.outputs['default-project']).toBeUndefined()
    expect(main.outputs.token).toBeUndefined()
    const post = await step('post', { cleanup: 'false' }, { state: main.state })
    expect(post.code).toBe(0)
    expect(requests('DELETE')).toEqual([`/service_accounts/${REAL}`])
  })
})
