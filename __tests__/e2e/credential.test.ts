// A credential proven to work, a registry, a sweep of earlier runs' leftovers, a private CA:
// through the built action against the emulator.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeCertificate, startTlsFront, type Certificate, type TlsFront } from '../helpers/tls.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'
import { generatedName, randomNamePart } from '../../src/platform/names.js'

let emulator: Emulator
const suite = useEmulator(started => {
  emulator = started
})
const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }
const hour = 3600

describe('verification', () => {
  test('the common case costs one request as the new account, and gives the registry host', async () => {
    emulator.resetLog()
    const main = await suite.step('main', defaults)
    expect(main.code).toBe(0)
    // The owner's GET /config (the cluster check) first, then one as the new account.
    const configs = emulator.requests.filter(r => r.path.endsWith('/config'))
    const asNew = `Bearer ${main.outputs['auth-token']}`
    expect(configs.map(r => r.headers.authorization === asNew)).toEqual([false, true])
    const config = JSON.parse(Buffer.from(main.outputs.token, 'base64').toString()).url
    expect(config).toBe(emulator.url)
    expect(main.outputs.registry).toMatch(/^[a-z0-9.-]+(:\d+)?$/)
    await suite.step('post', {}, { state: main.state })
  })

  test('verify-seconds: 0 makes no request as the new account and leaves registry empty', async () => {
    emulator.resetLog()
    const main = await suite.step('main', { ...defaults, 'verify-seconds': '0' })
    expect(main.code).toBe(0)
    const configs = emulator.requests.filter(r => r.path.endsWith('/config'))
    expect(configs.map(r => r.headers.authorization === `Bearer ${main.outputs['auth-token']}`)).toEqual([false])
    expect(main.outputs.registry).toBe('')
    await suite.step('post', {}, { state: main.state })
  })
})

describe('verification waits for a token the platform does not accept yet', () => {
  afterEach(() => emulator.setNewTokenDelay(0))

  test('accepted after 2 s: main asks every 250 ms (give or take a fifth) and hands it out', async () => {
    emulator.setNewTokenDelay(2_000)
    emulator.resetLog()
    const started = Date.now()
    const main = await suite.step('main', defaults)
    expect(main.code).toBe(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000)
    // The first right after the create, then one each 200 to 300 ms until it works.
    const tries = emulator.requests.filter(r => r.path.endsWith('/config'))
    expect(tries.length).toBeGreaterThanOrEqual(7)
    expect(tries.length).toBeLessThanOrEqual(11)
    await suite.step('post', {}, { state: main.state })
  })

  test('never accepted: the account is removed when verify-seconds runs out, and the step fails', async () => {
    emulator.setNewTokenDelay(Infinity)
    const started = Date.now()
    const main = await suite.step('main', { ...defaults, 'verify-seconds': '3' })
    expect(main.code).toBe(1)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(main.errors.join('\n')).toMatch(
      /the new token was still not accepted after 3 s \(GET \/config answered "authorized": false\); service account service-account-\S+ was removed again/
    )
    expect(main.outputs.token).toBeUndefined()
    expect(emulator.accounts()).toEqual([])
    const post = await suite.step('post', {}, { state: main.state })
    expect(post.stdout).toContain('nothing to remove')
  })
})

describe('an account that sees no cluster of its own', () => {
  afterEach(() => emulator.setClustersNeedGrant(false))

  test('is handed out with a warning that names what to grant', async () => {
    emulator.setClustersNeedGrant(true)
    const main = await suite.step('main', defaults)
    expect(main.code).toBe(0)
    expect(main.warnings.join('\n')).toContain(
      'sees no cluster "default": a CLI login (export-env) will fail with "No clusters configured"'
    )
    expect(main.outputs.registry).toBe('')
    await suite.step('post', {}, { state: main.state })
  })

  test('granted a permission on its cluster, it sees it: no warning, and the registry host', async () => {
    emulator.setClustersNeedGrant(true)
    const main = await suite.step('main', {
      ...defaults,
      permissions: 'storage://default/test-org/test-project/data read'
    })
    expect(main.code).toBe(0)
    expect(main.warnings).toEqual([])
    expect(main.outputs.registry).toBe('registry.default.emulator.test')
    await suite.step('post', {}, { state: main.state })
  })
})

describe('outputs every operation and option sets', () => {
  test('api-url is set by every operation', async () => {
    for (const inputs of [
      { operation: 'list' },
      { operation: 'prune', 'name-prefix': 'none-', 'dry-run': 'true' }
    ] as Record<string, string>[]) {
      const main = await suite.step('main', inputs)
      expect(main.outputs['api-url']).toBe(emulator.url)
    }
  })

  test('output-token: false leaves token and auth-token unset; the CLI login still gets it', async () => {
    const main = await suite.step('main', { ...defaults, 'output-token': 'false', 'export-env': 'true' })
    expect(main.code).toBe(0)
    expect(main.outputs.token).toBeUndefined()
    expect(main.outputs['auth-token']).toBeUndefined()
    expect(main.env.APOLO_PASSED_CONFIG).toMatch(/^eyJ0b2tlbi/)
    suite.secret(main.env.APOLO_PASSED_CONFIG)
    await suite.step('post', {}, { state: main.state, runnerTemp: main.runnerTemp })
  })

  test('output-token: false without export-env is refused before any request', async () => {
    emulator.resetLog()
    const main = await suite.step('main', { ...defaults, 'output-token': 'false' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('Input "output-token" can be "false" only with export-env: "true"')
    expect(emulator.requests).toEqual([])
  })

  test('an image permission with a tag or digest is refused before any request', async () => {
    emulator.resetLog()
    for (const uri of [
      'image://default/test-org/test-project/trainer:v1',
      'image://default/test-org/test-project/trainer@sha256:abc'
    ]) {
      const main = await suite.step('main', { ...defaults, permissions: `${uri} read` })
      expect(main.code).toBe(1)
      expect(main.errors.join('\n')).toContain('names an image with a tag or digest')
    }
    expect(emulator.requests).toEqual([])
  })
})

describe('sweep-older-than', () => {
  // The runner's repository is octo-org/octo-repo and its run 4242 (scripts/local-runner.js);
  // these tests give it the repository id 7001.
  const env = { GITHUB_REPOSITORY_ID: '7001' }
  const ours = (
    runId: string,
    job = 'build',
    runAttempt = '1',
    repositoryId = '7001',
    repository = 'octo-org/octo-repo'
  ) => generatedName({ repository, repositoryId, runId, runAttempt, job }, randomNamePart())
  const swept = [ours('1000'), ours('1001', '', '2')]
  const kept = [
    ours('1002'), // an earlier run's, young
    ours('4242'), // the current run's, however old
    ours('1003', 'build', '1', '7002', 'octo-org/octo-repo-2.0'), // another repository's
    ours('1003', 'build', '1', '7003', 'octo-org/octo_repo'), // another repository's, alike but for "_"
    ours('1003', 'build', '1', '7004', 'octo-org/Octo-Repo'), // another repository's, alike but for case
    'gha-octo-repo-1000-1-build-a1b2c3', // the 1.0.0 shape: only a prune by prefix removes these
    'ci-octo-repo-1005' // someone's own
  ]
  beforeAll(() => {
    for (const name of [...swept, ...kept]) {
      const age = name === kept[0] ? 1 : 48
      emulator.seedAccount('alice', { name, created_at: new Date(Date.now() - age * hour * 1000).toISOString() })
    }
  })
  const names = () => emulator.accounts().map(a => a.name)

  test("removes only this repository's generated leftovers of other runs, older than the limit", async () => {
    const main = await suite.step('main', { ...defaults, 'sweep-older-than': '1d' }, { env })
    expect(main.code).toBe(0)
    expect(
      JSON.parse(main.outputs.removed)
        .map((a: { name: string }) => a.name)
        .sort()
    ).toEqual([...swept].sort())
    expect(main.stdout).toContain(`Swept ${swept[0]}`)
    expect(main.summary).toContain("Swept earlier runs' leftover Apolo service accounts (2)")
    expect(names()).toEqual(expect.arrayContaining(kept))
    await suite.step('post', {}, { state: main.state })
  })

  test('a sweep that fails is a warning: the create goes on', async () => {
    emulator.seedAccount('alice', {
      name: 'gha-octo-repo-1006-1-build-a1b2c8',
      created_at: '2020-01-01T00:00:00+00:00'
    })
    emulator.addFault({ method: 'GET', path: '/service_accounts', kind: 'status', status: 500, times: Infinity })
    const main = await suite.step('main', { ...defaults, 'sweep-older-than': '6h' })
    expect(main.code).toBe(0)
    expect(main.warnings.join('\n')).toContain("Could not sweep earlier runs' leftover accounts")
    expect(main.outputs.id).toMatch(/^service-account-/)
    emulator.clearFaults()
    await suite.step('post', {}, { state: main.state })
  })

  test('under 6h is refused before any request', async () => {
    emulator.resetLog()
    const main = await suite.step('main', { ...defaults, 'sweep-older-than': '5h' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('Input "sweep-older-than" must be a duration of at least 6h')
    expect(emulator.requests).toEqual([])
  })

  afterAll(async () => {
    for (const account of emulator.accounts()) await suite.step('main', { operation: 'rm', name: account.id })
  })
})

describe('ca-certificate: a platform behind a private CA', () => {
  let certificate: Certificate
  let front: TlsFront
  beforeAll(async () => {
    certificate = await makeCertificate({ ips: ['127.0.0.1'] })
    front = await startTlsFront(certificate, emulator.port)
  })
  afterAll(() => front.close())

  test('trusted through the input, main and post work over TLS', async () => {
    const inputs = {
      ...defaults,
      'api-url': `https://127.0.0.1:${front.port}/api/v1`,
      'ca-certificate': certificate.cert
    }
    const main = await suite.step('main', inputs)
    expect(main.code).toBe(0)
    const post = await suite.step('post', inputs, { state: main.state })
    expect(post.code).toBe(0)
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  test('without it, a clear TLS failure that is not retried', async () => {
    emulator.resetLog()
    const main = await suite.step('main', { operation: 'list', 'api-url': `https://127.0.0.1:${front.port}/api/v1` })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toMatch(/self.signed|SELF_SIGNED|unable to verify/i)
    expect(emulator.requests).toEqual([])
  })

  describe('the CAs Node already trusts still count beside it', () => {
    let caFile: string
    let listOverTls: Record<string, string>
    beforeAll(async () => {
      caFile = join(mkdtempSync(join(tmpdir(), 'platform-ca-')), 'ca.pem')
      writeFileSync(caFile, certificate.cert)
      const unrelated = await makeCertificate({ ips: ['127.0.0.1'] })
      listOverTls = {
        operation: 'list',
        'api-url': `https://127.0.0.1:${front.port}/api/v1`,
        'ca-certificate': unrelated.cert
      }
    })

    test('NODE_EXTRA_CA_CERTS', async () => {
      const main = await suite.step('main', listOverTls, { env: { NODE_EXTRA_CA_CERTS: caFile } })
      expect([main.code, main.errors]).toEqual([0, []])
    })

    // Node lists no CAs under --use-openssl-ca, and a `ca` list replaces OpenSSL's store: the
    // public API cannot add to it (docs/troubleshooting.md, "Which CAs are trusted"). Without the input, the store counts.
    test("OpenSSL's store, under --use-openssl-ca, counts only without ca-certificate", async () => {
      const env = { NODE_OPTIONS: '--use-openssl-ca', SSL_CERT_FILE: caFile }
      const withInput = await suite.step('main', listOverTls, { env })
      expect(withInput.code).toBe(1)
      expect(withInput.errors.join('\n')).toMatch(/self.signed|SELF_SIGNED|unable to verify/i)
      const withoutInput = await suite.step('main', { ...listOverTls, 'ca-certificate': '' }, { env })
      expect([withoutInput.code, withoutInput.errors]).toEqual([0, []])
    })

    test('and without any of them, the unrelated CA alone does not', async () => {
      const main = await suite.step('main', listOverTls)
      expect(main.code).toBe(1)
      expect(main.errors.join('\n')).toMatch(/self.signed|SELF_SIGNED|unable to verify/i)
    })
  })

  test('text that is not PEM is refused, naming the input', async () => {
    const main = await suite.step('main', { operation: 'list', 'ca-certificate': 'not a certificate' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('Input "ca-certificate" must be PEM text')
  })
})
