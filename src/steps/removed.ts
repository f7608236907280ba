import { oversizedOutput, removedOutput } from '../outputs.js'
import type { ServiceAccount } from '../platform/types.js'
import * as runner from '../runner.js'
import { accountsSummary } from '../summary.js'

/**
 * What prune or create's sweep removed: a table in the job summary and the `removed` output.
 * An empty table is written only when `tableWhenNone`: prune says "None.", a sweep that found
 * nothing says nothing. Returns why the output is not set when it is over GitHub's 1 MB.
 */
export function reportRemoved(title: string, accounts: ServiceAccount[], tableWhenNone: boolean): string | undefined {
  if (accounts.length || tableWhenNone) runner.writeSummary(accountsSummary(title, accounts))
  const removed = removedOutput(accounts)
  const oversized = oversizedOutput('removed', removed)
  if (!oversized) runner.setOutput('removed', removed)
  return oversized
}
