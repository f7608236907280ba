/**
 * The runner's side: the one module that talks to @actions/core, and the one way to the
 * log. Everything else gets plain values and functions. @actions/core is reached only by
 * its package name, so that GitHub's debugger (@github/local-action) can stand in for it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { EOL } from 'node:os'
import * as core from '@actions/core'
import { oversizedOutput } from './outputs.js'
import { redactTokens, replaceControls } from './platform/errors.js'
import type { RunIdentity } from './platform/names.js'

/** An input as the runner passes it: trimmed, '' when unset. */
export function readInput(name: string): string {
  // Said outright: @actions/core trims by default, @github/local-action's stand-in only when told.
  // Stryker disable next-line ObjectLiteral: {} trims in @actions/core too; only local-action.test.ts, left out of Stryker, sees it
  return core.getInput(name, { trimWhitespace: true })
}

/**
 * Any text as one inert line. The runner obeys `::command::` at the start of any line and
 * `##[command]` anywhere in it, so text from the platform or an input must never start a
 * line or hold a line break: control characters are escaped as the runner's own command
 * values are, and a command-looking start is broken. Anything token-like is cut out too.
 * A command's value (`commandData`) keeps its line breaks: @actions/core escapes those, and
 * `%`, itself. Exported for its tests.
 */
export function safeText(text: string, commandData = false): string {
  const kept = (c: string) => commandData && (c === '\r' || c === '\n')
  return replaceControls(redactTokens(text), c =>
    kept(c) ? c : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
    .replace(/^(\s*):/, '$1%3A')
    .replace(/##\[/g, '##%5B')
}

/** A secret is given to the runner as it is (@actions/core escapes it as a command's value). */
export function mask(secret: string): void {
  if (secret) core.setSecret(secret)
}

export function info(message: string): void {
  core.info(safeText(message))
}

export function debug(message: string): void {
  core.debug(safeText(message, true))
}

export function notice(message: string): void {
  core.notice(safeText(message, true))
}

export function warning(message: string): void {
  core.warning(safeText(message, true))
}

/** Folds what `work` logs under `title`, a line that opens it in the log. */
export function group(title: string, work: () => void): void {
  core.startGroup(safeText(title, true))
  try {
    work()
  } finally {
    core.endGroup()
  }
}

export function setFailed(message: string): void {
  // Set here as well: @github/local-action's stand-in for @actions/core only records it.
  process.exitCode = 1
  core.setFailed(safeText(message, true))
}

let summaryWanted = true

/** What the job-summary input says: with false, writeSummary writes nothing. */
export function wantSummary(wanted: boolean): void {
  summaryWanted = wanted
}

/**
 * @actions/core writes outputs, state and env to the runner's files, never to stdout (every
 * runner that can run a node24 action gives those files). An output over GitHub's 1 MB is
 * refused, naming it, rather than reaching later steps cut short.
 */
export function setOutput(name: string, value: string): void {
  const oversized = setOutputIfItFits(name, value)
  if (oversized) throw new Error(oversized)
}

/** Sets the output unless it is over 1 MB; returns why it is not set, for steps that go on without it. */
export function setOutputIfItFits(name: string, value: string): string | undefined {
  const oversized = oversizedOutput(name, value)
  if (!oversized) core.setOutput(name, value)
  return oversized
}

export function saveState(name: string, value: string): void {
  core.saveState(name, value)
}

export function getState(name: string): string {
  return core.getState(name)
}

export function exportVariable(name: string, value: string): void {
  core.exportVariable(name, value)
}

/** A variable of the job's environment, as an earlier step exported it; '' when unset. */
export function jobVariable(name: string): string {
  return process.env[name] ?? ''
}

/** GitHub shows at most 1 MiB of what one step writes to the job summary. */
const SUMMARY_LIMIT_BYTES = 1024 * 1024

/** What stands in for the part of a summary that would go over the limit. */
export const SUMMARY_CUT_NOTE = `${EOL}_… the rest is left out: GitHub shows at most 1 MiB of one step's job summary._${EOL}`

/**
 * Appends to the job summary; a failure to write it is a warning, never a failed step.
 * What would take the step's summary over 1 MiB is cut at a line break, with a note.
 */
export async function writeSummary(markdown: string): Promise<void> {
  if (!summaryWanted) return
  try {
    const path = process.env.GITHUB_STEP_SUMMARY
    if (!path) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner keeps no job summary')
    const whole = `${markdown}${EOL}`
    const text = withinSummaryLimit(whole, summaryBytes(path))
    if (text !== whole) warning(`The job summary is cut short: GitHub shows at most 1 MiB of one step's summary`)
    await core.summary.addRaw(text).write()
  } catch (error) {
    core.summary.emptyBuffer() // what failed to be written is not written with the next part
    warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * The size of the step's summary so far (the runner gives each step a file of its own), or
 * the whole limit once a part was cut: the note stays its last words.
 */
function summaryBytes(path: string): number {
  let file: number | undefined
  try {
    file = openSync(path, 'r')
    const size = fstatSync(file).size
    const note = Buffer.from(SUMMARY_CUT_NOTE)
    const tail = Buffer.alloc(note.length)
    readSync(file, tail, 0, tail.length, Math.max(size - tail.length, 0))
    return tail.equals(note) ? SUMMARY_LIMIT_BYTES : size
  } catch {
    return 0 // not there yet: @actions/core says why when it writes
  } finally {
    if (file !== undefined) closeSync(file)
  }
}

/**
 * `text`, or as much of it as fits after `written` bytes, cut at a line break, then the note;
 * '' when not even the note fits. Exported for its tests.
 */
export function withinSummaryLimit(text: string, written: number): string {
  const room = SUMMARY_LIMIT_BYTES - written
  const bytes = Buffer.from(text)
  if (bytes.length <= room) return text
  const noteBytes = Buffer.byteLength(SUMMARY_CUT_NOTE)
  if (room < noteBytes) return ''
  // A line break is one byte in UTF-8 and never inside a character, so the cut splits none.
  const kept = bytes.subarray(0, room - noteBytes + 1).lastIndexOf(0x0a)
  return `${bytes.subarray(0, Math.max(kept, 0)).toString()}${SUMMARY_CUT_NOTE}`
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

/** Where GitHub's API and pages are, from the runner's variables (GitHub Enterprise Server sets its own). */
export function githubUrls(): { apiUrl: string; serverUrl: string } {
  return {
    apiUrl: process.env.GITHUB_API_URL?.trim() || 'https://api.github.com',
    serverUrl: process.env.GITHUB_SERVER_URL?.trim() || 'https://github.com'
  }
}
