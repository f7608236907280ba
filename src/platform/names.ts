import { createHash, randomBytes } from 'node:crypto'
import { redactTokens } from './errors.js'

/** The server's own name grammar: dot-separated labels of [a-z0-9-], alphanumeric at both ends. */
const NAME_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name)
}

/** What a run is, for naming the accounts it makes: GitHub's values, '' where unknown. */
export interface RunIdentity {
  /** `owner/name`. */
  repository: string
  /** GITHUB_REPOSITORY_ID: numeric, never reused, unchanged by a rename. */
  repositoryId: string
  runId: string
  runAttempt: string
  job: string
}

/** Every generated name starts with this, so `prune` can find what runs left behind. */
const GENERATED_NAME_PREFIX = 'gha-'

/** Hex digits of randomness in a generated name: 64 bits. */
const RANDOM_HEX = 16

/**
 * The repository exactly, whatever its name: `r<GITHUB_REPOSITORY_ID>`, or without one
 * `h<16 hex of SHA-256 of owner/name>` (GitHub's names are case-insensitive).
 */
export function repositoryTag(run: Pick<RunIdentity, 'repository' | 'repositoryId'>): string {
  if (/^\d{1,20}$/.test(run.repositoryId)) return `r${run.repositoryId}`
  return `h${createHash('sha256').update(run.repository.toLowerCase()).digest('hex').slice(0, 16)}`
}

/**
 * A name that traces the account to the run that made it, fitted to the name grammar:
 * `gha-<repo>-<job>-<repository tag>-<run id>-<attempt>-<16 hex random>`. The readable
 * labels come first, so `name-prefix: gha-<repo>-` finds them; the exact parts come last,
 * each free of `-`, so a name is read from its end without doubt.
 */
export function generatedName(run: RunIdentity, randomHex: string): string {
  const parts = [
    label(repositoryName(run.repository), 30),
    label(run.job, 30),
    repositoryTag(run),
    digits(run.runId, 20) || '0',
    digits(run.runAttempt, 5) || '1',
    randomHex
  ].filter(Boolean)
  return GENERATED_NAME_PREFIX + parts.join('-')
}

/** What `generatedName` ends with: repository tag, run id, attempt, random. */
const GENERATED_TAIL = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?(r\d{1,20}|h[0-9a-f]{16})-(\d{1,20})-(\d{1,5})-[0-9a-f]{16}$/

/**
 * The run id in a name `generatedName` made for this repository, or undefined when the name
 * is not one: the repository tag must be this repository's exactly, so no other repository's
 * name is taken for ours however alike the two repositories' names are. A name over 200
 * characters is not read: no generated name comes near.
 */
export function generatedNameRun(
  name: string,
  run: Pick<RunIdentity, 'repository' | 'repositoryId'>
): string | undefined {
  return generatedNameRunAttempt(name, run)?.runId
}

/** The run id and attempt in a name `generatedName` made for this repository, as `generatedNameRun` reads it. */
export function generatedNameRunAttempt(
  name: string,
  run: Pick<RunIdentity, 'repository' | 'repositoryId'>
): { runId: string; attempt: string } | undefined {
  const repo = label(repositoryName(run.repository), 30)
  const prefix = GENERATED_NAME_PREFIX + (repo ? `${repo}-` : '')
  if (name.length > 200 || !name.startsWith(prefix)) return undefined
  const match = GENERATED_TAIL.exec(name.slice(prefix.length))
  return match && match[1] === repositoryTag(run) ? { runId: match[2], attempt: match[3] } : undefined
}

/** The random part of `generatedName`: matrix legs share run, attempt and job, never this. */
export function randomNamePart(): string {
  return randomBytes(RANDOM_HEX / 2).toString('hex')
}

/** `name` of `owner/name`. */
function repositoryName(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1)
}

function digits(value: string, maxLength: number): string {
  return value.length <= maxLength && /^\d+$/.test(value) ? value : ''
}

function label(value: string, maxLength: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-|-$/g, '')
}

/**
 * A service account's role, `<owner>/service-accounts/<name>` (the owner a user, or the role
 * of the account that made it): the only shape sent as `users/<role>/permissions`, since
 * `/` becomes `:` on the way and any other character or segment would name another user.
 * At most 1024 characters, so that the path stays short.
 */
export function isServiceAccountRole(role: string): boolean {
  if (role.length > 1024) return false
  const [name, kind, ...owner] = role.split('/').reverse()
  return (
    kind === 'service-accounts' &&
    isValidName(name) &&
    owner.length > 0 &&
    owner.every(segment => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(segment))
  )
}

/**
 * What an account id may be before it is sent back in a path or saved for post:
 * `service-account-<uuid4>` on the platform; any short run of URL-safe characters that
 * starts with a letter or digit, and is nothing token-like (a server echoing a credential).
 */
export function isAccountId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$/.test(value) && redactTokens(value) === value
}
