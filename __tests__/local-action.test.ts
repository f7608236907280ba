// GitHub's debugger for JavaScript actions (@github/local-action) runs a create's main and post
// from src/, standing in for @actions/core, against the emulator (npm run local-action).
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { startEmulator } from '../emulator/server.js'
import { runLocalAction, type LocalActionResult } from '../scripts/local-action.js'
import type { Emulator } from './helpers/suite.js'

let emulator: Emulator
let token: string
let result: LocalActionResult

beforeAll(async () => {
  emulator = await startEmulator({ users: ['alice'] })
  token = emulator.issueToken('alice')
  result = await runLocalAction({ token, 'api-url': emulator.url })
}, 60_000)

afterAll(() => emulator.close())

test('main creates an account and sets its outputs; the token ones are masked, so the debugger keeps them back', () => {
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  const { outputs } = result
  expect(outputs.id).toMatch(/^service-account-[0-9a-f-]{36}$/)
  expect(outputs.name).toMatch(/^gha-local-/)
  expect(outputs).toMatchObject({
    'api-url': emulator.url,
    role: `alice/service-accounts/${outputs.name}`,
    owner: 'alice',
    'default-cluster': 'default',
    'default-project': 'test-project',
    'default-org': 'test-org',
    'role-deleted': 'false',
    permissions: '[]',
    registry: 'registry.default.emulator.test'
  })
  expect(outputs).not.toHaveProperty('token')
  expect(result.stdout).toContain('::warning::Skip output token since it may contain secret.')
  expect(result.stdout).toContain('::warning::Skip output auth-token since it may contain secret.')
  expect(result.stdout).not.toContain(token)
})

test('post, with the state main saved, removes the account', () => {
  const { id } = result.outputs
  const calls = emulator.requests.map(r => `${r.method} ${r.path}`)
  expect(calls).toContain('POST /api/v1/service_accounts')
  expect(calls).toContain(`DELETE /api/v1/service_accounts/${id}`)
  expect(emulator.account(id)).toBeUndefined()
  expect(emulator.accounts()).toEqual([])
  expect(result.stdout).toContain(`Removed service account ${id}; its token is revoked.`)
  expect(result.summary).toContain('### Apolo service account created')
  expect(result.summary).toContain('**removed**')
})

test('a failed step fails the run: the stand-in for @actions/core only records the failure', async () => {
  const failed = await runLocalAction({ token, 'api-url': emulator.url, operation: 'nope' })
  expect(failed.code).toBe(1)
  expect(failed.stdout).toMatch(/^::error::.*operation/m)
  expect(failed.outputs).toEqual({})
}, 60_000)
