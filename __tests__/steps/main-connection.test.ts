// How the main step's client starts (src/client-factory.ts): a token not yet accepted in this
// job, and a warning when the job turned certificate checks off for Node.
import { describe, expect, test } from '@jest/globals'
import { runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator

useLoopbackEmulator(loopback => {
  emulator = loopback.emulator
  emulator.seedAccount('alice', { name: 'connection-test' })
})

const get = (env: Record<string, string> = {}) =>
  runInProcess('main', {
    inputs: {
      'api-url': emulator.url,
      token: emulator.issueToken('alice'),
      'max-attempts': '3',
      operation: 'get',
      name: 'connection-test'
    },
    env
  })

test("a 401 in main is the platform refusing the token, not its auth service's hiccup: not asked again", async () => {
  emulator.addFault({ method: 'GET', path: '/service_accounts/connection-test', kind: 'status', status: 401 })
  emulator.resetLog()
  const result = await get()
  expect(result.failed).toBe(true)
  expect(result.errors[0]).toContain('HTTP 401')
  expect(emulator.requests.filter(request => request.path.endsWith('/connection-test'))).toHaveLength(1)
})

describe('NODE_TLS_REJECT_UNAUTHORIZED in the environment', () => {
  const WARNING =
    'NODE_TLS_REJECT_UNAUTHORIZED is set in the environment (at 0 Node skips certificate checks): ' +
    "this action still checks the platform's and any proxy's certificates, other tools of this job may not. " +
    'Trust a private CA with ca-certificate or NODE_EXTRA_CA_CERTS instead.'

  test('set to turn checks off: a warning saying the action checks anyway, and how to trust a CA', async () => {
    const result = await get({ NODE_TLS_REJECT_UNAUTHORIZED: '0' })
    expect(result.failed).toBe(false)
    expect(result.warnings).toEqual([WARNING])
  })

  test('unset, or 1 (checks on): no warning', async () => {
    expect((await get()).warnings).toEqual([])
    expect((await get({ NODE_TLS_REJECT_UNAUTHORIZED: '1' })).warnings).toEqual([])
  })
})
