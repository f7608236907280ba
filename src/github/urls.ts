import { isLoopbackHost } from '../platform/loopback.js'

/**
 * GITHUB_API_URL or GITHUB_SERVER_URL, checked as the platform's URL is: https, or plain http
 * to a loopback host (the emulator); no user, query or fragment. Returns it without a
 * trailing slash.
 */
export function checkGitHubUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} must be an absolute URL; got "${value.slice(0, 100)}"`)
  }
  const plainLoopback = url.protocol === 'http:' && isLoopbackHost(url.hostname)
  if ((url.protocol !== 'https:' && !plainLoopback) || url.username || url.password || url.search || url.hash) {
    throw new Error(`${name} must be an https URL with no user, query or fragment; got "${url.origin}"`)
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** `owner/name` as GitHub spells repositories, or undefined. */
export function ownerAndName(repository: string): [owner: string, name: string] | undefined {
  const match = /^([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})$/.exec(repository)
  return match ? [match[1], match[2]] : undefined
}

/** The page of a run attempt, `<GITHUB_SERVER_URL>/<repo>/actions/runs/<id>/attempts/<n>`; undefined if either is odd. */
export function runAttemptUrl(
  serverUrl: string,
  repository: string,
  run: { runId: string; attempt: string }
): string | undefined {
  let server: string
  try {
    // Stryker disable next-line StringLiteral: the name is in an error that the catch below drops
    server = checkGitHubUrl('GITHUB_SERVER_URL', serverUrl)
  } catch {
    return undefined
  }
  // Only characters that mean nothing to HTML or Markdown: the link goes into the job summary.
  if (
    !/^[A-Za-z0-9:/._~%-]+$/.test(server) ||
    !ownerAndName(repository) ||
    !/^\d{1,20}$/.test(run.runId) ||
    !/^\d{1,5}$/.test(run.attempt)
  )
    return undefined
  return `${server}/${repository}/actions/runs/${run.runId}/attempts/${run.attempt}`
}
