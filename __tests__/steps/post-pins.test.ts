// The post step's edges (src/steps/post.ts): a refused removal reported as it was, and the
// job-summary input honoured in post too. Run in this process against the emulator.
import { describe, expect, test } from '@jest/globals'
import { runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let inputs: Record<string, string>

useLoopbackEmulator(loopback => {
  emulator = loopback.emulator
  inputs = { 'api-url': emulator.url, token: loopback.token, 'timeout-seconds': '2', 'max-attempts': '1' }
})

const created = (id: string) => ({
  account: JSON.stringify({ kind: 'created', id, delivered: true, cleanup: true })
})

describe('post', () => {
  test('a removal refused with a 500 fails with that refusal, not as a 404 that left the account', async () => {
    const account = emulator.seedAccount('alice', { name: 'post-pins-500' })
    emulator.addFault({
      method: 'DELETE',
      path: `/service_accounts/${account.id}`,
      kind: 'status',
      status: 500,
      times: Infinity,
      body: '{"error": "boom"}',
      headers: { 'content-type': 'application/json' }
    })
    const result = await runInProcess('post', { inputs, state: created(account.id) })
    expect(result.failed).toBe(true)
    expect(emulator.account(account.id)).toBeDefined()
    expect(result.errors.join('\n')).toContain('500')
    expect(result.errors.join('\n')).not.toContain('answered 404')
  })

  test('job-summary: false leaves the job summary empty in post as well', async () => {
    const account = emulator.seedAccount('alice', { name: 'post-pins-quiet' })
    const result = await runInProcess('post', {
      inputs: { ...inputs, 'job-summary': 'false' },
      state: created(account.id)
    })
    expect(result.failed).toBe(false)
    expect(emulator.account(account.id)).toBeUndefined()
    expect(result.stdout).toContain(`Removed service account ${account.id}`)
    expect(result.summary).toBe('')
  })
})
