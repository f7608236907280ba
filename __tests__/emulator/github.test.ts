// The emulator's GitHub side (emulator/github.js): the run-attempt endpoint, its control API and
// its CLI flags, with real HTTP on loopback.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startEmulator } from '../../emulator/server.js'
import type { Emulator } from '../helpers/suite.js'

const CLI = fileURLToPath(new URL('../../emulator/cli.js', import.meta.url))
const ATTEMPT = '/repos/octo-org/octo-repo/actions/runs/100/attempts/2'

let emulator: Emulator
beforeAll(async () => (emulator = await startEmulator()))
afterAll(() => emulator.close())

async function get(path: string, authorization?: string, base = emulator.githubUrl) {
  const response = await fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} })
  const text = await response.text()
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    headers: response.headers
  }
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.origin}/_emulator/github${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: response.status, text: await response.text() }
}

describe('GET a run attempt', () => {
  test('answers the status set, as GitHub shapes it, to its token only', async () => {
    emulator.github.setRun('Octo-Org/Octo-Repo', 100, 2, 'in_progress')
    const token = `token ${emulator.github.token}`
    expect(await get(ATTEMPT, token)).toMatchObject({
      status: 200,
      body: { id: 100, run_attempt: 2, status: 'in_progress', conclusion: null }
    })
    emulator.github.setRun('octo-org/octo-repo', 100, 2, 'completed')
    expect((await get(ATTEMPT, `Bearer ${emulator.github.token}`)).body).toMatchObject({
      status: 'completed',
      conclusion: 'success'
    })
    expect(await get(ATTEMPT)).toMatchObject({ status: 401, body: { message: 'Bad credentials' } })
    expect(await get(ATTEMPT, 'token ghs_other')).toMatchObject({ status: 401 })
    expect(await get('/repos/octo-org/octo-repo/actions/runs/100/attempts/3', token)).toMatchObject({
      status: 404,
      body: { message: 'Not Found' }
    })
    expect(await get('/repos/octo-org/octo-repo/actions/runs/100', token)).toMatchObject({ status: 404 })
    emulator.github.actionsRead = false
    expect(await get(ATTEMPT, token)).toMatchObject({
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    emulator.github.actionsRead = true
    emulator.github.setRun('octo-org/octo-repo', 100, 2, null)
    expect(await get(ATTEMPT, token)).toMatchObject({ status: 404 })
    expect(emulator.github.requests.map(r => r.status)).toEqual([200, 200, 401, 401, 404, 404, 403, 404])
    expect(emulator.requests).toEqual([])
  })

  test('bad statuses and runs are refused', () => {
    expect(() => emulator.github.setRun('octo-org/octo-repo', 1, 1, 'done')).toThrow('status must be one of')
    expect(() => emulator.github.setRun('octo', 1, 1, 'completed')).toThrow('owner/name')
    expect(() => emulator.github.setRun('octo-org/octo-repo', 'x', 1, 'completed')).toThrow('whole numbers')
  })

  test("GitHub's faults are its own; clearFaults clears them", async () => {
    emulator.github.faults.add({ kind: 'status', status: 403, headers: { 'retry-after': '5' }, body: '{}' })
    const throttled = await get(ATTEMPT, `token ${emulator.github.token}`)
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([403, '5'])
    emulator.github.faults.add({ kind: 'status', status: 500, body: '{}', times: Infinity })
    emulator.clearFaults()
    expect((await get(ATTEMPT, `token ${emulator.github.token}`)).status).toBe(404)
  })
})

describe('control API', () => {
  test('sets runs, the switch, faults; lists and clears requests', async () => {
    emulator.github.reset()
    const put = await control('PUT', '/runs', {
      repository: 'octo-org/octo-repo',
      runId: 100,
      attempt: 2,
      status: 'queued'
    })
    expect(put.status).toBe(200)
    expect(
      (await control('PUT', '/runs', { repository: 'octo-org/octo-repo', runId: 1, attempt: 1, status: 'x' })).status
    ).toBe(400)
    expect((await control('PATCH', '', { actionsRead: 'no' })).status).toBe(400)
    expect(JSON.parse((await control('PATCH', '', { actionsRead: false })).text)).toMatchObject({ actionsRead: false })
    const state = JSON.parse((await control('GET', '')).text) as Record<string, unknown>
    expect(state).toEqual({
      token: emulator.github.token,
      actionsRead: false,
      runs: [{ repository: 'octo-org/octo-repo', runId: 100, attempt: 2, status: 'queued' }]
    })
    await control('PATCH', '', { actionsRead: true })
    expect(
      (await control('POST', '/faults', { kind: 'status', status: 502, path: '^/repos/', times: null })).status
    ).toBe(201)
    expect((await get(ATTEMPT, `token ${emulator.github.token}`)).status).toBe(502)
    expect((await get(ATTEMPT, `token ${emulator.github.token}`)).status).toBe(502)
    expect((await control('DELETE', '/faults')).status).toBe(204)
    expect((await get(ATTEMPT, `token ${emulator.github.token}`)).body).toMatchObject({ status: 'queued' })
    expect(JSON.parse((await control('GET', '/requests')).text)).toHaveLength(3)
    expect((await control('DELETE', '/requests')).status).toBe(204)
    expect(emulator.github.requests).toEqual([])
    expect((await control('GET', '/nope')).status).toBe(404)
  })
})

describe('CLI', () => {
  const children: ChildProcess[] = []
  afterAll(() => children.forEach(child => child.kill('SIGKILL')))

  function start(args: string[]) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    const exited = new Promise<number | null>(done => child.on('exit', code => done(code)))
    const line = new Promise<Record<string, string>>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))))
      })
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)))
    })
    return { child, line, exited, output: () => ({ stdout, stderr }) }
  }

  test('--github-run sets statuses; --github-no-actions-read takes the permission away', async () => {
    const cli = start([
      '--github-run',
      'octo-org/octo-repo:100:2=completed',
      '--github-run',
      'octo-org/octo-repo:101:1=waiting'
    ])
    const started = await cli.line
    expect(started.githubUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/github$/)
    const token = `token ${started.githubToken}`
    expect((await get(ATTEMPT, token, started.githubUrl)).body).toMatchObject({ status: 'completed' })
    expect(
      (await get('/repos/octo-org/octo-repo/actions/runs/101/attempts/1', token, started.githubUrl)).body
    ).toMatchObject({
      status: 'waiting'
    })
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)

    const denied = start(['--github-no-actions-read'])
    const deniedLine = await denied.line
    expect((await get(ATTEMPT, `token ${deniedLine.githubToken}`, deniedLine.githubUrl)).status).toBe(403)
    denied.child.kill('SIGTERM')
    expect(await denied.exited).toBe(0)
  })

  test('a bad --github-run: exit 2 with usage on stderr', async () => {
    for (const run of ['octo:1:1=completed', 'octo-org/octo-repo:1:1=done', 'octo-org/octo-repo:1=completed']) {
      const cli = start(['--github-run', run])
      cli.line.catch(() => undefined)
      expect(await cli.exited).toBe(2)
      expect(cli.output()).toEqual({ stdout: '', stderr: expect.stringContaining(`bad --github-run ${run}`) })
    }
  })
})
