// The post-step record: what main saves is what post reads, and post believes nothing else.
import { describe, expect, test } from '@jest/globals'
import path from 'node:path'
import { isConfigDirOf } from '../src/config-dir.js'
import {
  decodeAccount,
  decodeThrottled,
  encodeAccount,
  recordCreated,
  recordDelivered,
  recordNothing,
  recordPending,
  recordRemovedInJob,
  removedInJob,
  type AccountRecord
} from '../src/state.js'
import { freshImport } from './helpers/fresh-import.js'
import { inRunner } from './helpers/in-process.js'

const freshState = () => freshImport(() => import('../src/state.js'))

describe('a record main saves reads back the same', () => {
  test.each<AccountRecord>([
    { kind: 'none' },
    { kind: 'pending', name: 'gha-repo-1-1-build-abc123', generated: true, cleanup: true, tokenAccepted: false },
    { kind: 'pending', name: 'my-ci', generated: false, cleanup: false, tokenAccepted: true },
    { kind: 'created', id: 'service-account-efa6ee98-edbf-42a9-bc0d-bb8f954a4db7', delivered: false, cleanup: false },
    { kind: 'created', id: 'service-account-1', delivered: true, cleanup: true }
  ])('%j', record => {
    expect(decodeAccount(encodeAccount(record))).toEqual(record)
  })

  test('no state at all is no record', () => {
    expect(decodeAccount('')).toEqual({ kind: 'none' })
  })
})

describe("main's transitions write the record post reads", () => {
  const ID = 'service-account-efa6ee98-edbf-42a9-bc0d-bb8f954a4db7'
  test.each<[string, () => void, AccountRecord]>([
    [
      'pending',
      () => recordPending({ name: 'my-ci', generated: false, cleanup: true, tokenAccepted: true }),
      { kind: 'pending', name: 'my-ci', generated: false, cleanup: true, tokenAccepted: true }
    ],
    ['created', () => recordCreated(ID, true), { kind: 'created', id: ID, delivered: false, cleanup: true }],
    ['delivered', () => recordDelivered(ID, false), { kind: 'created', id: ID, delivered: true, cleanup: false }],
    ['nothing', () => recordNothing(), { kind: 'none' }]
  ])('%s', async (_, transition, record) => {
    const { state } = await inRunner(transition)
    expect(decodeAccount(state.account)).toEqual(record)
  })

  test('the latest transition wins', async () => {
    const { state } = await inRunner(() => {
      recordPending({ name: 'gha-x', generated: true, cleanup: true, tokenAccepted: false })
      recordCreated(ID, true)
      recordDelivered(ID, true)
    })
    expect(decodeAccount(state.account)).toEqual({ kind: 'created', id: ID, delivered: true, cleanup: true })
  })
})

describe('post acts on nothing it cannot prove main saved', () => {
  test.each([
    ['not JSON', 'service-account-1'],
    ['an unknown kind', '{"kind":"deleted","id":"x","delivered":true,"cleanup":true}'],
    ['an id of ..', '{"kind":"created","id":"..","delivered":true,"cleanup":true}'],
    ['an id of .', '{"kind":"created","id":".","delivered":true,"cleanup":true}'],
    ['an empty id', '{"kind":"created","id":"","delivered":true,"cleanup":true}'],
    ['an id with a slash', '{"kind":"created","id":"a/../../x","delivered":true,"cleanup":true}'],
    ['an id with a line break', '{"kind":"created","id":"a\\nb","delivered":true,"cleanup":true}'],
    ['cleanup as a string', '{"kind":"created","id":"a","delivered":true,"cleanup":"true"}'],
    ['no delivered flag', '{"kind":"created","id":"a","cleanup":true}'],
    [
      'a pending name outside the grammar',
      '{"kind":"pending","name":"Bad Name","generated":true,"cleanup":true,"tokenAccepted":true}'
    ],
    ['a pending record with no generated flag', '{"kind":"pending","name":"ok","cleanup":true,"tokenAccepted":true}'],
    ['a pending record with no tokenAccepted flag', '{"kind":"pending","name":"ok","generated":true,"cleanup":true}'],
    [
      'tokenAccepted as a string',
      '{"kind":"pending","name":"ok","generated":true,"cleanup":true,"tokenAccepted":"true"}'
    ],
    ['an array', '[]'],
    ['null', 'null']
  ])('%s', (_, text) => {
    expect(decodeAccount(text)).toEqual({ kind: 'invalid' })
  })
})

describe('the CLI config folder post may remove', () => {
  test.each([
    ['posix', path.posix, '/home/runner/work/_temp', '/home/runner/work/_temp/apolo-service-account-Ab12Cd', true],
    ['posix', path.posix, '/home/runner/work/_temp', '/home/runner/work/_temp/workspace', false],
    ['posix', path.posix, '/home/runner/work/_temp', '/home/runner/work/apolo-service-account-Ab12Cd', false],
    ['posix', path.posix, '/home/runner/work/_temp', '/home/runner/work/_temp/a/apolo-service-account-Ab12Cd', false],
    ['posix', path.posix, '/home/runner/work/_temp', '/home/runner/work/_temp/apolo-service-account-', false],
    ['windows', path.win32, 'D:\\a\\_temp', 'D:\\a\\_temp\\apolo-service-account-Ab12Cd', true],
    ['windows', path.win32, 'D:\\a\\_temp\\', 'D:\\a\\_temp\\apolo-service-account-Ab12Cd', true],
    ['windows', path.win32, 'D:\\a\\_temp', 'D:\\a\\_temp\\work', false],
    ['windows', path.win32, 'D:\\a\\_temp', 'D:\\a\\apolo-service-account-Ab12Cd', false],
    ['windows', path.win32, 'D:\\a\\_temp', 'C:\\a\\_temp\\apolo-service-account-Ab12Cd', false]
  ])('%s: in %s, %s → %s', (_, paths, root, dir, expected) => {
    expect(isConfigDirOf(dir, root, paths)).toBe(expected)
  })
})

describe("the ids this job's rm steps removed, told to later steps", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `service-account-${i}`)

  test('each rm appends its id; what is not an id is dropped', async () => {
    const result = await inRunner(() => recordRemovedInJob('service-account-b'), {
      env: { APOLO_SERVICE_ACCOUNTS_REMOVED: 'service-account-a ::warning::x' }
    })
    expect(result.env.APOLO_SERVICE_ACCOUNTS_REMOVED).toBe('service-account-a service-account-b')
  })

  test('at most the last 100 are kept, read or written', async () => {
    const env = { APOLO_SERVICE_ACCOUNTS_REMOVED: ids(150).join(' ') }
    const read = await inRunner(() => removedInJob(), { env })
    expect(read.value).toEqual(ids(150).slice(50))
    const written = await inRunner(() => recordRemovedInJob('service-account-new'), { env })
    expect(written.env.APOLO_SERVICE_ACCOUNTS_REMOVED.split(' ')).toEqual([
      ...ids(150).slice(51),
      'service-account-new'
    ])
  })

  test('unset, none', async () => expect((await inRunner(() => removedInJob())).value).toEqual([]))

  // The variable's name is a module-level constant: these load the module anew (fresh-import.ts).
  test('ids removed by earlier steps are read from APOLO_SERVICE_ACCOUNTS_REMOVED', async () => {
    const { removedInJob } = await freshState()
    const result = await inRunner(() => removedInJob(), {
      env: { APOLO_SERVICE_ACCOUNTS_REMOVED: 'service-account-a service-account-b' }
    })
    expect(result.value).toEqual(['service-account-a', 'service-account-b'])
  })

  test('a removed id is exported to later steps as APOLO_SERVICE_ACCOUNTS_REMOVED', async () => {
    const { recordRemovedInJob } = await freshState()
    const result = await inRunner(() => recordRemovedInJob('service-account-c'))
    expect(result.env).toEqual({ APOLO_SERVICE_ACCOUNTS_REMOVED: 'service-account-c' })
  })
})

describe('the throttling main heard, for post to pace by: only what main writes, within bounds', () => {
  test('what main saves reads back; nothing saved is none', () => {
    const heard = { atMs: 1_733_370_000_000, waitMs: 1_000, count: 3 }
    expect(decodeThrottled(JSON.stringify(heard))).toEqual(heard)
    expect(decodeThrottled(JSON.stringify({ atMs: 0, waitMs: 60_000, count: 32 }))).toEqual({
      atMs: 0,
      waitMs: 60_000,
      count: 32
    })
    expect(decodeThrottled('')).toBeUndefined()
  })

  test.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['a wait over a minute', '{"atMs":1,"waitMs":60001,"count":1}'],
    ['a count over 32', '{"atMs":1,"waitMs":1000,"count":33}'],
    ['a count of 0', '{"atMs":1,"waitMs":1000,"count":0}'],
    ['a negative time', '{"atMs":-1,"waitMs":1000,"count":1}'],
    ['a time in the future', `{"atMs":${Date.now() + 60_000},"waitMs":1000,"count":1}`],
    ['a fraction', '{"atMs":1,"waitMs":0.5,"count":1}'],
    ['a string', '{"atMs":"1","waitMs":1000,"count":1}'],
    ['a missing key', '{"atMs":1,"waitMs":1000}']
  ])('%s: none', (_, text) => {
    expect(decodeThrottled(text)).toBeUndefined()
  })
})
