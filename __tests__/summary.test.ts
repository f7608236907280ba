// The job summary (src/summary.ts): what each section shows, every value as inert cell text.
import { expect, test } from '@jest/globals'
import {
  accountsSummary,
  cell,
  createdSummary,
  failedSummary,
  leftBehind,
  pruneSummary,
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

const DETAILS = {
  apiUrl: 'https://api.apolo.us/api/v1',
  registry: 'registry.default.apolo.us',
  verified: true,
  warnings: []
}

test('a created account: its fields, its grants, where it was made, whether it was checked, and whether post removes it', () => {
  expect(createdSummary(ACCOUNT, [{ uri: 'storage://default/o/p', action: 'read' }], true, DETAILS)).toBe(
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
      '| API URL | <code>https:&#8288;//api.apolo.us/api/v1</code> |',
      '| Registry | <code>registry.default.apolo.us</code> |',
      '| Token checked | yes: the platform accepts it |',
      '| Removed by the post step | yes |',
      '',
      ''
    ].join('\n')
  )
  const kept = createdSummary({ ...ACCOUNT, name: null, default_org: null }, [], false, {
    ...DETAILS,
    registry: '',
    verified: false
  })
  expect(kept).toContain('| Registry | (unknown) |')
  expect(kept).toContain('| Token checked | no (<code>verify-seconds: 0</code>) |')
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
  expect(createdSummary(ACCOUNT, grants, true, DETAILS)).toContain(
    '| Permissions | <code>storage://default/o/p/a</code> read<br><code>storage://default/o/p/b</code> write |'
  )
})

test('a table of as many rows as it shows says nothing of more', () => {
  const accounts = Array.from({ length: SUMMARY_ROWS }, (_, i) => ({ ...ACCOUNT, id: `service-account-${i}` }))
  expect(accountsSummary('Found', accounts)).not.toContain('more')
  expect(accountsSummary('Found', [...accounts, ACCOUNT])).toContain("… and 1 more (the step's output has them all).")
})

test("a created account's warnings follow its table, as a list of inert text", () => {
  const warned = createdSummary(ACCOUNT, [], true, {
    ...DETAILS,
    warnings: ['The new account sees no cluster "default"', '| **x** <b>']
  })
  expect(
    warned.endsWith(
      [
        '| Removed by the post step | yes |',
        '',
        '**Warnings**',
        '',
        '- The new account sees no cluster &#34;default&#34;',
        '- &#124; &#42;&#42;x&#42;&#42; &#60;b&#62;',
        ''
      ].join('\n')
    )
  ).toBe(true)
})

test('at most 100 warnings are listed', () => {
  const warnings = Array.from({ length: SUMMARY_ROWS + 1 }, (_, i) => `w${i}`)
  const listed = createdSummary(ACCOUNT, [], true, { ...DETAILS, warnings })
  expect(listed).toContain(`- w${SUMMARY_ROWS - 1}\n`)
  expect(listed).not.toContain(`- w${SUMMARY_ROWS}`)
})

test('a table too long for its output says so, not that the output has the rest', () => {
  const accounts = Array.from({ length: SUMMARY_ROWS + 2 }, (_, i) => ({ ...ACCOUNT, id: `service-account-${i}` }))
  const refused = accountsSummary(
    'Found',
    accounts,
    'nor in the accounts output: it would be over 1 MB, so it is not set'
  )
  expect(refused).toContain('… and 2 more (nor in the accounts output: it would be over 1 MB, so it is not set).')
  expect(refused).not.toContain("the step's output")
})

test('a prune: its rule, how many it kept, and what it removed or would remove', () => {
  const rule = { namePrefix: 'gha-', olderThan: '24h', dryRun: true }
  expect(pruneSummary([ACCOUNT], { kept: 3, failed: 0 }, rule)).toBe(
    [
      '### Stale Apolo service accounts (dry run: nothing removed) (1)',
      '',
      'Names starting with <code>gha-</code>, created over 24h ago. Kept, being newer: 3.',
      '',
      '| Name | ID | Cluster | Project | Org | Created at |',
      '| --- | --- | --- | --- | --- | --- |',
      '| <code>ci</code> | <code>service-account-1</code> | default | p | o | 2026-11-28T10:00:00+00:00 |',
      '',
      ''
    ].join('\n')
  )
  expect(pruneSummary([ACCOUNT], { kept: 0, failed: 2 }, rule)).toContain(
    'Kept, being newer: 0. Could not remove: 2 (named in the error).\n'
  )
  expect(pruneSummary([], { kept: 0, failed: 1 }, { ...rule, dryRun: false })).toBe(
    '### Removed stale Apolo service accounts\n\nNames starting with <code>gha-</code>, created over 24h ago. Kept, being newer: 0. Could not remove: 1 (named in the error).\n\nNone removed.\n'
  )
  expect(pruneSummary([], { kept: 2, failed: 0 }, { ...rule, dryRun: false })).toBe(
    '### Removed stale Apolo service accounts\n\nNames starting with <code>gha-</code>, created over 24h ago. Kept, being newer: 2.\n\nNone is that old.\n'
  )
  // With sweep-finished-runs, old accounts whose run GitHub says is still going stay too.
  expect(pruneSummary([], { kept: 2, keptRunning: 3, failed: 0 }, { ...rule, dryRun: false })).toContain(
    'Kept, being newer: 2. Kept, their runs still going: 3.\n'
  )
})

test('a failed step: what failed, the error, and what it left', () => {
  expect(failedSummary('create', 'Input "cluster" names <x>', 'nothing')).toBe(
    '### Apolo service account: create failed\n\nInput &#34;cluster&#34; names &#60;x&#62;\n\n**Left behind:** nothing\n'
  )
  expect(failedSummary('create', 'e'.repeat(2_001), 'x')).toContain(`${'e'.repeat(2_000)}…`)
})

test('what a failed step left, from its operation and its record for post', () => {
  expect(leftBehind('create', undefined)).toMatch(/^nothing: no service account was made/)
  expect(leftBehind('create', { kind: 'none' })).toMatch(/^nothing: /)
  const pending = { kind: 'pending', name: 'ci-x', generated: true, cleanup: true, tokenAccepted: true } as const
  expect(leftBehind('create', pending)).toMatch(/^maybe an account named ci-x, .* removes it$/)
  expect(leftBehind('create', { ...pending, generated: false })).toMatch(/leaves it, as a name chosen in the workflow/)
  const created = { kind: 'created', id: 'service-account-1', delivered: false, cleanup: false } as const
  expect(leftBehind('create', created)).toBe('service account service-account-1: the post step removes it')
  expect(leftBehind('create', { ...created, delivered: true })).toBe(
    'service account service-account-1, kept (cleanup: false)'
  )
  expect(leftBehind('create', { ...created, delivered: true, cleanup: true })).toMatch(/removes it$/)
  expect(leftBehind('list', undefined)).toBe('nothing: this operation changes nothing')
  expect(leftBehind('get', undefined)).toBe('nothing: this operation changes nothing')
  expect(leftBehind('rm', undefined)).toMatch(/^the account, unless/)
  expect(leftBehind('prune', undefined)).toMatch(/^every account the error names/)
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
