// What list, get, rm and prune report (src/steps/): the log lines, the job summary, the
// outputs, and the failure that names what went wrong. Run in this process against the
// emulator, each case as its own user so that it sees only its own accounts.
import { describe, expect, test } from '@jest/globals'
import { runInProcess } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

const USERS = ['one', 'none', 'many', 'getter', 'pruner', 'failing', 'huge-list', 'huge-prune']
const OLD = '2020-01-01T00:00:00+00:00'
// A name this long makes an account about 20 KB in an output: a few dozen pass the 1 MB limit.
const LONG = `big-${'x'.repeat(20_000)}-`

let emulator: Emulator
useLoopbackEmulator(loopback => ({ emulator } = loopback), { users: USERS })

const main = (user: string, inputs: Record<string, string>) =>
  runInProcess('main', {
    inputs: {
      'api-url': emulator.url,
      token: emulator.issueToken(user),
      'timeout-seconds': '5',
      'max-attempts': '1',
      ...inputs
    }
  })
const lines = (stdout: string) => stdout.split(/\r?\n/)
const ids = (output: string) => (JSON.parse(output) as { id: string }[]).map(account => account.id)

describe('list', () => {
  test('counts what it found, in the singular for one', async () => {
    const only = emulator.seedAccount('one', { name: 'the-only-one' })
    const one = await main('one', { operation: 'list' })
    expect(one.failed).toBe(false)
    expect(ids(one.outputs.accounts)).toEqual([only.id])
    expect(lines(one.stdout)).toContain('Found 1 service account')
    expect(one.summary).toContain('### Apolo service accounts (1)')
    expect(one.summary).toContain(only.id)
    expect(lines((await main('none', { operation: 'list' })).stdout)).toContain('Found 0 service accounts')
    emulator.seedAccounts('many', 2)
    expect(lines((await main('many', { operation: 'list' })).stdout)).toContain('Found 2 service accounts')
  })

  test('a list over the 1 MB an output holds fails the step, saying what to do instead', async () => {
    emulator.seedAccounts('huge-list', 30, { namePrefix: LONG })
    const result = await main('huge-list', { operation: 'list' })
    expect(result.failed).toBe(true)
    expect(Object.keys(result.outputs)).not.toContain('accounts')
    expect(result.errors[0]).toMatch(/^the accounts output would be \d+\.\d MB, over the 1 MB GitHub allows/)
    expect(result.errors[0]).toContain(
      ': remove the accounts no longer needed (operation: prune), or read one account by name (operation: get)'
    )
    // The summary still shows what was found.
    expect(result.summary).toContain('### Apolo service accounts (30)')
  })
})

describe('get and rm', () => {
  test('get names the account in the log and the summary', async () => {
    const account = emulator.seedAccount('getter', { name: 'got-by-name' })
    const result = await main('getter', { operation: 'get', name: 'got-by-name' })
    expect(lines(result.stdout)).toContain(`Found service account got-by-name (${account.id})`)
    expect(result.summary).toContain('### Apolo service account (1)')
    expect(result.summary).toContain(account.id)
  })

  test('an account without a name is named by its id alone', async () => {
    const account = emulator.seedAccount('getter', { name: null })
    const got = await main('getter', { operation: 'get', name: account.id })
    expect(got.stdout).toMatch(new RegExp(`^Found service account +\\(${account.id}\\)$`, 'm'))
    const removed = await main('getter', { operation: 'rm', name: account.id })
    expect(removed.stdout).toMatch(new RegExp(`^Removed service account +\\(${account.id}\\)$`, 'm'))
  })

  test('rm names what it removed in the log and the summary', async () => {
    const account = emulator.seedAccount('getter', { name: 'removed-by-name' })
    const result = await main('getter', { operation: 'rm', name: 'removed-by-name' })
    expect(lines(result.stdout)).toContain(`Removed service account removed-by-name (${account.id})`)
    expect(result.summary).toContain('### Removed Apolo service account (1)')
    expect(result.summary).toContain(account.id)
  })
})

describe('prune', () => {
  test('names each account it removes, counts them, and succeeds; dry-run says it would', async () => {
    const stale = emulator.seedAccount('pruner', { name: 'stale-a', created_at: OLD })
    const dry = await main('pruner', { operation: 'prune', 'name-prefix': 'stale-', 'dry-run': 'true' })
    expect(dry.failed).toBe(false)
    expect(lines(dry.stdout)).toEqual(
      expect.arrayContaining([
        `Would remove stale-a (${stale.id}, created ${OLD})`,
        'Would remove 1 stale service account(s) starting with "stale-"'
      ])
    )
    expect(dry.summary).toContain('### Would remove stale Apolo service accounts (1)')
    const pruned = await main('pruner', { operation: 'prune', 'name-prefix': 'stale-' })
    expect(pruned.failed).toBe(false)
    expect(pruned.errors).toEqual([])
    expect(lines(pruned.stdout)).toEqual(
      expect.arrayContaining([
        `Removed stale-a (${stale.id}, created ${OLD})`,
        'Removed 1 stale service account(s) starting with "stale-"'
      ])
    )
    expect(pruned.summary).toContain('### Removed stale Apolo service accounts (1)')
    expect(ids(pruned.outputs.removed)).toEqual([stale.id])
  })

  test('every refused removal is named, one after the other', async () => {
    const refused = ['refused-a', 'refused-b'].map(name => emulator.seedAccount('failing', { name, created_at: OLD }))
    for (const { id } of refused)
      emulator.addFault({ method: 'DELETE', path: `/service_accounts/${id}`, kind: 'status', status: 403 })
    const result = await main('failing', { operation: 'prune', 'name-prefix': 'refused-' })
    expect(result.failed).toBe(true)
    expect(result.errors[0]).toMatch(
      new RegExp(`^Could not remove 2 account\\(s\\): ${refused[0].id}: [^;]*HTTP 403[^;]*; ${refused[1].id}: `)
    )
    expect(JSON.parse(result.outputs.removed)).toEqual([])
    // Unlike create's sweep, prune says in the summary that it removed nothing.
    expect(result.summary).toContain('### Removed stale Apolo service accounts\n\nNone.')
  })

  test('what it removed past the 1 MB an output holds, and what it could not: both said, the output not set', async () => {
    emulator.seedAccounts('huge-prune', 60, { namePrefix: LONG, createdAt: OLD })
    const kept = emulator.seedAccount('huge-prune', { name: `${LONG}kept`, created_at: OLD })
    emulator.addFault({ method: 'DELETE', path: `/service_accounts/${kept.id}`, kind: 'status', status: 403 })
    const result = await main('huge-prune', { operation: 'prune', 'name-prefix': 'big-' })
    expect(result.failed).toBe(true)
    expect(Object.keys(result.outputs)).not.toContain('removed')
    expect(result.errors[0]).toMatch(
      new RegExp(
        `^Could not remove 1 account\\(s\\): ${kept.id}: .*\\. ` +
          'Removed 60 accounts \\(each named above\\), but the removed output would be \\d+\\.\\d MB, over the 1 MB'
      )
    )
  })
})
