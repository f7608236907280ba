// The command line (emulator/cli.js, emulator/command-line.js): one JSON line, flags, signals.
import { afterEach, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { startEmulator } from '../../emulator/server.js'
import { call, claimsOf, jwtOf } from '../helpers/emulator-api.js'

const CLI = fileURLToPath(new URL('../../emulator/cli.js', import.meta.url))

describe('the CLI', () => {
  const children: ReturnType<typeof spawn>[] = []
  // A failed assertion must not leave a server running (and jest waiting for it).
  afterEach(() => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })

  function start(args: string[]) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    const exited = new Promise<number | null>(done => child.on('exit', code => done(code)))
    const line = new Promise<Record<string, string | number>>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))))
      })
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)))
    })
    return { child, line, exited, output: () => ({ stdout, stderr }) }
  }

  test('prints one JSON line with a working token and full token, seeds, and stops cleanly on SIGTERM', async () => {
    const cli = start(['--user', 'dave', '--seed-accounts', '5'])
    const started = await cli.line
    expect(Object.keys(started)).toEqual(['url', 'token', 'fullToken', 'githubUrl', 'githubToken', 'pid'])
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(started.pid).toBe(cli.child.pid)
    expect(claimsOf(String(started.token))['https://platform.neuromation.io/user']).toBe('dave')
    expect(String(started.fullToken).startsWith('eyJ0b2tlbiI6ICJ')).toBe(true)
    const listed = await call('GET', '/service_accounts', { token: String(started.token) }, String(started.url))
    expect(JSON.parse(listed.text)).toHaveLength(5)
    expect(
      (await call('GET', '/config', { token: jwtOf(String(started.fullToken)) }, String(started.url))).text
    ).toContain('"authorized": true')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
    expect(cli.output().stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(cli.output().stderr).toBe('')
  })

  test('--port, --host, --verbose (logs on stderr only), SIGINT', async () => {
    const probe = await startEmulator()
    const port = probe.port
    await probe.close()
    const cli = start(['--port', String(port), '--host', '127.0.0.1', '--verbose'])
    const started = await cli.line
    expect(started.url).toBe(`http://127.0.0.1:${port}/api/v1`)
    await call('GET', '/service_accounts', { token: String(started.token) }, String(started.url))
    cli.child.kill('SIGINT')
    expect(await cli.exited).toBe(0)
    expect(cli.output().stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(cli.output().stderr).toContain('GET /api/v1/service_accounts 200')
  })

  test('--max-in-flight, --retry-after, --hold-ms: the throttle', async () => {
    const cli = start(['--max-in-flight', '0', '--retry-after', '9', '--hold-ms', '10'])
    const started = await cli.line
    const reply = await call('GET', '/service_accounts', { token: String(started.token) }, String(started.url))
    expect(reply.status).toBe(429)
    expect(reply.headers.get('retry-after')).toBe('9')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  test('--rate-per-second and --burst: the per-owner rate limit', async () => {
    const cli = start(['--rate-per-second', '0.5', '--burst', '1'])
    const started = await cli.line
    const origin = new URL(String(started.url)).origin
    expect(await (await fetch(`${origin}/_emulator/rate-limit`)).json()).toEqual({ perSecond: 0.5, burst: 1 })
    const token = String(started.token)
    expect((await call('GET', '/service_accounts', { token }, String(started.url))).status).toBe(200)
    const reply = await call('GET', '/service_accounts', { token }, String(started.url))
    expect(reply.status).toBe(429)
    expect(reply.headers.get('retry-after')).toBe('2')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  test('--new-token-delay-ms and --clusters-need-grant: the switches, as the control API shows them', async () => {
    const cli = start(['--new-token-delay-ms', 'never', '--clusters-need-grant'])
    const started = await cli.line
    const origin = new URL(String(started.url)).origin
    expect(await (await fetch(`${origin}/_emulator/settings`)).json()).toEqual({
      newTokenDelayMs: 'never',
      clustersNeedGrant: true,
      keepAliveMs: 75_000
    })
    const account = JSON.parse(
      (
        await call(
          'POST',
          '/service_accounts',
          { token: String(started.token), body: { default_cluster: 'default', default_project: 'p' } },
          String(started.url)
        )
      ).text
    )
    expect(
      JSON.parse((await call('GET', '/config', { token: jwtOf(account.token) }, String(started.url))).text).authorized
    ).toBe(false)
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)

    const timed = start(['--new-token-delay-ms', '250'])
    const url = String((await timed.line).url)
    expect(await (await fetch(`${new URL(url).origin}/_emulator/settings`)).json()).toEqual({
      newTokenDelayMs: 250,
      clustersNeedGrant: false,
      keepAliveMs: 75_000
    })
    timed.child.kill('SIGTERM')
    expect(await timed.exited).toBe(0)
  })

  test('--keep-alive-ms: how long an idle connection stays open, as the control API and the answers say', async () => {
    const cli = start(['--keep-alive-ms', '4000'])
    const origin = new URL(String((await cli.line).url)).origin
    const settings = (await (await fetch(`${origin}/_emulator/settings`)).json()) as { keepAliveMs: number }
    expect(settings.keepAliveMs).toBe(4_000)
    const header = await new Promise(resolve =>
      request(`${origin}/api/v1/config`, { headers: { connection: 'keep-alive' }, agent: false }, res => {
        resolve(res.headers['keep-alive'])
        res.destroy()
      }).end()
    )
    expect(header).toBe('timeout=4')
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  test('--help: usage on stdout, exit 0', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    expect(await new Promise(done => child.on('close', done))).toBe(0)
    expect(stdout).toMatch(/^usage: node emulator\/cli\.js .*--max-in-flight N/s)
    expect(stderr).toBe('')
  })

  test('bad arguments: exit 2 with usage on stderr, nothing on stdout', async () => {
    const bad = [
      ['--port', 'abc'],
      ['--seed-accounts', '-1'],
      ['--nope'],
      ['--max-in-flight', 'x'],
      ['--retry-after', '2']
    ]
    bad.push(
      ['--new-token-delay-ms', 'soon'],
      ['--new-token-delay-ms', '-1'],
      ['--new-token-delay-ms', '1.5'],
      ['--new-token-delay-ms', 'Infinity'],
      ['--keep-alive-ms', '0'],
      ['--keep-alive-ms', '2.5'],
      ['--clusters-need-grant=yes'],
      ['--burst', '3'],
      ['--rate-per-second', '2'],
      ['--rate-per-second', '0', '--burst', '1'],
      ['--rate-per-second', '1', '--burst', '0.5']
    )
    for (const args of bad) {
      const cli = start(args)
      cli.line.catch(() => undefined)
      expect(await cli.exited).toBe(2)
      expect(cli.output().stdout).toBe('')
      expect(cli.output().stderr).toContain('usage: node emulator/cli.js')
    }
  })
})
