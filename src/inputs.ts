import { X509Certificate } from 'node:crypto'
import { redactTokens } from './platform/errors.js'
import { isLoopbackHost } from './platform/loopback.js'
import { isValidName } from './platform/names.js'
import { parsePermissions, type PermissionLine } from './platform/permissions.js'
import { parseCredential, type Credential } from './platform/token.js'

/**
 * A bad input: the message names the input and what it allows. A value it repeats has
 * anything token-like cut out, in case a secret went into the wrong input.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    detail: string
  ) {
    super(redactTokens(`Input "${input}" ${detail}`))
    this.name = 'InputError'
  }
}

const OPERATIONS = ['create', 'list', 'get', 'rm', 'prune'] as const
export type Operation = (typeof OPERATIONS)[number]

export const DEFAULT_API_URL = 'https://api.apolo.us/api/v1'

/** How to reach the platform: what both the main and the post step need. */
export interface ConnectionInputs {
  credential: Credential
  apiUrl: string
  timeoutMs: number
  maxAttempts: number
  /** PEM certificates to trust besides Node's own. */
  caCertificates: string[]
}

/** Each operation's own inputs, read only for that operation. */
export type Inputs = ConnectionInputs &
  (
    | CreateFields
    | { operation: 'list' }
    | { operation: 'get' | 'rm'; /** The id or name. */ name: string }
    | PruneFields
  )

type CreateFields = {
  operation: 'create'
  /** The name asked for; empty: generate one. */
  name: string
  cluster: string
  project: string
  org: string
  cleanup: boolean
  /** Grants for the new account's role; short forms are expanded once the target is known. */
  permissions: PermissionLine[]
  /** Log later apolo/neuro CLI steps in as the new account. */
  exportEnv: boolean
  /** Set the token and auth-token outputs; false leaves export-env the only way. */
  outputToken: boolean
  /** How long to wait for the new token to be accepted; 0: not checked. */
  verifySeconds: number
  /** Remove this repository's generated accounts older than this first; 0: off. */
  sweepOlderThanMs: number
} & FinishedRunsFields

/** Ask GitHub which runs are over, and remove their accounts whatever their age. */
interface FinishedRunsFields {
  sweepFinishedRuns: boolean
  /** For GitHub's API; '' when sweepFinishedRuns is off. */
  githubToken: string
}

type PruneFields = {
  operation: 'prune'
  /** Only accounts whose name starts with this. */
  namePrefix: string
  olderThanMs: number
  /** older-than as written (or its default), for the log. */
  olderThan: string
  dryRun: boolean
} & FinishedRunsFields

export type CreateInputs = ConnectionInputs & CreateFields
export type PruneInputs = ConnectionInputs & PruneFields

/** The defaults of optional inputs, as action.yml declares them (a test keeps them equal). */
export const INPUT_DEFAULTS = {
  operation: 'create',
  cleanup: 'true',
  'export-env': 'false',
  'older-than': '24h',
  'dry-run': 'false',
  'timeout-seconds': '30',
  'max-attempts': '5',
  'verify-seconds': '30',
  'output-token': 'true',
  'sweep-finished-runs': 'false',
  'job-summary': 'true'
} as const

/** Reads one input by its action.yml name, trimmed as @actions/core's getInput trims it; '' when unset. */
export type InputReader = (name: string) => string

/**
 * Reads and checks every input, before any request. `onSecret` sees each form of the
 * credential first, so it can be masked before anything could print it.
 */
export function readInputs(read: InputReader, onSecret: (secret: string) => void): Inputs {
  // The credential first, so that it is masked before any other input can fail.
  const connection = readConnection(read, onSecret)
  const operation = readChoice(read, 'operation', OPERATIONS)
  switch (operation) {
    case 'create':
      return {
        ...connection,
        operation,
        name: readName(read, false),
        cluster: readPlainValue(read, 'cluster'),
        project: readPlainValue(read, 'project'),
        org: readPlainValue(read, 'org'),
        cleanup: readBoolean(read, 'cleanup'),
        permissions: readPermissions(read),
        ...readDelivery(read),
        verifySeconds: readInteger(read, 'verify-seconds', 0, 600),
        sweepOlderThanMs: readDuration(read, 'sweep-older-than', MIN_SWEEP_AGE),
        ...readFinishedRuns(read, onSecret)
      }
    case 'list':
      return { ...connection, operation }
    case 'get':
    case 'rm':
      return { ...connection, operation, name: readName(read, true, operation) }
    case 'prune':
      return {
        ...connection,
        operation,
        namePrefix: readNamePrefix(read),
        olderThanMs: readDuration(read, 'older-than', MIN_PRUNE_AGE),
        olderThan: read('older-than') || INPUT_DEFAULTS['older-than'],
        dryRun: readBoolean(read, 'dry-run'),
        ...readFinishedRuns(read, onSecret)
      }
  }
}

function readName(read: InputReader, required: boolean, operation?: string): string {
  const name = read('name')
  if (required && !name)
    throw new InputError('name', `is required for operation "${operation}": the id or name of the account`)
  if (name && !isValidName(name)) {
    throw new InputError(
      'name',
      `must be lowercase letters, digits and "-", in labels separated by ".", each starting and ending with a letter or digit (e.g. "ci-build.42"); got "${name}"`
    )
  }
  return name
}

/**
 * A cluster, project or org name: printable ASCII with no spaces, as the platform's own
 * names are. Anything else could only be a mistake or an attack on the log.
 */
function readPlainValue(read: InputReader, name: string): string {
  const value = read(name)
  if (!/^[\x21-\x7e]*$/.test(value)) {
    throw new InputError(
      name,
      `must be printable ASCII with no spaces or line breaks (e.g. "default"); got ${JSON.stringify(value.slice(0, 100))}`
    )
  }
  return value
}

function readPermissions(read: InputReader): PermissionLine[] {
  try {
    return parsePermissions(read('permissions'))
  } catch (error) {
    throw new InputError('permissions', (error as Error).message)
  }
}

function readNamePrefix(read: InputReader): string {
  const prefix = read('name-prefix')
  if (!prefix) {
    throw new InputError(
      'name-prefix',
      'is required for operation "prune", so that it never removes every account (e.g. "gha-my-repo-")'
    )
  }
  if (prefix && !/^[a-z0-9][-a-z0-9.]*$/.test(prefix)) {
    throw new InputError(
      'name-prefix',
      `must be the start of a valid name: lowercase letters, digits, "-" and "."; got "${prefix}"`
    )
  }
  return prefix
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const MIN_PRUNE_AGE = '1m'
// A sweep runs unattended on every create: only what no job of a day could still be using.
const MIN_SWEEP_AGE = '6h'
const DURATION_EXAMPLES = ['30m', '6h', '12h', '7d']

/** A duration in ms; empty is older-than's default, or 0 (off) for sweep-older-than. */
function readDuration(read: InputReader, name: 'older-than' | 'sweep-older-than', minimum: string): number {
  const value = read(name) || (name === 'older-than' ? INPUT_DEFAULTS[name] : '')
  if (!value) return 0
  const ms = durationMs(value)
  const least = durationMs(minimum)!
  if (ms === undefined || ms < least) {
    // Only examples the input allows.
    const examples = DURATION_EXAMPLES.filter(example => durationMs(example)! >= least).slice(0, 3)
    throw new InputError(
      name,
      `must be a duration of at least ${minimum}, as a whole number and a unit s, m, h, d or w (e.g. ${examples.join(', ')}); got "${value}"`
    )
  }
  return ms
}

/** Whether to write the job summary: read first, so that even a step with bad inputs can honour it. */
export function readJobSummary(read: InputReader): boolean {
  return readBoolean(read, 'job-summary')
}

/** `30m`, `6h`, `7d`, `2w`: a whole number and a unit. */
function durationMs(value: string): number | undefined {
  const match = /^(\d{1,9})([smhdw])$/.exec(value)
  return match ? Number(match[1]) * DURATION_UNITS[match[2]] : undefined
}

/** The GitHub token is read, checked and masked only when it will be used. */
function readFinishedRuns(read: InputReader, onSecret: (secret: string) => void): FinishedRunsFields {
  if (!readBoolean(read, 'sweep-finished-runs')) return { sweepFinishedRuns: false, githubToken: '' }
  const token = read('github-token')
  if (!token) {
    throw new InputError(
      'github-token',
      'is required with sweep-finished-runs: "true": a token that may read Actions runs (`actions: read`); its default is the job token'
    )
  }
  onSecret(token)
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new InputError('github-token', 'must be printable ASCII with no spaces or line breaks')
  return { sweepFinishedRuns: true, githubToken: token }
}

/** How the credential reaches later steps: at least one way, or it could never be used. */
function readDelivery(read: InputReader): { outputToken: boolean; exportEnv: boolean } {
  const outputToken = readBoolean(read, 'output-token')
  const exportEnv = readBoolean(read, 'export-env')
  if (!outputToken && !exportEnv) {
    throw new InputError(
      'output-token',
      'can be "false" only with export-env: "true": otherwise no later step could use the credential'
    )
  }
  return { outputToken, exportEnv }
}

/** PEM certificates, each one parsed: a typo should fail here, not as a TLS error later. */
function readCaCertificates(read: InputReader): string[] {
  const text = read('ca-certificate')
  if (!text) return []
  const blocks = pemBlocks(text)
  if (!blocks?.length) {
    throw new InputError(
      'ca-certificate',
      'must be PEM text: one or more "-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----" blocks and nothing else'
    )
  }
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block)
    } catch {
      throw new InputError(
        'ca-certificate',
        `holds a certificate that does not parse (block ${index + 1} of ${blocks.length})`
      )
    }
  }
  return blocks
}

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----'
const PEM_END = '-----END CERTIFICATE-----'

/** The certificate blocks of PEM text, or undefined if anything else is in it. One pass. */
function pemBlocks(text: string): string[] | undefined {
  const blocks: string[] = []
  let at = 0
  while (at < text.length) {
    const begin = text.indexOf(PEM_BEGIN, at)
    if (begin < 0 || text.slice(at, begin).trim()) return undefined
    const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without it, `at` falls back before this block and the next pass returns undefined just the same
    if (end < 0) return undefined
    at = end + PEM_END.length
    blocks.push(text.slice(begin, at))
  }
  return blocks
}

export function readConnection(read: InputReader, onSecret: (secret: string) => void): ConnectionInputs {
  const raw = read('token')
  if (!raw) {
    throw new InputError(
      'token',
      'is required: a platform auth token (JWT) or full token. If it is set from a secret, that secret is empty in this run: ' +
        'workflows run for pull requests from forks, and by Dependabot, get no secrets (Dependabot has secrets of its own)'
    )
  }
  onSecret(raw)
  let credential: Credential
  try {
    credential = parseCredential(raw)
  } catch (error) {
    throw new InputError('token', (error as Error).message)
  }
  onSecret(credential.authToken)
  return {
    credential,
    apiUrl: readApiUrl(read('api-url') || credential.context.url || DEFAULT_API_URL),
    timeoutMs: readInteger(read, 'timeout-seconds', 1, 600) * 1000,
    maxAttempts: readInteger(read, 'max-attempts', 1, 10),
    caCertificates: readCaCertificates(read)
  }
}

function readApiUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError('api-url', `must be an absolute URL such as ${DEFAULT_API_URL}; got "${value}"`)
  }
  if (url.username || url.password) throw new InputError('api-url', 'must not carry a user name or password')
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      'api-url',
      `must use https: plain http is allowed only for a loopback host (the local emulator); got "${url.origin}"`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('api-url', `must be an https URL; got "${url.protocol}"`)
  }
  if (url.search || url.hash) throw new InputError('api-url', 'must not have a query or fragment')
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function readChoice<T extends string>(read: InputReader, name: keyof typeof INPUT_DEFAULTS, allowed: readonly T[]): T {
  const value = read(name) || INPUT_DEFAULTS[name]
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(name, `must be one of ${allowed.join(', ')}; got "${value}"`)
  }
  return value as T
}

// YAML 1.2's core schema, as @actions/core's getBooleanInput reads a boolean.
const TRUE_VALUES = ['true', 'True', 'TRUE']
const FALSE_VALUES = ['false', 'False', 'FALSE']

function readBoolean(read: InputReader, name: keyof typeof INPUT_DEFAULTS): boolean {
  const value = read(name) || INPUT_DEFAULTS[name]
  if (TRUE_VALUES.includes(value)) return true
  if (FALSE_VALUES.includes(value)) return false
  throw new InputError(name, `must be true or false (or True, TRUE, False, FALSE); got "${value}"`)
}

function readInteger(read: InputReader, name: keyof typeof INPUT_DEFAULTS, min: number, max: number): number {
  const value = read(name) || INPUT_DEFAULTS[name]
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(name, `must be a whole number from ${min} to ${max}; got "${value}"`)
  }
  return Number(value)
}
