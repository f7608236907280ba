// GitHub's side, for the sweep of finished runs: `GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{n}`
// under <origin>/github (the emulator's GITHUB_API_URL), answered from statuses set by tests,
// the control API (/_emulator/github/...) or the CLI. One token works; a switch takes
// `actions: read` away (403); faults of faults.js spoil requests (rate limits are `status` faults
// with GitHub's headers). See emulator/README.md, "GitHub".
import { randomBytes } from 'node:crypto'
import { Faults } from './faults.js'

/** @typedef {import('./http.js').Answer} Answer */

/** Where the GitHub API is mounted, after the origin. */
export const GITHUB_PATH = '/github'

/** The statuses GitHub gives a run attempt. */
export const RUN_STATUSES = /** @type {const} */ ([
  'completed',
  'queued',
  'in_progress',
  'waiting',
  'requested',
  'pending',
  'action_required'
])

const DOCS = 'https://docs.github.com/rest'

/** @param {number} status @param {unknown} value @param {Record<string, string>} [headers] @returns {Answer} */
const answer = (status, value, headers = {}) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value)
})

/** @param {number} status @param {string} message */
const githubError = (status, message) => answer(status, { message, documentation_url: DOCS, status: String(status) })

const ATTEMPT_PATH = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d{1,20})\/attempts\/(\d{1,5})$/

/** @param {string} repository @param {string | number} runId @param {string | number} attempt */
const keyOf = (repository, runId, attempt) => `${repository.toLowerCase()}#${runId}#${attempt}`

export class GitHub {
  /** The one token GitHub accepts, as a job token looks. */
  token = `ghs_${randomBytes(18).toString('base64url')}`
  /** False: the token lacks `actions: read`, and every run attempt answers 403. */
  actionsRead = true
  faults = new Faults()
  /** @type {{method: string, path: string, headers: import('node:http').IncomingHttpHeaders, status: number}[]} */
  requests = []
  /** @type {Map<string, {repository: string, runId: number, attempt: number, status: string}>} */
  #runs = new Map()

  /**
   * Sets a run attempt's status; null forgets it (GitHub then answers 404).
   * @param {string} repository owner/name @param {string | number} runId @param {string | number} attempt
   * @param {string | null} status one of RUN_STATUSES
   */
  setRun(repository, runId, attempt, status) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(String(repository)))
      throw new Error(`repository must be owner/name, not ${repository}`)
    if (!/^\d{1,20}$/.test(String(runId)) || !/^\d{1,5}$/.test(String(attempt)))
      throw new Error(`runId and attempt must be whole numbers, not ${runId} and ${attempt}`)
    const key = keyOf(repository, runId, attempt)
    if (status === null) return void this.#runs.delete(key)
    if (!RUN_STATUSES.includes(/** @type {any} */ (status)))
      throw new Error(`status must be one of ${RUN_STATUSES.join(', ')}, not ${status}`)
    this.#runs.set(key, { repository, runId: Number(runId), attempt: Number(attempt), status })
  }

  /** Every run attempt set, as the control API lists them. */
  runs() {
    return [...this.#runs.values()].map(run => ({ ...run }))
  }

  /** Forgets runs, faults and the request log; the token and the switch stay. */
  reset() {
    this.#runs.clear()
    this.faults.clear()
    this.requests.length = 0
    this.actionsRead = true
  }

  /**
   * One API request, its path after GITHUB_PATH.
   * @param {string} method @param {string} path @param {import('node:http').IncomingHttpHeaders} headers
   * @returns {Answer}
   */
  route(method, path, headers) {
    const match = ATTEMPT_PATH.exec(path)
    if (!match) return githubError(404, 'Not Found')
    if (method !== 'GET' && method !== 'HEAD') return githubError(404, 'Not Found')
    const [, owner, repo, runId, attempt] = match
    const credential = /^(?:token|bearer) (.+)$/i.exec(headers.authorization ?? '')?.[1]
    if (credential !== this.token) return githubError(401, 'Bad credentials')
    if (!this.actionsRead) return githubError(403, 'Resource not accessible by integration')
    const run = this.#runs.get(keyOf(`${owner}/${repo}`, runId, attempt))
    if (!run) return githubError(404, 'Not Found')
    return answer(200, {
      id: run.runId,
      run_attempt: run.attempt,
      status: run.status,
      conclusion: run.status === 'completed' ? 'success' : null,
      html_url: `https://github.com/${owner}/${repo}/actions/runs/${runId}/attempts/${attempt}`
    })
  }
}

/**
 * The control API's GitHub part, under /_emulator/github; undefined for a path it does not serve.
 * @param {GitHub} github @param {string} method @param {string} path @param {Record<string, any>} body
 * @returns {Answer | undefined}
 */
export function githubControl(github, method, path, body) {
  switch (`${method} ${path}`) {
    case 'GET /_emulator/github':
      return answer(200, { token: github.token, actionsRead: github.actionsRead, runs: github.runs() })
    case 'PATCH /_emulator/github':
      if (typeof body.actionsRead !== 'boolean') return answer(400, { error: 'actionsRead must be true or false' })
      github.actionsRead = body.actionsRead
      return answer(200, { token: github.token, actionsRead: github.actionsRead, runs: github.runs() })
    case 'PUT /_emulator/github/runs':
      github.setRun(body.repository, body.runId, body.attempt, body.status ?? null)
      return answer(200, github.runs())
    case 'POST /_emulator/github/faults': {
      const pattern = typeof body.path === 'string' && body.path.startsWith('^') ? new RegExp(body.path) : body.path
      const times = body.times === null || body.times === 'Infinity' ? Infinity : body.times
      github.faults.add({ ...body, path: pattern, times, kind: body.kind })
      return answer(201, {})
    }
    case 'DELETE /_emulator/github/faults':
      github.faults.clear()
      return { status: 204, headers: {}, body: '' }
    case 'GET /_emulator/github/requests':
      return answer(200, github.requests)
    case 'DELETE /_emulator/github/requests':
      github.requests.length = 0
      return { status: 204, headers: {}, body: '' }
  }
  return undefined
}
