import { redactTokens } from './errors.js'

/** The server's own name grammar: dot-separated labels of [a-z0-9-], alphanumeric at both ends. */
const NAME_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name)
}

/** What a run is, for naming the accounts it makes. */
export interface RunIdentity {
  repository: string
  runId: number | string
  runAttempt: number | string
  job: string
}

/** Every generated name starts with this, so `prune` can find what runs left behind. */
const GENERATED_NAME_PREFIX = 'gha-'

/**
 * A name that traces the account to the run that made it:
 * `gha-<repo>-<run id>-<attempt>-<job>-<random>`, fitted to the name grammar.
 */
export function generatedName(run: RunIdentity, randomSuffix: string): string {
  const repo = run.repository.split('/').pop() ?? ''
  const parts = [
    label(repo, 30),
    label(String(run.runId), 20),
    label(String(run.runAttempt), 5),
    label(run.job, 30),
    label(randomSuffix, 12)
  ].filter(Boolean)
  return GENERATED_NAME_PREFIX + parts.join('-')
}

/**
 * The run id in a name `generatedName` made for this repository, or undefined when the name
 * is not one: the whole shape must match, so `gha-<repo>-extra-…` of another repository
 * whose name merely starts with this one's is not taken for ours.
 */
export function generatedNameRun(name: string, repository: string): string | undefined {
  const repo = label(repository.split('/').pop() ?? '', 30)
  if (!name.startsWith(`${GENERATED_NAME_PREFIX}${repo}-`)) return undefined
  const rest = name.slice(GENERATED_NAME_PREFIX.length + repo.length + 1)
  // <run id>-<attempt>-[<job>-]<6 hex>, each part as label() writes it.
  return /^(\d{1,20})-\d{1,5}-(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?[0-9a-f]{6}$/.exec(rest)?.[1]
}

function label(value: string, maxLength: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '')
}

/**
 * What an account id may be before it is sent back in a path or saved for post:
 * `service-account-<uuid4>` on the platform; any short run of URL-safe characters that
 * starts with a letter or digit, and is nothing token-like (a server echoing a credential).
 */
export function isAccountId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$/.test(value) && redactTokens(value) === value
}
