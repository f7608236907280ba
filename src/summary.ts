import { runAttemptUrl } from './github/urls.js'
import type { Leftover } from './operations/finished-runs.js'
import { redactTokens, replaceControls } from './platform/errors.js'
import type { Permission, ServiceAccount } from './platform/types.js'
import type { AccountRecord } from './state.js'

/** Job summary sections as Markdown. Never given a token. */

/** What the create step learnt besides the account itself. */
export interface CreateDetails {
  apiUrl: string
  /** The registry host of the account's cluster; '' when unknown. */
  registry: string
  /** Whether the new token was proven to work. */
  verified: boolean
  /** The step's warnings, in the order given. */
  warnings: string[]
}

export function createdSummary(
  account: ServiceAccount,
  permissions: Permission[],
  cleanup: boolean,
  details: CreateDetails
): string {
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
        ['API URL', code(details.apiUrl)],
        ['Registry', details.registry ? code(details.registry) : '(unknown)'],
        ['Token checked', details.verified ? 'yes: the platform accepts it' : 'no (<code>verify-seconds: 0</code>)'],
        ['Removed by the post step', cleanup ? 'yes' : 'no (<code>cleanup: false</code>)']
      ]
    ),
    warningsList(details.warnings)
  ].join('\n')
}

/** The step's warnings as a list, or nothing. */
function warningsList(warnings: string[]): string {
  if (!warnings.length) return ''
  return ['**Warnings**', '', ...warnings.slice(0, SUMMARY_ROWS).map(w => `- ${cell(w, MAX_NOTE)}`), ''].join('\n')
}

/** What a failed step leaves, from the operation and what it saved for post. */
export function leftBehind(operation: string, record: AccountRecord | undefined): string {
  if (operation === 'rm') return 'the account, unless the error says it was removed'
  if (operation === 'prune') return 'every account the error names as not removed'
  if (operation !== 'create') return 'nothing: this operation changes nothing'
  switch (record?.kind) {
    case undefined:
    case 'none':
      return 'nothing: no service account was made, or the one made was removed again'
    case 'pending':
      return record.generated
        ? `maybe an account named ${record.name}, if the lost create made it: the post step looks for it and removes it`
        : `maybe an account named ${record.name}: the post step looks for it, and leaves it, as a name chosen in the workflow may be another job's`
    case 'created':
      return record.delivered && !record.cleanup
        ? `service account ${record.id}, kept (cleanup: false)`
        : `service account ${record.id}: the post step removes it`
  }
}

/** A failed step: what failed, and what it left behind. */
export function failedSummary(what: string, error: string, left: string): string {
  return [
    `### Apolo service account: ${cell(what)} failed`,
    '',
    cell(error, MAX_NOTE),
    '',
    `**Left behind:** ${cell(left, MAX_NOTE)}`,
    ''
  ].join('\n')
}

/** Rows shown at most: a step's summary is capped at 1 MiB, and a long table helps nobody. */
export const SUMMARY_ROWS = 100

/**
 * A table of accounts. `rest` says where the rows past the first SUMMARY_ROWS are: only a
 * step whose output was set can point at it.
 */
export function accountsSummary(
  title: string,
  accounts: ServiceAccount[],
  rest = "the step's output has them all"
): string {
  if (!accounts.length) return `### ${title}\n\nNone.\n`
  return [`### ${title} (${accounts.length})`, '', accountsTable(accounts, rest)].join('\n')
}

/** What prune removed, or would remove: the rule it applied, how many it kept and could not remove. */
export function pruneSummary(
  removed: ServiceAccount[],
  counts: { kept: number; keptRunning?: number; failed: number },
  rule: { namePrefix: string; olderThan: string; dryRun: boolean },
  rest = "the step's output has them all"
): string {
  const title = rule.dryRun
    ? 'Stale Apolo service accounts (dry run: nothing removed)'
    : 'Removed stale Apolo service accounts'
  const scope =
    `Names starting with ${code(rule.namePrefix)}, created over ${cell(rule.olderThan)} ago. ` +
    `Kept, being newer: ${counts.kept}.` +
    (counts.keptRunning ? ` Kept, their runs still going: ${counts.keptRunning}.` : '') +
    (counts.failed ? ` Could not remove: ${counts.failed} (named in the error).` : '')
  if (removed.length)
    return [`### ${title} (${removed.length})`, '', scope, '', accountsTable(removed, rest)].join('\n')
  return `### ${title}\n\n${scope}\n\n${counts.failed ? 'None removed.' : 'None is that old.'}\n`
}

function accountsTable(accounts: ServiceAccount[], rest: string): string {
  const more = accounts.length - SUMMARY_ROWS
  return [
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
    more > 0 ? `… and ${more} more (${rest}).\n` : ''
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
  outcome: 'removed' | 'removed earlier in this job' | 'already gone' | 'kept' | 'NOT removed' | 'left'
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
// An error or a warning: room for the whole message (errors.ts cuts a server's to 300).
const MAX_NOTE = 2_000

/**
 * A value from the platform as inert text in a Markdown table: every character that is not
 * plainly safe becomes an HTML character reference, which Markdown shows as that character
 * and never reads as syntax (`|`, `*`, `<`, backticks, brackets, line breaks all included).
 * GitHub also makes links of bare `http://`, `https://`, `ftp://` and `www.` addresses and of
 * e-mail addresses (and mentions of `@` names): a joiner inside each `://` of those schemes,
 * each `www.` and around each `@` keeps them plain text, so a hostile platform cannot put a
 * link in the summary. Other URIs (`storage://…`) are never links and are left as they are.
 */
export function cell(value: string, max = MAX_CELL): string {
  // U+2060 WORD JOINER: invisible, and no link GitHub's autolinker finds runs across it.
  const joiner = '\u2060'
  const cut = value.length > max ? `${value.slice(0, max)}…` : value
  const unlinked = replaceControls(redactTokens(cut), () => ' ')
    .replace(/(https?|ftp):\/\//gi, `$1:${joiner}//`)
    .replace(/(w{3})\./gi, `$1${joiner}.`)
    .replace(/@/g, `${joiner}@${joiner}`)
  return unlinked.replace(/[^A-Za-z0-9 .,:/@+=…-]/gu, c => `&#${c.codePointAt(0)};`)
}
