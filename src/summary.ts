import { runAttemptUrl } from './github/urls.js'
import type { Leftover } from './operations/finished-runs.js'
import { redactTokens, replaceControls } from './platform/errors.js'
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
        ['Owner', cell(account.owner)],
        ['Cluster', cell(account.default_cluster)],
        ['Project', cell(account.default_project)],
        ['Org', cell(account.default_org ?? '(none)')],
        ['Created at', cell(account.created_at)],
        [
          'Permissions',
          permissions.length ? permissions.map(p => `${code(p.uri)} ${cell(p.action)}`).join('<br>') : '(none)'
        ],
        ['Removed by the post step', cleanup ? 'yes' : 'no (<code>cleanup: false</code>)']
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
      accounts
        .slice(0, SUMMARY_ROWS)
        .map(a => [
          code(a.name ?? '(none)'),
          code(a.id),
          cell(a.default_cluster),
          cell(a.default_project),
          cell(a.default_org ?? ''),
          cell(a.created_at)
        ])
    ),
    more > 0 ? `… and ${more} more (the step's output has them all).\n` : ''
  ].join('\n')
}

/** Where a run attempt's page is: GITHUB_SERVER_URL and the repository. */
export interface RunLinks {
  serverUrl: string
  repository: string
}

/**
 * Accounts whose run attempt GitHub said had finished, or could not tell about, each with a
 * link to its run attempt (built from checked parts only: never from the platform's text).
 */
export function runAttemptsSummary(title: string, leftovers: Leftover[], links: RunLinks): string {
  const more = leftovers.length - SUMMARY_ROWS
  return [
    `### ${title} (${leftovers.length})`,
    '',
    table(
      ['Name', 'ID', 'Created at', 'Run attempt'],
      leftovers.slice(0, SUMMARY_ROWS).map(({ account, run }) => {
        const url = runAttemptUrl(links.serverUrl, links.repository, run)
        const label = `run ${run.runId}, attempt ${run.attempt}`
        return [
          code(account.name ?? '(none)'),
          code(account.id),
          cell(account.created_at),
          url ? `<a href="${url}">${label}</a>` : label
        ]
      })
    ),
    more > 0 ? `… and ${more} more.\n` : ''
  ].join('\n')
}

export function removedSummary(
  account: string,
  outcome: 'removed' | 'already gone' | 'kept' | 'NOT removed' | 'left'
): string {
  return `### Apolo service account cleanup\n\n${code(account)}: **${outcome}**\n`
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line), ''].join('\n')
}

function code(value: string): string {
  return `<code>${cell(value)}</code>`
}

// A cell longer than this says nothing more, and a server could send megabytes.
const MAX_CELL = 200

/**
 * A value from the platform as inert text in a Markdown table: every character that is not
 * plainly safe becomes an HTML character reference, which Markdown shows as that character
 * and never reads as syntax (`|`, `*`, `<`, backticks, brackets, line breaks all included).
 * GitHub also makes links of bare `http://`, `https://`, `ftp://` and `www.` addresses and of
 * e-mail addresses (and mentions of `@` names): a joiner inside each `://` of those schemes,
 * each `www.` and around each `@` keeps them plain text, so a hostile platform cannot put a
 * link in the summary. Other URIs (`storage://…`) are never links and are left as they are.
 */
export function cell(value: string): string {
  // U+2060 WORD JOINER: invisible, and no link GitHub's autolinker finds runs across it.
  const joiner = '\u2060'
  const cut = value.length > MAX_CELL ? `${value.slice(0, MAX_CELL)}…` : value
  const unlinked = replaceControls(redactTokens(cut), () => ' ')
    .replace(/(https?|ftp):\/\//gi, `$1:${joiner}//`)
    .replace(/(w{3})\./gi, `$1${joiner}.`)
    .replace(/@/g, `${joiner}@${joiner}`)
  return unlinked.replace(/[^A-Za-z0-9 .,:/@+=…-]/gu, c => `&#${c.codePointAt(0)};`)
}
