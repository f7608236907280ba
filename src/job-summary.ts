import { readJobSummary } from './inputs.js'
import * as runner from './runner.js'

/** The job-summary input, read before the others: a bad value leaves the summary on, to say so. */
export function applyJobSummary(): void {
  let wanted = true
  try {
    wanted = readJobSummary(runner.readInput)
  } finally {
    runner.wantSummary(wanted)
  }
}
