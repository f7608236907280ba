/**
 * What main leaves for post, in one place: the keys, the record, and the checks post makes
 * before it believes any of it. Never a secret.
 */
import { isAccountId, isValidName } from './platform/names.js'
import type { ThrottleRecord } from './platform/retry.js'
import { exportVariable, getState, jobVariable, saveState } from './runner.js'

/** The account main made, or was making, for post to act on. */
export type AccountRecord =
  | { kind: 'none' }
  /**
   * A create was sent and its answer never seen: post looks the name up. `tokenAccepted`:
   * some request of main, the create's own included, was answered with a success.
   */
  | { kind: 'pending'; name: string; generated: boolean; cleanup: boolean; tokenAccepted: boolean }
  /** Created; `delivered` once its token reached the workflow's outputs or environment. */
  | { kind: 'created'; id: string; delivered: boolean; cleanup: boolean }

const STATE_KEYS = {
  account: 'account',
  /** The CLI config folder made by export-env, for post to remove. */
  configDir: 'config-dir',
  /** Main was throttled lately: post paces its first request as main would have. */
  throttled: 'throttled'
} as const

/** The most a throttle record may say: post never waits longer for what main heard. */
const THROTTLE_LIMITS = { waitMs: 60_000, count: 32 }

export function encodeAccount(record: AccountRecord): string {
  return JSON.stringify(record)
}

/**
 * The record as post reads it: anything malformed is no record at all, since post must
 * never act on what it cannot prove main saved.
 */
export function decodeAccount(text: string): AccountRecord | { kind: 'invalid' } {
  if (!text) return { kind: 'none' }
  let value: Record<string, unknown>
  try {
    value = JSON.parse(text) as Record<string, unknown>
  } catch {
    return { kind: 'invalid' }
  }
  // Any other JSON value (a string, a number, an array) has no kind, so is refused below.
  if (value === null) return { kind: 'invalid' }
  const { kind, cleanup } = value
  if (kind === 'none') return { kind }
  if (typeof cleanup !== 'boolean') return { kind: 'invalid' }
  if (kind === 'pending') {
    const { name, generated, tokenAccepted } = value
    if (typeof name !== 'string' || !isValidName(name)) return { kind: 'invalid' }
    if (typeof generated !== 'boolean' || typeof tokenAccepted !== 'boolean') return { kind: 'invalid' }
    return { kind, name, generated, cleanup, tokenAccepted }
  }
  if (kind === 'created') {
    const { id, delivered } = value
    if (typeof id !== 'string' || !isAccountId(id) || typeof delivered !== 'boolean') return { kind: 'invalid' }
    return { kind, id, delivered, cleanup }
  }
  return { kind: 'invalid' }
}

/*
 * Main's side: the record's four transitions, in the order a create goes through them. The
 * latest record wins, as the runner keeps the last value of a key.
 */

/** A create is about to be sent, or was sent and its outcome is unknown: post looks the name up. */
export function recordPending(create: Omit<Extract<AccountRecord, { kind: 'pending' }>, 'kind'>): void {
  saveAccount({ kind: 'pending', ...create })
}

/** The account exists and its token has not reached the workflow: post removes it whatever `cleanup` says. */
export function recordCreated(id: string, cleanup: boolean): void {
  saveAccount({ kind: 'created', id, delivered: false, cleanup })
}

/** Its token reached the workflow's outputs or environment: post removes it only if `cleanup`. */
export function recordDelivered(id: string, cleanup: boolean): void {
  saveAccount({ kind: 'created', id, delivered: true, cleanup })
}

/** Nothing for post to remove: the create failed clearly, or its account was removed again. */
export function recordNothing(): void {
  saveAccount({ kind: 'none' })
}

let lastSaved: AccountRecord | undefined

function saveAccount(record: AccountRecord): void {
  saveState(STATE_KEYS.account, encodeAccount(record))
  lastSaved = record
}

/** A step starts with nothing saved (a step run again in one process included). */
export function forgetSavedAccount(): void {
  lastSaved = undefined
}

/** What this step saved last, for its own summary: undefined when it saved nothing. */
export function savedAccount(): AccountRecord | undefined {
  return lastSaved
}

export function saveConfigDir(dir: string): void {
  saveState(STATE_KEYS.configDir, dir)
}

/** Post's side; `absent` when main saved nothing, as a step that makes no account does. */
export function loadAccount(): AccountRecord | { kind: 'invalid' } | { kind: 'absent' } {
  const text = getState(STATE_KEYS.account)
  return text ? decodeAccount(text) : { kind: 'absent' }
}

export function loadConfigDir(): string {
  return getState(STATE_KEYS.configDir)
}

export function saveThrottled(record: ThrottleRecord): void {
  saveState(STATE_KEYS.throttled, JSON.stringify(record))
}

/** What main heard of throttling, as post reads it. */
export function loadThrottled(): ThrottleRecord | undefined {
  return decodeThrottled(getState(STATE_KEYS.throttled))
}

/** Undefined when none was saved ('' is no JSON), or when what is saved is not what main writes. */
export function decodeThrottled(text: string): ThrottleRecord | undefined {
  let value: Partial<Record<keyof ThrottleRecord, unknown>>
  try {
    value = (JSON.parse(text) ?? {}) as typeof value
  } catch {
    return undefined
  }
  const { atMs, waitMs, count } = value
  const whole = (n: unknown, max: number): n is number =>
    Number.isInteger(n) && (n as number) >= 0 && (n as number) <= max
  // Never in the future: post would count itself throttled for the whole step.
  if (!whole(atMs, Date.now()) || !whole(waitMs, THROTTLE_LIMITS.waitMs)) return undefined
  if (!whole(count, THROTTLE_LIMITS.count) || count < 1) return undefined
  return { atMs, waitMs, count }
}

/**
 * The ids that `operation: rm` steps of this job removed, told to later steps (post steps
 * included) through the job's environment, so that post can say an account it made was
 * revoked on purpose rather than warn. Only a message depends on it: post still proves the
 * account is gone before it believes it. Bounded, as any step could set the variable.
 */
const REMOVED_IN_JOB = 'APOLO_SERVICE_ACCOUNTS_REMOVED'
const REMOVED_IN_JOB_MAX = 100

export function removedInJob(): string[] {
  return jobVariable(REMOVED_IN_JOB)
    .split(' ')
    .filter(id => isAccountId(id))
    .slice(-REMOVED_IN_JOB_MAX)
}

export function recordRemovedInJob(id: string): void {
  exportVariable(REMOVED_IN_JOB, [...removedInJob().slice(1 - REMOVED_IN_JOB_MAX), id].join(' '))
}
