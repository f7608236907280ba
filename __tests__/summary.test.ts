// The job summary (src/summary.ts): what each section shows, every value as inert cell text.
import { expect, test } from '@jest/globals'
import {
  accountsSummary,
  cell,
  createdSummary,
  removedSummary,
  runAttemptsSummary,
  SUMMARY_ROWS
} from '../src/summary.js'

const ACCOUNT = {
  id: 'service-account-1',
  name: 'ci',
  role: 'alice/service-accounts/ci',
  owner: 'alice',
  default_cluster: 'default',
  default_project: 'p',
  default_org: 'o',
  created_at: '2026-11-28T10:00:00+00:00',
  role_deleted: false,
  token: 'never-shown'
}

test('a created account: its fields, its grants, and whether post removes it', () => {
  expect(createdSummary(ACCOUNT, [{ uri: 'storage://default/o/p', action: 'read' }], true)).toBe(
    [
      '### Apolo service account created',
      '',
      '| Field | Value |',
      '| --- | --- |',
      '| ID | <code>service-account-1</code> |',
      '| Name | <code>ci</code> |',
      '| Role | <code>alice/service-accounts/ci</code> |',
      '| Owner | alice |',
      '| Cluster | default |',
      '| Project | p |',
      '| Org | o |',
      '| Created at | 2026-11-28T10:00:00+00:00 |',
      '| Permissions | <code>storage://default/o/p</code> read |',
      '| Removed by the post step | yes |',
      ''
    ].join('\n')
  )
  const kept = createdSummary({ ...ACCOUNT, name: null, default_org: null }, [], false)
  expect(kept).toContain('| Name | <code>&#40;none&#41;</code> |')
  expect(kept).toContain('| Org | &#40;none&#41; |')
  expect(kept).toContain('| Permissions | (none) |')
  expect(kept).toContain('| Removed by the post step | no (<code>cleanup: false</code>) |')
  expect(kept).not.toContain('never-shown')
})

test('a list of accounts, or None', () => {
  expect(accountsSummary('Removed', [])).toBe('### Removed\n\nNone.\n')
  expect(accountsSummary('Found', [{ ...ACCOUNT, name: null, default_org: null }])).toBe(
    [
      '### Found (1)',
      '',
      '| Name | ID | Cluster | Project | Org | Created at |',
      '| --- | --- | --- | --- | --- | --- |',
      '| <code>&#40;none&#41;</code> | <code>service-account-1</code> | default | p |  | 2026-11-28T10:00:00+00:00 |',
      '',
      ''
    ].join('\n')
  )
})

test('grants one per line', () => {
  const grants = [
    { uri: 'storage://default/o/p/a', action: 'read' as const },
    { uri: 'storage://default/o/p/b', action: 'write' as const }
  ]
  expect(createdSummary(ACCOUNT, grants, true)).toContain(
    '| Permissions | <code>storage://default/o/p/a</code> read<br><code>storage://default/o/p/b</code> write |'
  )
})

test('a table of as many rows as it shows says nothing of more', () => {
  const accounts = Array.from({ length: SUMMARY_ROWS }, (_, i) => ({ ...ACCOUNT, id: `service-account-${i}` }))
  expect(accountsSummary('Found', accounts)).not.toContain('more')
  expect(accountsSummary('Found', [...accounts, ACCOUNT])).toContain("… and 1 more (the step's output has them all).")
})

test("a cleanup's outcome", () => {
  expect(removedSummary('service-account-1', 'NOT removed')).toBe(
    '### Apolo service account cleanup\n\n<code>service-account-1</code>: **NOT removed**\n'
  )
})

test('a cell is cut at 200 characters, with anything token-like or control cut out', () => {
  expect(cell('x'.repeat(200))).toBe('x'.repeat(200))
  expect(cell('x'.repeat(201))).toBe(`${'x'.repeat(200)}…`)
  expect(cell('a\nb eyJhbGciOiJIUzI1NiJ9 c')).toBe('a b &#42;&#42;&#42; c')
  expect(cell('safe: A-z 0.9, /+=')).toBe('safe: A-z 0.9, /+=')
  expect(cell('é|`')).toBe('&#233;&#124;&#96;')
})

test('bare http, https and ftp addresses and www. names are no links; other dots and schemes stay as they are', () => {
  const joiner = '&#8288;'
  expect(cell('http://a.example https://b.example FTP://c.example')).toBe(
    `http:${joiner}//a.example https:${joiner}//b.example FTP:${joiner}//c.example`
  )
  expect(cell('www.example.com')).toBe(`www${joiner}.example.com`)
  expect(cell('show.me storage://default/o/p')).toBe('show.me storage://default/o/p')
})

test('accounts with their run attempts: a link to each, built from checked parts only', () => {
  const account = {
    id: 'service-account-1',
    name: 'gha-a-b-r1-100-2-0123456789abcdef',
    role: 'alice/service-accounts/x',
    owner: 'alice',
    default_cluster: 'default',
    default_project: 'p',
    default_org: null,
    created_at: '2026-01-01T00:00:00+00:00',
    role_deleted: false
  }
  const leftovers = [{ account, run: { runId: '100', attempt: '2' } }]
  const links = { serverUrl: 'https://github.com', repository: 'octo-org/octo-repo' }
  expect(runAttemptsSummary('Removed', leftovers, links)).toBe(
    [
      '### Removed (1)',
      '',
      '| Name | ID | Created at | Run attempt |',
      '| --- | --- | --- | --- |',
      '| <code>gha-a-b-r1-100-2-0123456789abcdef</code> | <code>service-account-1</code> | 2026-01-01T00:00:00+00:00 | <a href="https://github.com/octo-org/octo-repo/actions/runs/100/attempts/2">run 100, attempt 2</a> |',
      '',
      ''
    ].join('\n')
  )
  const unlinked = runAttemptsSummary('Kept', leftovers, { ...links, serverUrl: 'javascript:alert(1)' })
  expect(unlinked).toContain('| run 100, attempt 2 |')
  expect(unlinked).not.toContain('<a ')
  const many = Array.from({ length: SUMMARY_ROWS + 2 }, () => leftovers[0])
  expect(runAttemptsSummary('Kept', many, links)).toContain(`### Kept (${SUMMARY_ROWS + 2})`)
  expect(runAttemptsSummary('Kept', many, links)).toContain('… and 2 more.')
})
