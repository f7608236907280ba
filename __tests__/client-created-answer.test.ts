// A create answer is believed only when it is about the account asked for (SECURITY.md, "Threat
// model"): its name, its owner (the caller the token names) and its role. Against a loopback
// server that answers whatever a test says.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { Agent } from 'undici'
import { PlatformClient } from '../src/platform/client.js'
import { PlatformError } from '../src/platform/errors.js'
import type { ServiceAccount } from '../src/platform/types.js'
import { fakeFullToken, startHostileServer, type HostileServer } from './helpers/hostile-server.js'

let server: HostileServer
let created: Partial<ServiceAccount>
let dispatcher: Agent

beforeAll(async () => {
  server = await startHostileServer(() => ({
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'service-account-1',
      default_cluster: 'default',
      default_project: 'p',
      created_at: '2026-11-28T10:00:00+00:00',
      role_deleted: false,
      token: fakeFullToken('created'),
      ...created
    })
  }))
  dispatcher = new Agent()
})
afterAll(async () => {
  await dispatcher.close()
  await server.close()
})

/** A JWT whose payload names `identity`, or nothing readable when it is undefined. */
function jwtOf(identity: string | undefined): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const payload = identity === undefined ? 'bm90LWpzb24' : part({ identity })
  return `${part({ alg: 'HS256' })}.${payload}.c2ln`
}

/** What a create as `caller` makes of an answer about `account`: the account, or why it was refused. */
async function createAs(
  caller: string | undefined,
  account: Partial<ServiceAccount>,
  name: string | undefined = account.name ?? undefined
): Promise<string> {
  created = account
  const client = new PlatformClient({
    apiUrl: server.url,
    authToken: jwtOf(caller),
    userAgent: 'created-answer-test',
    dispatcher,
    maxAttempts: 1
  })
  try {
    const made = await client.create({ name, default_cluster: 'default', default_project: 'p' })
    return `made ${made.role}`
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError)
    const refused = error as PlatformError
    // Unreadable, so a create settles it by a look-up instead of believing or removing it.
    expect([refused.status, refused.unreadable]).toEqual([201, true])
    expect(refused.message).toMatch(/^create service account failed: HTTP 201: the answer is about another account: /)
    return refused.serverMessage.replace('the answer is about another account: ', '')
  }
}

const account = (owner: string, name: string): Partial<ServiceAccount> => ({
  name,
  owner,
  role: `${owner}/service-accounts/${name}`
})

describe('name', () => {
  test('an answer about another name is refused', async () => {
    expect(await createAs('alice', account('alice', 'other'), 'ci')).toBe('its name is not "ci"')
    expect(await createAs('alice', account('alice', 'ci'), 'ci')).toBe('made alice/service-accounts/ci')
  })
})

describe('owner', () => {
  test("a user's token: only an account the user owns is believed", async () => {
    expect(await createAs('alice', account('bob', 'ci'))).toBe('its owner is not the caller')
    expect(await createAs('alice', account('alice', 'ci'))).toBe('made alice/service-accounts/ci')
  })

  test('a token that names no one: any owner is believed, but an account with none is refused', async () => {
    expect(await createAs(undefined, account('zed', 'ci'))).toBe('made zed/service-accounts/ci')
    expect(await createAs(undefined, { ...account('zed', 'ci'), owner: '' })).toBe('its owner is not the caller')
  })

  test("a service account's token: the account may be owned by it or by the user who owns it, no one else", async () => {
    const deployer = 'alice/service-accounts/deployer'
    expect(await createAs(deployer, account(deployer, 'ci'))).toBe(`made ${deployer}/service-accounts/ci`)
    expect(await createAs(deployer, account('alice', 'ci'))).toBe('made alice/service-accounts/ci')
    expect(await createAs(deployer, account('bob', 'ci'))).toBe('its owner is not the caller')
    expect(await createAs(deployer, account('deployer', 'ci'))).toBe('its owner is not the caller')
  })

  test("a service account's own service account: only its role owns what it makes, not the users above it", async () => {
    const child = 'alice/service-accounts/deployer/service-accounts/child'
    expect(await createAs(child, account(child, 'ci'))).toBe(`made ${child}/service-accounts/ci`)
    expect(await createAs(child, account('alice', 'ci'))).toBe('its owner is not the caller')
    expect(await createAs(child, account('deployer', 'ci'))).toBe('its owner is not the caller')
    expect(await createAs(child, account('alice/service-accounts/deployer', 'ci'))).toBe('its owner is not the caller')
  })
})

describe('role', () => {
  test("a named account's role must be its owner's, ending in its name", async () => {
    const wrong = 'its role is not "<owner>/service-accounts/ci"'
    expect(await createAs('alice', { ...account('alice', 'ci'), role: 'alice/service-accounts/other' })).toBe(wrong)
    expect(await createAs('alice', { ...account('alice', 'ci'), role: 'bob/service-accounts/ci' })).toBe(wrong)
    expect(await createAs('alice', { ...account('alice', 'ci'), role: 'alice/users/ci' })).toBe(wrong)
  })

  test("an unnamed account's role must be its owner's, ending in a valid name", async () => {
    const unnamed = (role: string) => createAs('alice', { name: null, owner: 'alice', role }, undefined)
    const wrong = 'its role is not "<owner>/service-accounts/<name>"'
    expect(await unnamed('alice/service-accounts/0123456789abcdef')).toBe(
      'made alice/service-accounts/0123456789abcdef'
    )
    expect(await unnamed('bob/service-accounts/0123456789abcdef')).toBe(wrong)
    expect(await unnamed('alice/service-accounts/Not_A_Name')).toBe(wrong)
  })
})
