// The steps' side of sweeping finished runs: GitHub's client made from the inputs and the
// runner's variables (loaded only when there is something to ask), and what GitHub said, told.
import { MAX_ASKED, notAskedLine, type FinishedRunsOptions, type Judgement } from '../operations/finished-runs.js'
import type { RemovalResult } from '../operations/removal.js'
import type { RunIdentity } from '../platform/names.js'
import type { ServiceAccount } from '../platform/types.js'
import * as runner from '../runner.js'
import { runAttemptsSummary } from '../summary.js'
import { USER_AGENT } from '../version.js'

interface Settings {
  sweepFinishedRuns: boolean
  githubToken: string
  timeoutMs: number
  maxAttempts: number
}

/**
 * What a sweep or prune needs to ask GitHub, or undefined when the option is off. GitHub gets
 * half the time `timeLeftMs` gives when first asked, so that the removals keep the rest.
 */
export function askingGitHub(
  settings: Settings,
  run: RunIdentity,
  timeLeftMs: () => number
): Omit<FinishedRunsOptions, 'ageInput'> | undefined {
  if (!settings.sweepFinishedRuns) return undefined
  return {
    repository: run,
    // As generatedName writes a run outside a workflow.
    current: { runId: run.runId || '0', attempt: run.runAttempt || '1' },
    openAsker: async () => {
      const { openRunsClient } = await import('../github/runs.js')
      const client = await openRunsClient({
        token: settings.githubToken,
        apiUrl: runner.githubUrls().apiUrl,
        repository: run.repository,
        userAgent: USER_AGENT,
        timeoutMs: settings.timeoutMs,
        maxAttempts: settings.maxAttempts,
        deadline: Date.now() + Math.floor(timeLeftMs() / 2),
        maxRequests: MAX_ASKED
      })
      return attempt => client.attemptStatus(attempt)
    }
  }
}

/**
 * Logs what GitHub said, warns once if it could not tell, and lists in the summary what went
 * because its run had finished (each with a link to the run attempt) and what was kept because
 * GitHub could not tell. Returns the accounts it listed as gone, which the caller need not list.
 */
export async function reportJudgement(
  judgement: Judgement | undefined,
  result: RemovalResult,
  repository: string,
  verb: 'Swept' | 'Removed' | 'Would remove'
): Promise<Set<ServiceAccount>> {
  if (!judgement) return new Set()
  const line = notAskedLine(judgement)
  if (line) runner.info(line)
  if (judgement.warning) runner.warning(judgement.warning)
  const removed = new Set(result.removed)
  const finished = judgement.finished.filter(leftover => removed.has(leftover.account))
  const kept = judgement.unknown.filter(leftover => !removed.has(leftover.account))
  for (const { account, run } of finished)
    runner.info(`${verb} ${account.name} (${account.id}): its run ${run.runId}, attempt ${run.attempt} has finished`)
  const links = { serverUrl: runner.githubUrls().serverUrl, repository }
  if (finished.length)
    await runner.writeSummary(runAttemptsSummary(`${verb} Apolo service accounts of finished runs`, finished, links))
  if (kept.length) {
    const title = 'Kept Apolo service accounts: GitHub could not tell whether their runs have finished'
    await runner.writeSummary(runAttemptsSummary(title, kept, links))
  }
  return new Set(finished.map(leftover => leftover.account))
}
