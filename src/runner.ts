/**
 * The runner's side: the one module that talks to @actions/core, and the one way to the
 * log. Everything else gets plain values and functions.
 *
 * Start-up time is paid on every CI job, so this takes only the parts of @actions/core that
 * a run uses. Its entry point would also evaluate @actions/http-client with all of undici
 * (for OIDC); the files below are the same code it re-exports, reached by path since the
 * package does not export them.
 */
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import { issueFileCommand, prepareKeyValueMessage } from '../node_modules/@actions/core/lib/file-command.js'
import { redactTokens, replaceControls } from './platform/errors.js'
import type { RunIdentity } from './platform/names.js'

/** An input as @actions/core's getInput reads it: trimmed, '' when unset. */
export function readInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

type Command = 'add-mask' | 'debug' | 'notice' | 'warning' | 'error' | 'group' | 'endgroup'

/**
 * The only writer to stdout. The runner obeys `::command::` at the start of any line and
 * `##[command]` anywhere in it, so text from the platform or an input must never start a
 * line or hold a line break: control characters are escaped as the runner's own command
 * values are, and a command-looking start is broken. Anything token-like is cut out too.
 */
function emit(command: Command | undefined, text: string): void {
  // A secret is given to the runner as it is; everything else is made safe first.
  const data = command === 'add-mask' ? escapeCommandData(text) : safeText(text, command !== undefined)
  process.stdout.write(`${command ? `::${command}::` : ''}${data}${EOL}`)
}

/**
 * Any text as one inert line (see `emit`); a command's value also has `%` escaped, since
 * the runner unescapes it. Exported for its tests.
 */
export function safeText(text: string, commandData = false): string {
  const redacted = redactTokens(text)
  const escaped = commandData ? escapeCommandData(redacted) : escapeBreaks(redacted)
  return replaceControls(escaped, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/^(\s*):/, '$1%3A')
    .replace(/##\[/g, '##%5B')
}

/** As @actions/core escapes a command's value: the runner reverses exactly this. */
function escapeCommandData(text: string): string {
  return escapeBreaks(text.replace(/%/g, '%25'))
}

function escapeBreaks(text: string): string {
  return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function mask(secret: string): void {
  if (secret) emit('add-mask', secret)
}

export function info(message: string): void {
  emit(undefined, message)
}

export function debug(message: string): void {
  emit('debug', message)
}

export function notice(message: string): void {
  emit('notice', message)
}

export function warning(message: string): void {
  emit('warning', message)
}

/** Folds what `work` logs under `title`, a line that opens it in the log. */
export function group(title: string, work: () => void): void {
  emit('group', title)
  try {
    work()
  } finally {
    emit('endgroup', '')
  }
}

export function setFailed(message: string): void {
  process.exitCode = 1
  emit('error', message)
}

/** Output, state and env values go through files with a random delimiter, never stdout. */
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

let summaryWanted = true

/** What the job-summary input says: with false, writeSummary writes nothing. */
export function wantSummary(wanted: boolean): void {
  summaryWanted = wanted
}

/**
 * Appends to the job summary, as @actions/core's `summary.addRaw(markdown, true).write()`
 * does; a failure to write it is a warning, never a failed step. (That module's file
 * access goes through `fs.promises`, which loads Node's readline and REPL parts.) At once,
 * as the file commands are written: a run that looks up no host name (an API at an IP
 * address) would otherwise start libuv's thread pool for this one write.
 */
export function writeSummary(markdown: string): void {
  if (!summaryWanted) return
  try {
    const path = process.env.GITHUB_STEP_SUMMARY
    if (!path) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner keeps no job summary')
    appendFileSync(path, `${markdown}${EOL}`)
  } catch (error) {
    warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The folder for per-job files: the runner's temp folder, or the system's outside a run. */
export function runnerTemp(): string | undefined {
  return process.env.RUNNER_TEMP || undefined
}

/**
 * The run that is making accounts, for default names, read from the runner's variables.
 * Not @actions/github's Context: it prints to stdout itself when GITHUB_EVENT_PATH is missing.
 */
export function runIdentity(): RunIdentity {
  const env = (name: string) => (process.env[name] ?? '').trim()
  return {
    repository: env('GITHUB_REPOSITORY') || 'local', // 'local': outside a workflow run
    repositoryId: env('GITHUB_REPOSITORY_ID'),
    runId: env('GITHUB_RUN_ID'),
    runAttempt: env('GITHUB_RUN_ATTEMPT'),
    job: env('GITHUB_JOB')
  }
}
