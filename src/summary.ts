import type { Permission, ServiceAccount } from './platform/types.js'

/** Job summary sections as Markdown. Never given a token. */

export function createdSummary(account: ServiceAccount, permissions: Permission[], cleanup: boolean): string {
  return [
    '### Apolo service account created',
    '',
    table(
      ['Field', 'Value'],
      [
        ['ID', code(account.id)],
        ['Name', code(account.name ?? '(none)')],
        ['Role', code(account.role)],
        ['Owner', escape(account.owner)],
        ['Cluster', escape(account.default_cluster)],
        ['Project', escape(account.default_project)],
        ['Org', escape(account.default_org ?? '(none)')],
        ['Created at', escape(account.created_at)],
        ['Permissions', permissions.length ? permissions.map(p => `${code(p.uri)} ${p.action}`).join('<br>') : '(none)'],
        ['Removed by the post step', cleanup ? 'yes' : 'no (`cleanup: false`)']
      ]
    )
  ].join('\n')
}

/** Rows shown at most: a step's summary is capped at 1 MiB, and a long table helps nobody. */
export const SUMMARY_ROWS = 100

export function accountsSummary(title: string, accounts: ServiceAccount[]): string {
  if (!accounts.length) return `### ${title}\n\nNone.\n`
  const more = accounts.length - SUMMARY_ROWS
  return [
    `### ${title} (${accounts.length})`,
    '',
    table(
      ['Name', 'ID', 'Cluster', 'Project', 'Org', 'Created at'],
      accounts.slice(0, SUMMARY_ROWS).map(a => [
        code(a.name ?? '(none)'),
        code(a.id),
        escape(a.default_cluster),
        escape(a.default_project),
        escape(a.default_org ?? ''),
        escape(a.created_at)
      ])
    ),
    more > 0 ? `… and ${more} more (the step's output has them all).\n` : ''
  ].join('\n')
}

export function removedSummary(accountId: string, outcome: 'removed' | 'already gone' | 'kept' | 'NOT removed'): string {
  return `### Apolo service account cleanup\n\n${code(accountId)}: **${outcome}**\n`
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line), ''].join('\n')
}

function code(value: string): string {
  return `\`${value.replace(/`/g, "'").replace(/\|/g, '\\|')}\``
}

/** Server values go into Markdown and HTML: no markup, no table breaks. */
function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}
