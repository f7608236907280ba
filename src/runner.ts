/**
 * The runner's side: the one module that talks to @actions/core and @actions/github.
 * Everything else gets plain values and functions.
 */
import * as core from '@actions/core'
import { context } from '@actions/github'
import type { RunIdentity } from './platform/names.js'

export const readInput = (name: string): string => core.getInput(name)
export const mask = (secret: string): void => {
  if (secret) core.setSecret(secret)
}
export const { setOutput, saveState, getState, info, warning, debug, setFailed, exportVariable } = core

/** Appends to the job summary; a failure to write it is a warning, never a failed step. */
export async function writeSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The run that is making accounts, for default names. */
export function runIdentity(): RunIdentity {
  return {
    repository: repositoryName(),
    runId: context.runId || 0,
    runAttempt: context.runAttempt || 1,
    job: context.job ?? ''
  }
}

/** Saved by main for post. Never a secret. */
export const STATE = {
  accountId: 'account-id',
  cleanup: 'cleanup',
  /** The name of a create in flight and when it was sent: lets post find an account whose id main never saw. */
  pendingName: 'pending-name',
  pendingSince: 'pending-since',
  /** The CLI config folder made by export-env, for post to remove. */
  configDir: 'config-dir'
} as const

function repositoryName(): string {
  try {
    return `${context.repo.owner}/${context.repo.repo}`
  } catch {
    return 'local' // outside a workflow run
  }
}
