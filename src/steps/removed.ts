import { oversizedOutput, removedOutput } from '../outputs.js'
import type { ServiceAccount } from '../platform/types.js'
import * as runner from '../runner.js'
import { accountsSummary } from '../summary.js'

/**
 * What prune or create's sweep removed: a table in the job summary and the `removed` output.
 * An empty table is written only when `tableWhenNone`: prune says "None.", a sweep that found
 * nothing says nothing. `inTable`: the accounts no other table lists (those of finished runs
 * have their own). Returns why the output is not set when it is over GitHub's 1 MB.
 */
export async function reportRemoved(
  title: string,
  accounts: ServiceAccount[],
  tableWhenNone: boolean,
  inTable = accounts
): Promise<string | undefined> {
  if (inTable.length || tableWhenNone) await runner.writeSummary(accountsSummary(title, inTable))
  const removed = removedOutput(accounts)
  const oversized = oversizedOutput('removed', removed)
  if (!oversized) runner.setOutput('removed', removed)
  return oversized
}
