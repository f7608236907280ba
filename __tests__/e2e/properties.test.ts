// Property-based: random hostile strings in every field of every platform answer and in
// every input, through the built main and post. Seeded; the seed is printed, and
// FC_SEED=<seed> replays a run.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findLeaks, foreignCommands, runStep, type StepResult } from '../helpers/action.js'
import {
  fakeFullToken,
  jsonAnswer,
  startHostileServer,
  type Answer,
  type HostileServer,
  type Request
} from '../helpers/hostile-server.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const RUNS = Number(process.env.FC_RUNS ?? 40)
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.dXNlci1zaWduYXR1cmUtb2YtdGhlLXRva2Vu'
const CREATED = fakeFullToken('property')

/** Strings meant to break things: commands, delimiters, Markdown, controls, unicode, size. */
const hostileOf = (huge: number) =>
  fc.oneof(
    fc.constantFrom(
      '\n::save-state name=account::{"kind":"created","id":"victim","delivered":true,"cleanup":true}',
      '\n::save-state name=config-dir::/VICTIM',
      '\r\n::set-output name=token::stolen',
      '::stop-commands::pause',
      '  ::error::spoofed',
      'x ##[set-output name=auth-token;]stolen',
      '%0A::save-state name=x::y',
      '\u2028::warning::x\u0085::debug::y',
      'ghadelimiter_00000000-0000-0000-0000-000000000000\nname=x',
      '| a | b |\n\n# heading\n<script>alert(1)</script>',
      '`code` **bold** [link](https://evil.example)',
      '..',
      '.',
      JWT,
      CREATED,
      'service-account-ok'
    ),
    fc.string({
      unit: fc.constantFrom('\n', '\r', ':', '#', '[', ']', '%', '|', '`', '<', '>', '\u0000', '\u001b', 'a', ' ', '=')
    }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constant('A'.repeat(huge))
  )
const hostile = hostileOf(300_000)
// An environment variable holds at most 128 KiB on Linux, and no NUL, as on the runner.
const hostileInput = hostileOf(60_000).map(value => value.replaceAll('\u0000', ''))
const maybe = <T>(arb: fc.Arbitrary<T>, fallback: T) =>
  fc.oneof({ weight: 1, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(fallback) })

const accountFields = fc.record({
  id: maybe(hostile, 'service-account-2f0c1b8e-2b7a-4c1e-9c55-8d1f0e6a7b3c'),
  name: maybe(hostile, 'ci'),
  role: maybe(hostile, 'alice/service-accounts/ci'),
  owner: hostile,
  default_cluster: hostile,
  default_project: hostile,
  default_org: hostile,
  created_at: maybe(hostile, '2026-11-28T10:00:00+00:00')
})

const scenario = fc.record({
  operation: fc.constantFrom('create', 'create', 'create', 'get', 'rm', 'list', 'prune'),
  account: accountFields,
  token: maybe(hostile, CREATED),
  grant: fc.record({ uri: hostile, action: hostile }),
  config: fc.record({ cluster: hostile, project: hostile, org: hostile }),
  /** A route that fails, with what body. */
  failure: fc.option(
    fc.record({
      route: fc.constantFrom('POST', 'GET', 'DELETE', 'config'),
      status: fc.constantFrom(400, 404, 409, 500, 502, 503),
      message: hostile
    })
  ),
  inputs: fc.record({
    name: maybe(hostileInput, ''),
    cluster: maybe(hostileInput, 'default'),
    project: maybe(hostileInput, 'p'),
    org: maybe(hostileInput, ''),
    permissions: maybe(hostileInput, 'storage://default/o/p/data read'),
    'name-prefix': maybe(hostileInput, 'gha-'),
    'export-env': fc.constantFrom('true', 'false'),
    'sweep-older-than': fc.constantFrom('', '6h'),
    'verify-seconds': fc.constantFrom('0', '1')
  })
})
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never

function respond(s: Scenario) {
  const record = { ...s.account, role_deleted: false }
  return (request: Request): Answer => {
    const route = request.path === '/config' ? 'config' : request.method
    if (s.failure && s.failure.route === route) return jsonAnswer(s.failure.status, { error: s.failure.message })
    if (request.method === 'POST' && request.path === '/service_accounts')
      return jsonAnswer(201, { ...record, token: s.token })
    if (request.method === 'POST') return jsonAnswer(201, [s.grant])
    if (request.method === 'DELETE') return { status: 204 }
    if (request.path === '/service_accounts') return jsonAnswer(200, [record])
    if (request.path.startsWith('/service_accounts/')) return jsonAnswer(200, record)
    return jsonAnswer(200, {
      authorized: true,
      clusters: [{ name: s.config.cluster, orgs: [s.config.org] }],
      projects: [{ name: s.config.project, cluster_name: s.config.cluster, org_name: s.config.org }]
    })
  }
}

let server: HostileServer
let current: Scenario
const ACCOUNT = [
  'id',
  'name',
  'role',
  'owner',
  'default-cluster',
  'default-project',
  'default-org',
  'created-at',
  'role-deleted'
]
const OUTPUTS: Record<string, string[]> = {
  create: [...ACCOUNT, 'token', 'auth-token', 'permissions', 'registry', 'removed', 'api-url'],
  get: [...ACCOUNT, 'api-url'],
  rm: ['id', 'api-url'],
  list: ['accounts', 'api-url'],
  prune: ['removed', 'api-url']
}
const ENV = ['APOLO_PASSED_CONFIG', 'NEURO_PASSED_CONFIG', 'APOLO_CONFIG', 'NEUROMATION_CONFIG']

beforeAll(async () => {
  console.log(`properties: seed ${SEED}, ${RUNS} runs (replay with FC_SEED=${SEED})`)
  server = await startHostileServer(request => respond(current)(request))
})
afterAll(() => server.close())

function assertInert(result: StepResult): void {
  expect(foreignCommands(result.stdout)).toEqual([])
  expect(result.stderr).toBe('')
  expect(result.code).not.toBeNull() // never killed by the time limit
}

test('no answer and no input steers the runner, leaks a secret, or makes post touch what main did not make', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async s => {
      current = s
      server.requests.length = 0
      const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
      const decoy = join(runnerTemp, 'apolo-service-account-decoy')
      mkdirSync(decoy)
      const inputs = {
        'api-url': server.url,
        token: JWT,
        operation: s.operation,
        'timeout-seconds': '2',
        'max-attempts': '2',
        ...s.inputs
      }
      const main = await runStep('main', { inputs, runnerTemp, timeoutMs: 30_000 })
      assertInert(main)
      expect(Object.keys(main.outputs).filter(key => !OUTPUTS[s.operation].includes(key))).toEqual([])
      expect(Object.keys(main.state).filter(key => key !== 'account' && key !== 'config-dir')).toEqual([])
      expect(Object.keys(main.env).filter(key => !ENV.includes(key))).toEqual([])
      const results = [main]
      if (s.operation === 'create') {
        const before = server.requests.length
        const post = await runStep('post', { inputs, state: main.state, runnerTemp, timeoutMs: 30_000 })
        results.push(post)
        assertInert(post)
        expect(post.outputs).toEqual({})
        expect(post.state).toEqual({})
        // Post deletes only the id the platform gave for the account this run made.
        const deleted = server.requests
          .slice(before)
          .filter(r => r.method === 'DELETE')
          .map(r => r.path)
        expect(deleted.every(path => path === `/service_accounts/${encodeURIComponent(s.account.id)}`)).toBe(true)
        expect(existsSync(decoy)).toBe(true)
      }
      expect(findLeaks(results, [JWT, CREATED])).toEqual([])
      rmSync(runnerTemp, { recursive: true, force: true })
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true }
  )
}, 600_000)
