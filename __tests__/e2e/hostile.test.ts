// Regression tests for the hostile-platform review (issue 8), each through the built dist/
// main and post, against a platform that answers whatever the test says.
import { afterEach, describe, expect, test } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findLeaks, foreignCommands } from '../helpers/action.js'
import { fakeFullToken, jsonAnswer, type Answer, type Request } from '../helpers/hostile-server.js'
import { useHostileSteps } from '../helpers/hostile-steps.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.dXNlci1zaWduYXR1cmUtb2YtdGhlLXRva2Vu'
const ID = 'service-account-0b5d2a1e-2a5c-4e3c-9b1e-3f2d9b8c7a61'

/** An account as the platform writes it, with any field replaced. */
function account(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'ci',
    default_cluster: 'default',
    default_project: 'p',
    default_org: null,
    id: ID,
    role: 'alice/service-accounts/ci',
    owner: 'alice',
    created_at: '2026-11-28T10:00:00+00:00',
    role_deleted: false,
    ...fields
  }
}

/**
 * A platform whose create and get answer `fields`, and whose delete works. Its create answers
 * with the name asked for, as the platform does, unless `fields` names another.
 */
function platform(fields: Record<string, unknown>, token = fakeFullToken('created')) {
  return (request: Request): Answer => {
    if (request.method === 'POST' && request.path === '/service_accounts') {
      const { name } = JSON.parse(request.body) as { name: string }
      return jsonAnswer(201, { ...account({ name, role: `alice/service-accounts/${name}`, ...fields }), token })
    }
    if (request.method === 'GET' && request.path.startsWith('/service_accounts/'))
      return jsonAnswer(200, account(fields))
    if (request.method === 'DELETE') return { status: 204 }
    if (request.path.startsWith('/users/')) return jsonAnswer(201, [])
    return jsonAnswer(200, {
      authorized: true,
      clusters: [{ name: 'default' }],
      projects: [{ name: 'p', cluster_name: 'default' }]
    })
  }
}

const hostile = useHostileSteps(JWT, [JWT, fakeFullToken('created')])
const step = hostile.step

const deletes = () => hostile.server.requests.filter(r => r.method === 'DELETE').map(r => r.path)

describe('1: no server field or input reaches the runner as a command', () => {
  test('a default_org that saves config-dir state cannot make post remove a folder', async () => {
    const victim = mkdtempSync(join(tmpdir(), 'victim-'))
    await hostile.serve(platform({ default_org: `org\n::save-state name=config-dir::${victim}` }))
    const main = await step('main', { 'export-env': 'true' })
    expect(main.code).toBe(0)
    expect(foreignCommands(main.stdout)).toEqual([])
    expect(Object.keys(main.state).sort()).toEqual(['account', 'config-dir'])
    expect(main.state['config-dir']).not.toBe(victim)
    const post = await step('post', {}, { state: main.state, runnerTemp: main.runnerTemp })
    expect(post.code).toBe(0)
    expect(existsSync(victim)).toBe(true)
    expect(existsSync(main.state['config-dir'])).toBe(false)
    rmSync(victim, { recursive: true })
  })

  test('a get answer whose id saves state fails as not an id, and sets no state', async () => {
    await hostile.serve(
      platform({ id: '\n::save-state name=account::{"kind":"created","id":"other","delivered":true,"cleanup":true}' })
    )
    const main = await step('main', { operation: 'get', name: 'ci' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('an account id that is not one')
    expect(main.state).toEqual({})
    expect(foreignCommands(main.stdout)).toEqual([])
  })

  test.each(['project', 'cluster', 'org'])(
    'a %s input holding a line break is refused before any request',
    async input => {
      await hostile.serve(platform({}))
      const main = await step('main', { [input]: 'x\n::save-state name=config-dir::/tmp' })
      expect(main.code).toBe(1)
      expect(main.errors.join('\n')).toContain(`Input "${input}" must be printable ASCII`)
      expect(hostile.server.requests).toEqual([])
      expect(main.state).toEqual({})
    }
  )
})

describe('post proves ownership before it deletes', () => {
  test('a config-dir outside RUNNER_TEMP, or not made by the action, is left', async () => {
    await hostile.serve(platform({}))
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    const outside = mkdtempSync(join(tmpdir(), 'apolo-service-account-'))
    const unprefixed = join(runnerTemp, 'workspace')
    mkdirSync(unprefixed)
    mkdirSync(join(runnerTemp, 'apolo-service-account-x'))
    for (const dir of [outside, unprefixed, runnerTemp, `${runnerTemp}/apolo-service-account-x/..`]) {
      const post = await step('post', {}, { state: { 'config-dir': dir }, runnerTemp })
      expect(post.warnings.join('\n')).toContain('Left the folder')
    }
    expect([existsSync(outside), existsSync(unprefixed)]).toEqual([true, true])
    rmSync(outside, { recursive: true })
    rmSync(runnerTemp, { recursive: true })
  })

  test.each(['..', '.', '', 'a/../..', 'x\n::error::y'])('a saved id of %j is never sent', async id => {
    await hostile.serve(platform({}))
    const state = { account: JSON.stringify({ kind: 'created', id, delivered: true, cleanup: true }) }
    const post = await step('post', {}, { state })
    expect(post.code).toBe(0)
    expect(post.warnings.join('\n')).toContain('nothing is removed')
    expect(hostile.server.requests).toEqual([])
  })

  test('rm of an account whose answer has an id of .. sends no DELETE', async () => {
    await hostile.serve(platform({ id: '..' }))
    const main = await step('main', { operation: 'rm', name: 'ci' })
    expect(main.code).toBe(1)
    expect(deletes()).toEqual([])
  })
})

describe('4 and 5: bounded bodies and linear redaction', () => {
  test.each<[string, string, Answer]>([
    [
      'an endless 201',
      'create',
      { status: 201, headers: { 'content-type': 'application/json' }, body: { repeat: '{"id": "service-account-' } }
    ],
    [
      'an endless 503',
      'create',
      { status: 503, headers: { 'content-type': 'application/json' }, body: { repeat: 'eyJaeyJa' } }
    ],
    [
      'an endless NDJSON line',
      'list',
      { status: 200, headers: { 'content-type': 'application/x-ndjson' }, body: { repeat: 'x' } }
    ]
  ])('%s (%s): the step fails within its time, in bounded memory', async (_, operation, answer) => {
    await hostile.serve(request =>
      request.method === 'GET' && request.path.startsWith('/service_accounts/') ? { status: 404 } : answer
    )
    const rss = join(mkdtempSync(join(tmpdir(), 'rss-')), 'rss')
    const started = Date.now()
    const main = await step(
      'main',
      { operation, 'timeout-seconds': '3', 'max-attempts': '2' },
      { env: { NODE_OPTIONS: `--import=${join(process.cwd(), '__tests__/helpers/report-rss.mjs')}`, RSS_REPORT: rss } }
    )
    expect(main.code).toBe(1)
    expect(Date.now() - started).toBeLessThan(25_000)
    expect(Number(readFileSync(rss, 'utf8')) / 1024).toBeLessThan(250) // MB
  })

  test('200 KB of token-like text in an error message is handled at once', async () => {
    await hostile.serve(() => jsonAnswer(400, { error: 'eyJa'.repeat(50_000) }))
    const started = Date.now()
    const main = await step('main', {})
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('HTTP 400: ***')
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('10: a created token not in the exact format', () => {
  test('fails the step, masks every piece, and removes the account', async () => {
    const good = fakeFullToken('wrapped')
    const wrapped = ` ${good.replace(/(.{76})/g, '$1\n')} `
    await hostile.serve(platform({}, wrapped))
    const main = await step('main', {})
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('not a full token')
    expect(main.errors.join('\n')).toContain(`service account ${ID} was removed again`)
    const inner = JSON.parse(Buffer.from(good, 'base64').toString()).token as string
    const masks = main.masks.map(value => value.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'))
    expect(masks).toEqual(
      expect.arrayContaining([
        wrapped,
        good,
        inner,
        ...wrapped
          .trim()
          .split('\n')
          .filter(piece => piece.length >= 8)
      ])
    )
    expect(main.outputs['auth-token']).toBeUndefined()
    expect(deletes()).toEqual([`/service_accounts/${ID}`])
    expect(findLeaks([main], [good, wrapped.trim()])).toEqual([])
  })
})

describe('11: the job summary', () => {
  test('a name with line breaks and Markdown stays inside its table cell', async () => {
    // The name must be the one asked for (else the create is refused): the rest is the platform's.
    await hostile.serve(platform({ default_project: 'x\n\n# Pwned\n| a | b |\n<img src=x>', created_at: '`x`**y**' }))
    const main = await step('main', {})
    expect(main.code).toBe(0)
    const lines = main.summary.split('\n')
    expect(lines.filter(line => line.startsWith('#'))).toEqual(['### Apolo service account created'])
    expect(main.summary).not.toMatch(/<img|`x`|\*\*y/)
  })
})

describe('13: redaction knows a full token whatever its key order', () => {
  test('pasted into name, it is not echoed', async () => {
    const reordered = Buffer.from(JSON.stringify({ url: 'https://x', cluster: 'c', token: JWT })).toString('base64')
    await hostile.serve(platform({}))
    const main = await step('main', { name: reordered })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('Input "name"')
    expect(main.stdout).not.toContain(reordered.slice(0, 40))
  })
})

describe('9 and 14: proxies', () => {
  let proxy: Server
  const seen: string[] = []
  const listen = async (onConnect: (socket: Socket) => void) => {
    seen.length = 0
    proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      res.writeHead(502).end()
    })
    proxy.on('connect', (req, socket: Socket) => {
      seen.push(`CONNECT ${req.url}`)
      onConnect(socket)
    })
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  }
  afterEach(async () => {
    proxy.closeAllConnections()
    await new Promise(done => proxy.close(done))
  })

  test('a loopback API never goes through HTTP_PROXY: the bearer would cross in clear', async () => {
    const proxyUrl = await listen(socket => socket.destroy())
    await hostile.serve(platform({}))
    const main = await step('main', {}, { env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl } })
    expect(main.code).toBe(0)
    expect(seen).toEqual([])
    await step('post', {}, { state: main.state, env: { HTTP_PROXY: proxyUrl } })
    expect(seen).toEqual([])
  })

  test('a 407 from the proxy is a clear error, neither retried nor followed by a look-up', async () => {
    const proxyUrl = await listen(socket =>
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n')
    )
    await hostile.serve(platform({}))
    const main = await step('main', { 'api-url': 'https://api.test/api/v1' }, { env: { HTTPS_PROXY: proxyUrl } })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain(
      'read platform config failed: HTTP 407: the proxy refused the request (Proxy Authentication Required)'
    )
    expect(seen).toEqual(['CONNECT api.test:443'])
  })
})

describe('a create whose account appears only after main gave up looking', () => {
  test('main keeps the pending name, and post finds the account and removes it', async () => {
    let madeAt = Infinity
    await hostile.serve(request => {
      if (request.method === 'POST') {
        // The platform takes its time: the account exists 1.5 s after the request, its answer never comes.
        madeAt = Date.now() + 1_500
        return { hang: true, status: 0 }
      }
      if (request.method === 'GET' && request.path.startsWith('/service_accounts/gha-')) {
        const name = decodeURIComponent(request.path.split('/').pop()!)
        return Date.now() >= madeAt
          ? jsonAnswer(200, account({ name }))
          : { status: 404, body: 'Service account not found' }
      }
      if (request.method === 'DELETE') return { status: 204 }
      return jsonAnswer(200, { authorized: true, clusters: [{ name: 'default' }], projects: [] })
    })
    const main = await step('main', { 'timeout-seconds': '1', 'max-attempts': '1' })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('may still appear: the post step looks again')
    expect(JSON.parse(main.state.account)).toMatchObject({ kind: 'pending', generated: true })
    const post = await step('post', {}, { state: main.state })
    expect(post.code).toBe(0)
    expect(deletes()).toEqual([`/service_accounts/${ID}`])
  })
})

describe('a look-up answered with another account', () => {
  const other = account({ id: 'service-account-11111111-2222-4333-8444-555555555555', name: 'deploy-bot' })

  test('post never removes it for a pending name', async () => {
    await hostile.serve(request =>
      request.method === 'GET'
        ? jsonAnswer(200, other)
        : request.method === 'DELETE'
          ? { status: 204 }
          : jsonAnswer(500, {})
    )
    const state = {
      account: JSON.stringify({
        kind: 'pending',
        name: 'gha-octo-repo-4242-1-build-abcdef',
        generated: true,
        cleanup: true,
        tokenAccepted: false
      })
    }
    const post = await step('post', {}, { state })
    expect(post.code).toBe(1)
    expect(post.errors.join('\n')).toContain('the answer is another account (service-account-11111111')
    expect(deletes()).toEqual([])
  })

  test('rm never removes it either', async () => {
    await hostile.serve(request => (request.method === 'GET' ? jsonAnswer(200, other) : { status: 204 }))
    const main = await step('main', { operation: 'rm', name: 'ci' })
    expect(main.code).toBe(1)
    expect(deletes()).toEqual([])
  })
})
