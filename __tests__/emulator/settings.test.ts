// The switches for new service accounts (emulator/settings.js): newTokenDelayMs and
// clustersNeedGrant.
import { describe, expect, test } from '@jest/globals'
import { startEmulator } from '../../emulator/server.js'
import { call, emulator, jwtOf, made, sleep, useFileEmulator, user } from '../helpers/emulator-api.js'
import type { ClusterJson } from '../helpers/emulator-api.js'

useFileEmulator()

const OAUTH_KEYS = [
  'auth_url',
  'token_url',
  'logout_url',
  'client_id',
  'audience',
  'callback_urls',
  'headless_callback_url',
  'success_redirect_url'
]

describe("a new account's token that works only after a delay (newTokenDelayMs)", () => {
  const DELAY = 1500

  test('until the delay has passed: /config not authorized (OAuth keys only), the API 401, as for an unknown token; then it works', async () => {
    const own = await startEmulator({ newTokenDelayMs: DELAY })
    try {
      expect(own.newTokenDelayMs).toBe(DELAY)
      const owner = own.tokens.alice
      const started = Date.now()
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: owner, body: { name: 'slow', default_cluster: 'default', default_project: 'p' } },
            own.url
          )
        ).text
      )
      // The server started the clock between `started` and now.
      const answered = Date.now()
      const jwt = jwtOf(account.token)
      const early = await call('GET', '/config', { token: jwt }, own.url)
      expect(early.status).toBe(200)
      expect(early.text).toBe((await call('GET', '/config', { token: 'x.y.z' }, own.url)).text)
      expect(Object.keys(JSON.parse(early.text))).toEqual(['authorized', ...OAUTH_KEYS])
      expect(JSON.parse(early.text).authorized).toBe(false)
      expect(await call('GET', '/service_accounts', { token: jwt }, own.url)).toMatchObject({
        status: 401,
        text: '401: Unauthorized'
      })
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      expect((await call('GET', path, { token: jwt }, own.url)).status).toBe(401)
      // The owner's token is not delayed, and the owner can already grant to the new role.
      expect((await call('GET', '/service_accounts/slow', { token: owner }, own.url)).status).toBe(200)
      expect(
        (await call('POST', path, { token: owner, body: [{ uri: 'storage://default/o/p', action: 'read' }] }, own.url))
          .status
      ).toBe(201)
      expect(Date.now() - started).toBeLessThan(DELAY)

      await sleep(answered + DELAY + 50 - Date.now())
      const late = JSON.parse((await call('GET', '/config', { token: jwt }, own.url)).text)
      expect(late).toMatchObject({ authorized: true, clusters: [expect.objectContaining({ name: 'default' })] })
      expect((await call('GET', '/service_accounts', { token: jwt }, own.url)).status).toBe(200)
      expect(JSON.parse((await call('GET', path, { token: jwt }, own.url)).text)).toEqual([
        { uri: 'storage://default/o/p', action: 'read' }
      ])
    } finally {
      await own.close()
    }
  })

  test('"never" (or Infinity): the token is never accepted; rm and revoke still work on it', async () => {
    const own = await startEmulator({ newTokenDelayMs: 'never' })
    try {
      expect(own.newTokenDelayMs).toBe(Infinity)
      expect(own.settings).toEqual({ newTokenDelayMs: 'never', clustersNeedGrant: false, keepAliveMs: 75_000 })
      const owner = own.tokens.alice
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: owner, body: { name: 'never', default_cluster: 'default', default_project: 'p' } },
            own.url
          )
        ).text
      )
      await sleep(300)
      expect(JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) }, own.url)).text).authorized).toBe(
        false
      )
      expect((await call('GET', '/service_accounts', { token: jwtOf(account.token) }, own.url)).status).toBe(401)
      expect((await call('DELETE', '/service_accounts/never', { token: owner }, own.url)).status).toBe(204)
      own.setNewTokenDelay(Infinity)
      expect(own.newTokenDelayMs).toBe(Infinity)
    } finally {
      await own.close()
    }
  })

  test("each token keeps the delay in force when its account was made; users' tokens are never delayed; a removed or revoked one never starts to work", async () => {
    const own = await startEmulator()
    const make = async (name: string) =>
      jwtOf(
        JSON.parse(
          (
            await call(
              'POST',
              '/service_accounts',
              { token: own.tokens.alice, body: { name, default_cluster: 'default', default_project: 'p' } },
              own.url
            )
          ).text
        ).token
      )
    const works = async (jwt: string) =>
      (await call('GET', '/service_accounts', { token: jwt }, own.url)).status === 200
    try {
      expect(own.newTokenDelayMs).toBe(0)
      const before = await make('before')
      own.setNewTokenDelay('never')
      const pending = await make('pending')
      own.setNewTokenDelay(300)
      const removed = await make('removed')
      const revoked = await make('revoked')
      const later = await make('later')
      own.setNewTokenDelay(0)
      const after = await make('after')
      expect(await Promise.all([before, pending, removed, revoked, later, after].map(works))).toEqual([
        true,
        false,
        false,
        false,
        false,
        true
      ])
      expect(await works(own.issueToken('carol'))).toBe(true)
      expect(await works(jwtOf(own.fullTokenFor('carol')))).toBe(true)
      expect((await call('DELETE', '/service_accounts/removed', { token: own.tokens.alice }, own.url)).status).toBe(204)
      own.revoke(revoked)
      await sleep(350)
      expect(await Promise.all([pending, removed, revoked, later].map(works))).toEqual([false, false, false, true])
    } finally {
      await own.close()
    }
  })

  test('bad values are refused, at start and at run time, and change nothing', async () => {
    for (const bad of [-1, 1.5, Number.NaN, 'soon', '100', null]) {
      await expect(startEmulator({ newTokenDelayMs: bad as number })).rejects.toThrow(
        /newTokenDelayMs must be a whole number/
      )
      expect(() => emulator.setNewTokenDelay(bad as number)).toThrow(/newTokenDelayMs must be a whole number/)
    }
    expect(() => emulator.setClustersNeedGrant('yes' as unknown as boolean)).toThrow(/true or false/)
    expect(() => emulator.updateSettings({ newTokenDelayMs: 5, clustersNeedGrant: 1 })).toThrow(/true or false/)
    expect(() => emulator.updateSettings({ newTokenDelay: 5 })).toThrow(/unknown setting: newTokenDelay/)
    expect(emulator.settings).toEqual({ newTokenDelayMs: 0, clustersNeedGrant: false, keepAliveMs: 75_000 })
  })
})

describe('clusters that a new account sees only once granted (clustersNeedGrant)', () => {
  const clusters = [
    { name: 'c1', orgs: ['o1'] },
    { name: 'c2', orgs: ['o2'] }
  ]
  const projects = [
    { name: 'p1', role: 'owner', cluster_name: 'c1', org_name: 'o1' },
    { name: 'p2', role: 'owner', cluster_name: 'c2', org_name: 'o2' },
    { name: 'p3', role: 'writer', cluster_name: 'c2', org_name: 'o2' }
  ]

  test('a service account sees the clusters its role holds a grant on, and their projects; users see everything', async () => {
    const own = await startEmulator({ clusters, projects, clustersNeedGrant: true })
    const owner = own.tokens.alice
    const configOf = async (token: string) => JSON.parse((await call('GET', '/config', { token }, own.url)).text)
    const seen = async (token: string) => {
      const config = await configOf(token)
      expect(config.authorized).toBe(true)
      return [config.clusters.map((c: ClusterJson) => c.name), config.projects.map((p: { name: string }) => p.name)]
    }
    try {
      expect(own.clustersNeedGrant).toBe(true)
      const account = JSON.parse(
        (
          await call(
            'POST',
            '/service_accounts',
            { token: owner, body: { name: 'ci', default_cluster: 'c2', default_project: 'p2' } },
            own.url
          )
        ).text
      )
      const jwt = jwtOf(account.token)
      const path = `/users/${account.role.replaceAll('/', ':')}/permissions`
      const grant = (uri: string) => call('POST', path, { token: owner, body: [{ uri, action: 'read' }] }, own.url)

      expect(await seen(owner)).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
      expect(await seen(jwt)).toEqual([[], []])
      expect((await grant('storage://c2/o2/p2/data')).status).toBe(201)
      expect(await seen(jwt)).toEqual([['c2'], ['p2', 'p3']])
      // The cluster as everyone else sees it, the SDK's keys and all.
      expect((await configOf(jwt)).clusters[0]).toEqual((await configOf(owner)).clusters[1])
      // A grant on a cluster that does not exist shows nothing more; one on another cluster does.
      await grant('storage://elsewhere/o/p')
      expect(await seen(jwt)).toEqual([['c2'], ['p2', 'p3']])
      await grant('image://c1/o1/p1/img')
      expect(await seen(jwt)).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
      expect(
        (
          await call(
            'DELETE',
            `${path}?uri=${encodeURIComponent('storage://c2/o2/p2/data')}`,
            { token: owner },
            own.url
          )
        ).status
      ).toBe(204)
      expect(await seen(jwt)).toEqual([['c1'], ['p1']])

      own.setClustersNeedGrant(false)
      expect(await seen(jwt)).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
      own.setClustersNeedGrant(true)
      expect(await seen(jwt)).toEqual([['c1'], ['p1']])
      // Users are never filtered, whatever they hold.
      expect(await seen(own.issueToken('bob'))).toEqual([
        ['c1', 'c2'],
        ['p1', 'p2', 'p3']
      ])
    } finally {
      await own.close()
    }
  })

  test('off by default: a new account sees every cluster at once', async () => {
    const { token } = user()
    const account = await made(token, { name: 'sees-all' })
    const config = JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) })).text)
    expect(emulator.clustersNeedGrant).toBe(false)
    expect(config.clusters.map((c: ClusterJson) => c.name)).toEqual(['default'])
    expect(config.projects).toHaveLength(1)
  })
})
