// The step's outputs (src/outputs.ts): an account's fields by their action.yml names, and
// the 1 MB GitHub keeps of one output.
import { describe, expect, test } from '@jest/globals'
import { accountOutputs, oversizedOutput } from '../src/outputs.js'
import type { ServiceAccount } from '../src/platform/types.js'

const ACCOUNT: ServiceAccount = {
  id: 'service-account-1',
  name: 'ci',
  role: 'alice/service-accounts/ci',
  owner: 'alice',
  default_cluster: 'default',
  default_project: 'p',
  default_org: 'o',
  created_at: '2026-11-28T10:00:00+00:00',
  role_deleted: true
}

describe("an account's outputs", () => {
  test('every field, by its output name', () => {
    expect(accountOutputs(ACCOUNT)).toEqual({
      id: 'service-account-1',
      name: 'ci',
      role: 'alice/service-accounts/ci',
      owner: 'alice',
      'default-cluster': 'default',
      'default-project': 'p',
      'default-org': 'o',
      'created-at': '2026-11-28T10:00:00+00:00',
      'role-deleted': 'true'
    })
  })

  test('a field the platform left out is empty, and a role not said to be deleted is not', () => {
    const {
      name,
      'default-org': org,
      'role-deleted': roleDeleted
    } = accountOutputs({
      ...ACCOUNT,
      name: null,
      default_org: undefined,
      role_deleted: undefined
    })
    expect([name, org, roleDeleted]).toEqual(['', '', 'false'])
  })
})

describe('the 1 MB an output holds', () => {
  const MB = 1024 * 1024

  test('up to 1 MB exactly, an output is set', () => {
    expect(oversizedOutput('accounts', '[]')).toBeUndefined()
    expect(oversizedOutput('accounts', 'x'.repeat(MB))).toBeUndefined()
  })

  test('past it, measured in bytes, the reason names the output and its size', () => {
    expect(oversizedOutput('removed', 'x'.repeat(MB + 1))).toBe(
      'the removed output would be 1.0 MB, over the 1 MB GitHub allows for one output, so it is not set'
    )
    // Half a million two-byte characters: 1 MB in UTF-8.
    expect(oversizedOutput('accounts', 'é'.repeat(MB / 2 + 1))).toMatch(/^the accounts output would be 1\.0 MB/)
    expect(oversizedOutput('accounts', 'x'.repeat(3 * MB))).toMatch(/^the accounts output would be 3\.0 MB/)
  })
})
