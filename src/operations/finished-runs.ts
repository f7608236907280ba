import { generatedNameRunAttempt, type RunIdentity } from '../platform/names.js'
import type { ServiceAccount } from '../platform/types.js'

/** One attempt of one workflow run, as a generated name records it. */
export interface RunAttempt {
  runId: string
  attempt: string
}

/** GitHub's `status` of a run attempt, or why it could not say (`reason` picks the advice). */
export type AttemptAnswer = { status: string } | { unknown: string; detail: string }

/** Asks GitHub about one run attempt; never throws. */
export type AskGitHub = (run: RunAttempt) => Promise<AttemptAnswer>

export interface FinishedRunsOptions {
  repository: Pick<RunIdentity, 'repository' | 'repositoryId'>
  /** The current run attempt: its accounts are never asked about (its other jobs may be running). */
  current: RunAttempt
  /** Makes the asker (loading Octokit): called only when there is something to ask. */
  openAsker: () => Promise<AskGitHub>
  /** The input whose age rule still applies to what GitHub could not tell about. */
  ageInput: 'sweep-older-than' | 'older-than'
}

/** An account of this repository with the run attempt its name records. */
export interface Leftover {
  account: ServiceAccount
  run: RunAttempt
}

/** What GitHub said about each leftover. */
export interface Judgement {
  /** Their run attempt has completed: removed whatever their age. */
  finished: Leftover[]
  /** Their run attempt is still going: kept. */
  active: Leftover[]
  /** GitHub could not tell. */
  unknown: Leftover[]
  /** Past the step's limit of attempts asked: left for a later run. */
  notAsked: Leftover[]
  /** One warning saying why GitHub could not tell, if it could not. */
  warning?: string
}

/** Run attempts asked about per step, at most; the rest wait for a later run. */
export const MAX_ASKED = 50
/** Requests to GitHub in flight at once. */
export const CONCURRENCY = 4

/** This repository's generated accounts, but the current run attempt's. */
export function leftoversOf(
  accounts: ServiceAccount[],
  options: Pick<FinishedRunsOptions, 'repository' | 'current'>
): Leftover[] {
  const { current } = options
  return accounts.flatMap(account => {
    const run = account.name === null ? undefined : generatedNameRunAttempt(account.name, options.repository)
    if (!run || (run.runId === current.runId && run.attempt === current.attempt)) return []
    return [{ account, run }]
  })
}

const keyOf = (run: RunAttempt) => `${run.runId}/${run.attempt}`

/** Asks GitHub about each leftover's run attempt once, at most MAX_ASKED of them, oldest first. */
export async function judgeByRuns(accounts: ServiceAccount[], options: FinishedRunsOptions): Promise<Judgement> {
  const leftovers = leftoversOf(accounts, options)
  const oldestFirst = [...leftovers].sort((a, b) => a.account.created_at.localeCompare(b.account.created_at))
  const runs = new Map(oldestFirst.map(leftover => [keyOf(leftover.run), leftover.run]))
  const asked = [...runs.values()].slice(0, MAX_ASKED)
  const answers = new Map<string, AttemptAnswer>()
  if (asked.length) {
    let ask: AskGitHub
    try {
      ask = await options.openAsker()
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      // Stryker disable next-line StringLiteral: every answer is then this one reason, never ranked against another
      ask = () => Promise.resolve({ unknown: 'setup', detail })
    }
    let next = 0
    const worker = async () => {
      for (let run = asked[next++]; run; run = asked[next++]) answers.set(keyOf(run), await ask(run))
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, asked.length) }, worker))
  }
  const judgement: Judgement = { finished: [], active: [], unknown: [], notAsked: [] }
  for (const leftover of leftovers) {
    const answer = answers.get(keyOf(leftover.run))
    if (!answer) judgement.notAsked.push(leftover)
    else if (!('status' in answer)) judgement.unknown.push(leftover)
    else (answer.status === 'completed' ? judgement.finished : judgement.active).push(leftover)
  }
  const unknown = asked.flatMap(run => {
    const answer = answers.get(keyOf(run))!
    return 'unknown' in answer ? [answer] : []
  })
  if (unknown.length) judgement.warning = unknownWarning(unknown, options.ageInput)
  return judgement
}

/** The reasons that apply to every request first: fixing them fixes the rest. */
const REASON_ORDER = ['forbidden', 'unauthorized', 'setup', 'budget', 'server', 'network', 'not-found', 'unreadable']

const ADVICE: Record<string, string> = {
  forbidden: 'add `permissions: actions: read` (with `contents: read`) to the workflow/job',
  unauthorized: 'check github-token (its default is the job token, `${{ github.token }}`)'
}

function unknownWarning(unknown: { unknown: string; detail: string }[], ageInput: string): string {
  const rank = (reason: string) => REASON_ORDER.indexOf(reason)
  const [first] = [...unknown].sort((a, b) => rank(a.unknown) - rank(b.unknown))
  const advice = ADVICE[first.unknown]
  return (
    `GitHub could not tell whether ${unknown.length} earlier run attempt(s) have finished, so their accounts are kept ` +
    `unless ${ageInput} says they are old: ${first.detail}${advice ? `; ${advice}` : ''}`
  )
}

/** The log line for what waits, or undefined when nothing does. */
export function notAskedLine(judgement: Judgement): string | undefined {
  const runs = new Set(judgement.notAsked.map(leftover => keyOf(leftover.run))).size
  if (!runs) return undefined
  return `${runs} more run attempt(s) (${judgement.notAsked.length} account(s)) wait for a later run: at most ${MAX_ASKED} are asked about per step`
}

/**
 * What goes, of `accounts`, in their order: GitHub's answer wins over age (a finished run's
 * account goes at any age, a running one's stays however old); where it could not tell,
 * the age rule (`old`) still applies.
 */
export function doomedBy(judgement: Judgement, accounts: ServiceAccount[], old: ServiceAccount[]): ServiceAccount[] {
  const finished = new Set(judgement.finished.map(leftover => leftover.account))
  const active = new Set(judgement.active.map(leftover => leftover.account))
  const aged = new Set(old)
  return accounts.filter(account => finished.has(account) || (aged.has(account) && !active.has(account)))
}
