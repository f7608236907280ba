// GET /config (emulator/routes.js): the clusters and projects a caller sees, as the apolo SDK
// reads them.
import { describe, expect, test } from '@jest/globals'
import { REGISTRY_DOMAIN, registryUrl, startEmulator } from '../../emulator/server.js'
import { call, decode, useFileEmulator, user } from '../helpers/emulator-api.js'
import type { ClusterJson } from '../helpers/emulator-api.js'

useFileEmulator()

describe('GET /config', () => {
  test('with a working token: authorized, with the clusters and projects the SDK parses', async () => {
    const { token } = user()
    const reply = await call('GET', '/config', { token })
    expect(reply.status).toBe(200)
    const config = JSON.parse(reply.text)
    expect(config).toMatchObject({
      authorized: true,
      client_id: 'emulator',
      auth_url: expect.any(String),
      token_url: expect.any(String),
      logout_url: expect.any(String),
      audience: expect.any(String),
      headless_callback_url: expect.any(String),
      callback_urls: expect.arrayContaining([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]),
      projects: [{ name: 'test-project', role: 'owner', cluster_name: 'default', org_name: 'test-org' }]
    })
    // The SDK calls the admin API (quotas) only when /config names one; none is served here.
    expect(config).not.toHaveProperty('admin_url')
    expect(config.clusters).toHaveLength(1)
    expect(config.clusters[0]).toMatchObject({
      name: 'default',
      orgs: ['test-org'],
      resource_pool_types: expect.any(Array),
      resource_presets: expect.any(Array)
    })
    for (const key of ['storage_url', 'users_url', 'monitoring_url', 'secrets_url', 'disks_url', 'buckets_url']) {
      expect(config.clusters[0][key]).toMatch(/^http:\/\//)
    }
    // The registry is an origin of its own, as on the platform.
    expect(config.clusters[0].registry_url).toBe('https://registry.default.emulator.test')
  })

  test('without a token or with a bad one: 200, not authorized, no clusters or projects', async () => {
    for (const options of [{}, { token: 'x.y.z' }]) {
      const reply = await call('GET', '/config', options)
      expect(reply.status).toBe(200)
      const config = JSON.parse(reply.text)
      expect(config).toMatchObject({ authorized: false, client_id: 'emulator', auth_url: expect.any(String) })
      expect('clusters' in config || 'projects' in config).toBe(false)
    }
    expect((await call('GET', '/config', { headers: { authorization: 'Basic eDp5' } })).status).toBe(400)
  })

  test('the discovery data is configurable: none at all, or given clusters and projects', async () => {
    const lonely = await startEmulator({ clusters: [] })
    const custom = await startEmulator({
      clusters: [{ name: 'c1', orgs: ['o1', 'o2'] }, { name: 'c2' }],
      projects: [{ name: 'p9', role: 'writer', cluster_name: 'c2', org_name: 'o1' }]
    })
    try {
      const none = JSON.parse((await call('GET', '/config', { token: lonely.tokens.alice }, lonely.url)).text)
      expect(none).toMatchObject({ authorized: true, clusters: [], projects: [] })
      const some = JSON.parse((await call('GET', '/config', { token: custom.tokens.alice }, custom.url)).text)
      expect(some.clusters.map((c: { name: string; orgs: string[] }) => [c.name, c.orgs])).toEqual([
        ['c1', ['o1', 'o2']],
        ['c2', []]
      ])
      expect(some.projects).toEqual([{ name: 'p9', role: 'writer', cluster_name: 'c2', org_name: 'o1' }])
      // A user's full token defaults to the first discovered project.
      expect(JSON.parse(decode(custom.fullTokenFor('alice'), 'base64'))).toMatchObject({
        cluster: 'c2',
        project_name: 'p9',
        org_name: 'o1'
      })
    } finally {
      await Promise.all([lonely.close(), custom.close()])
    }
  })
})

/**
 * What the apolo SDK requires of a /config answer (apolo_sdk/_server_cfg.py, get_server_config
 * and _parse_cluster_config; _parsing_utils.py, _ImageNameParser; _images.py, _get_image_url):
 * the keys it reads with [] must be there, each URL must parse, and a registry URL must have a
 * host (the image parser refuses "Empty hostname in registry URL") and no path that matters
 * (the SDK replaces it with /v2/). Returns the problems found.
 */
function sdkProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = []
  const url = (where: string, value: unknown) => {
    try {
      return new URL(String(value))
    } catch {
      problems.push(`${where}: not a URL: ${String(value)}`)
      return undefined
    }
  }
  for (const key of ['auth_url', 'token_url', 'logout_url', 'headless_callback_url']) url(key, config[key])
  for (const key of ['client_id', 'audience']) if (typeof config[key] !== 'string') problems.push(`${key} missing`)
  for (const cluster of (config.clusters ?? []) as ClusterJson[]) {
    for (const key of [
      'registry_url',
      'storage_url',
      'users_url',
      'monitoring_url',
      'secrets_url',
      'disks_url',
      'buckets_url'
    ]) {
      if (!(key in cluster)) problems.push(`${cluster.name}.${key} missing`)
      else url(`${cluster.name}.${key}`, cluster[key])
    }
    const registry = url(`${cluster.name}.registry_url`, cluster.registry_url)
    if (registry && !registry.hostname) problems.push(`${cluster.name}: empty hostname in registry URL`)
    if (registry && registry.pathname !== '/')
      problems.push(`${cluster.name}: registry URL has a path the SDK would drop`)
    for (const pool of (cluster.resource_pool_types ??
      problems.push(`${cluster.name}.resource_pool_types missing`)) as Record<string, unknown>[]) {
      for (const key of ['name', 'min_size', 'max_size', 'cpu', 'memory', 'disk_size'])
        if (!(key in pool)) problems.push(`${cluster.name} pool: ${key} missing`)
    }
    for (const preset of (cluster.resource_presets ??
      problems.push(`${cluster.name}.resource_presets missing`)) as Record<string, unknown>[]) {
      for (const key of ['name', 'cpu', 'memory'])
        if (!(key in preset)) problems.push(`${cluster.name} preset: ${key} missing`)
      // Decimal(credits_per_hour): a decimal string.
      if (!/^-?\d+(\.\d+)?$/.test(String(preset.credits_per_hour)))
        problems.push(`${cluster.name} preset: credits_per_hour ${String(preset.credits_per_hour)}`)
    }
  }
  for (const project of (config.projects ?? []) as Record<string, unknown>[]) {
    for (const key of ['name', 'cluster_name', 'role'])
      if (typeof project[key] !== 'string') problems.push(`project ${String(project.name)}: ${key} missing`)
  }
  return problems
}

describe('GET /config: what the apolo SDK reads of each cluster', () => {
  test('every cluster carries the URLs and resource lists the SDK parses, and it finds nothing wrong', async () => {
    const own = await startEmulator({
      clusters: [
        { name: 'default', orgs: ['o'] },
        { name: 'gpu-west', orgs: ['o'] }
      ]
    })
    try {
      const config = JSON.parse((await call('GET', '/config', { token: own.tokens.alice }, own.url)).text)
      expect(sdkProblems(config)).toEqual([])
      expect(config.clusters.map((c: ClusterJson) => c.registry_url)).toEqual([
        'https://registry.default.emulator.test',
        'https://registry.gpu-west.emulator.test'
      ])
      // What the action outputs, and what `docker login` would be given: the host alone.
      expect(new URL(config.clusters[1].registry_url).host).toBe('registry.gpu-west.emulator.test')
    } finally {
      await own.close()
    }
  })

  test('registryUrl: one DNS label per cluster, whatever its name; a registry_url given for a cluster wins', async () => {
    expect(registryUrl('Team_A.prod')).toBe('https://registry.team-a-prod.emulator.test')
    expect(registryUrl('--')).toBe('https://registry.cluster.emulator.test')
    expect(new URL(registryUrl('x'.repeat(100))).hostname.split('.')[1]).toHaveLength(63)
    expect(REGISTRY_DOMAIN).toBe('emulator.test')
    const own = await startEmulator({
      clusters: [{ name: 'custom', registry_url: 'https://registry.example.test:5000' }]
    })
    try {
      const config = JSON.parse((await call('GET', '/config', { token: own.tokens.alice }, own.url)).text)
      expect(config.clusters[0].registry_url).toBe('https://registry.example.test:5000')
      expect(config.clusters[0].storage_url).toBe(`${own.origin}/clusters/custom/storage`)
      expect(sdkProblems(config)).toEqual([])
    } finally {
      await own.close()
    }
  })

  test('the SDK check catches what it would refuse', () => {
    const cluster = {
      name: 'c',
      registry_url: 'https://r.test/path',
      storage_url: 'nope',
      users_url: 'http://x',
      monitoring_url: 'http://x',
      secrets_url: 'http://x',
      disks_url: 'http://x',
      resource_pool_types: [],
      resource_presets: [{ name: 'p', cpu: 1, memory: 1, credits_per_hour: 'free' }]
    }
    const config = {
      auth_url: 'http://a',
      token_url: 'http://a',
      logout_url: 'http://a',
      headless_callback_url: 'http://a',
      client_id: 'c',
      audience: 'a',
      clusters: [cluster]
    }
    expect(sdkProblems(config)).toEqual([
      'c.storage_url: not a URL: nope',
      'c.buckets_url missing',
      'c: registry URL has a path the SDK would drop',
      'c preset: credits_per_hour free'
    ])
  })
})
