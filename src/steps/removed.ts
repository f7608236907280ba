import { removedOutput } from '../outputs.js'
import type { ServiceAccount } from '../platform/types.js'
import * as runner from '../runner.js'

/**
 * The `removed` output of prune and of create's sweep: what went. Returns why it is not set
 * when it is over GitHub's 1 MB.
 */
export function setRemovedOutput(accounts: ServiceAccount[]): string | undefined {
  return runner.setOutputIfItFits('removed', removedOutput(accounts))
}

/** Where a summary table's other rows are, when its output was refused. */
export function refusedOutput(name: string): string {
  return `nor in the ${name} output: it would be over 1 MB, so it is not set`
}
