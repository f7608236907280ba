/**
 * The runner's side: the one module that talks to @actions/core and @actions/github.
 * Everything else gets plain values and functions.
 *
 * Start-up time is paid on every CI job, so this takes only the parts of those packages
 * that a run uses. Their package entry points would also evaluate @actions/http-client with
 * all of undici (for OIDC) and Octokit (for the REST client); the files below are the same
 * code the entry points re-export, reached by path since the packages do not export them.
 */
import { issueCommand } from '../node_modules/@actions/core/lib/command.js'
import { issueFileCommand, prepareKeyValueMessage } from '../node_modules/@actions/core/lib/file-command.js'
import { summary } from '../node_modules/@actions/core/lib/summary.js'
import { Context } from '../node_modules/@actions/github/lib/context.js'
import type { RunIdentity } from './platform/names.js'

/** An input as @actions/core's getInput reads it: trimmed, '' when unset. */
export function readInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export function mask(secret: string): void {
  if (secret) issueCommand('add-mask', {}, secret)
}

export function setOutput(name: string, value: string): void {
  issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value))
}

export function saveState(name: string, value: string): void {
  issueFileCommand('STATE', prepareKeyValueMessage(name, value))
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

export function exportVariable(name: string, value: string): void {
  process.env[name] = value
  issueFileCommand('ENV', prepareKeyValueMessage(name, value))
}

export function info(message: string): void {
  process.stdout.write(`${message}\n`)
}

export function debug(message: string): void {
  issueCommand('debug', {}, message)
}

export function warning(message: string): void {
  issueCommand('warning', {}, message)
}

export function setFailed(message: string): void {
  process.exitCode = 1
  issueCommand('error', {}, message)
}

/** Appends to the job summary; a failure to write it is a warning, never a failed step. */
export async function writeSummary(markdown: string): Promise<void> {
  try {
    await summary.addRaw(markdown, true).write()
  } catch (error) {
    warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The run that is making accounts, for default names. */
export function runIdentity(): RunIdentity {
  const context = new Context()
  return {
    repository: repositoryName(context),
    runId: context.runId || 0,
    runAttempt: context.runAttempt || 1,
    job: context.job ?? ''
  }
}

function repositoryName(context: Context): string {
  try {
    return `${context.repo.owner}/${context.repo.repo}`
  } catch {
    return 'local' // outside a workflow run
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
