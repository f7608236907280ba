// A list of accounts in the job summary (src/summary.ts): cut to its first rows, inert text.
import { describe, expect, test } from '@jest/globals'

describe('summary', () => {
  test('a long list is cut to the first rows and says how many more there are', async () => {
    const { accountsSummary, SUMMARY_ROWS } = await import('../src/summary.js')
    const accounts = Array.from({ length: SUMMARY_ROWS + 5 }, (_, i) => ({
      id: `service-account-${i}`,
      name: `n${i}`,
      role: `a/service-accounts/n${i}`,
      owner: 'a',
      default_cluster: 'c',
      default_project: 'p',
      created_at: '2026-01-01T00:00:00+00:00'
    }))
    const markdown = accountsSummary('Accounts', accounts)
    expect(markdown).toContain(`### Accounts (${SUMMARY_ROWS + 5})`)
    expect(markdown).toContain(`<code>service-account-${SUMMARY_ROWS - 1}</code>`)
    expect(markdown).not.toContain(`<code>service-account-${SUMMARY_ROWS}</code>`)
    expect(markdown).toContain('… and 5 more')
  })

  test('server values cannot inject markup or break the table', async () => {
    const { accountsSummary } = await import('../src/summary.js')
    const markdown = accountsSummary('x', [
      { id: 'i', name: 'n', role: 'r', owner: 'o', default_cluster: '<script>|', default_project: 'p', created_at: 't' }
    ])
    expect(markdown).toContain('&#60;script&#62;&#124;')
    expect(markdown).not.toContain('<script>')
  })
})
