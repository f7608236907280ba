// `npm run try` (scripts/try.js): a user's own inputs through the built action, main and post,
// against the bundled emulator, printed as GitHub shows the log and the summary. Run as a
// child process in a folder holding only what a fresh clone has without `npm install`.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../../scripts/local-runner.js'

let clone: string
beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'fresh-clone-'))
  for (const folder of ['dist', 'emulator', 'scripts'])
    cpSync(join(ROOT, folder), join(clone, folder), { recursive: true })
  cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'))
})
afterAll(() => rmSync(clone, { recursive: true, force: true }))

const tryCommand = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['scripts/try.js', ...args], {
    cwd: clone,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000
  })

test("prints a create's log and summary, then post's, with no token in sight", () => {
  expect(existsSync(join(clone, 'node_modules'))).toBe(false)
  const result = tryCommand(['name=tried', 'permissions=secret:api-key read', 'cleanup=True'])
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  const out = result.stdout
  expect(out).toMatch(/^Platform: the bundled emulator at http:\/\/127\.0\.0\.1:\d+\/api\/v1$/m)
  expect(out).toContain('▶ Run apolo-service-account-action (main)')
  expect(out).toMatch(/^Created service account tried \(service-account-[0-9a-f-]+\) on cluster default/m)
  expect(out).toContain(
    'Granted read on secret://default/test-org/test-project/api-key to alice/service-accounts/tried'
  )
  expect(out).toContain('── Job summary (main) ──\n### Apolo service account created')
  expect(out).toContain('| Permissions | <code>secret://default/test-org/test-project/api-key</code> read |')
  expect(out).toContain('  token: ***')
  expect(out).toContain('▶ Post Run apolo-service-account-action (post)')
  expect(out).toMatch(/^Removed service account service-account-[0-9a-f-]+; its token is revoked\.$/m)
  expect(out).toContain('── Job summary (post) ──\n### Apolo service account cleanup')
  expect(out).not.toMatch(/eyJ/)
})

test('a failed create: its error and its summary; post is silent', () => {
  const result = tryCommand(['cluster=nope'])
  expect(result.status).toBe(1)
  expect(result.stdout).toContain(
    'Error: Input "cluster" names cluster "nope", which this token cannot use; it can use "default"'
  )
  expect(result.stdout).toContain('### Apolo service account: create failed')
  expect(result.stdout).toContain('▶ Post Run apolo-service-account-action (post)\n(nothing logged)')
})

test('the token never comes from the command line; a real api-url needs APOLO_TOKEN', () => {
  const onLine = tryCommand(['token=abc'])
  expect(onLine.status).toBe(2)
  expect(onLine.stderr).toContain('Give the token in the APOLO_TOKEN variable, not on the command line')
  const noToken = tryCommand(['api-url=https://api.apolo.us/api/v1'])
  expect(noToken.status).toBe(2)
  expect(noToken.stderr).toContain('With api-url, give the token in the APOLO_TOKEN variable')
  const gitHubOnLine = tryCommand(['github-token=abc'])
  expect(gitHubOnLine.status).toBe(2)
  expect(gitHubOnLine.stderr).toContain('Give the GitHub token in the GITHUB_TOKEN variable, not on the command line')
  const bad = tryCommand(['cleanup'])
  expect(bad.status).toBe(2)
  expect(bad.stderr).toContain('"cleanup" is not <input>=<value>')
})

test('with APOLO_TOKEN, the given platform is used with that token', () => {
  // A closed port: the step fails there, which shows where it went and with which token.
  const result = tryCommand(['api-url=http://127.0.0.1:9/api/v1', 'operation=list', 'max-attempts=1'], {
    APOLO_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
  })
  expect(result.status).toBe(1)
  expect(result.stdout).toContain('Platform: http://127.0.0.1:9/api/v1')
  expect(result.stdout).toMatch(/Error: list service accounts failed: .*ECONNREFUSED/)
  expect(result.stdout).not.toContain('eyJ')
})

test("the runner's proxy variables reach the action", () => {
  // The platform's name does not resolve; the request gets as far as the proxy's closed port.
  const result = tryCommand(['api-url=https://api.example.invalid/api/v1', 'operation=list', 'max-attempts=1'], {
    APOLO_TOKEN: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg',
    HTTPS_PROXY: 'http://127.0.0.1:9'
  })
  expect(result.status).toBe(1)
  expect(result.stdout).toMatch(/Error: list service accounts failed: connect ECONNREFUSED 127\.0\.0\.1:9 /)
})
