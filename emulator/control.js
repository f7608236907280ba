// The control API under /_emulator/ (no auth): drives the emulator from another process, e.g.
// one started with cli.js. It goes through the same public methods tests call in process.
import { githubControl } from './github.js'

/** @typedef {import('./http.js').Answer} Answer */
/** @typedef {Awaited<ReturnType<typeof import('./server.js').startEmulator>>} Emulator */

/**
 * @param {Emulator} emulator @param {string} method @param {string} path e.g. /_emulator/faults
 * @param {string} raw the request body
 * @returns {Answer}
 */
export function control(emulator, method, path, raw) {
  /** @param {number} status @param {unknown} value @returns {Answer} */
  const reply = (status, value) => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value)
  })
  /** @type {Answer} */
  const done = { status: 204, headers: {}, body: '' }
  /** @type {Record<string, any>} */
  let body
  try {
    body = raw ? JSON.parse(raw) : {}
  } catch (error) {
    return reply(400, { error: /** @type {Error} */ (error).message })
  }
  try {
    if (path.startsWith('/_emulator/github'))
      return githubControl(emulator.github, method, path, body) ?? reply(404, { error: 'Not Found' })
    switch (`${method} ${path}`) {
      case 'GET /_emulator/accounts':
        return reply(200, emulator.accounts())
      case 'GET /_emulator/requests':
        return reply(200, emulator.requests)
      case 'DELETE /_emulator/requests':
        emulator.resetLog()
        return done
      case 'POST /_emulator/tokens': {
        const user = String(body.user ?? 'alice')
        return reply(200, {
          token: emulator.issueToken(user),
          fullToken: emulator.fullTokenFor(user, body.context ?? {})
        })
      }
      case 'POST /_emulator/faults': {
        // JSON has no RegExp and no Infinity: '^...' is a pattern, null or "Infinity" means for ever.
        const pattern = typeof body.path === 'string' && body.path.startsWith('^') ? new RegExp(body.path) : body.path
        const times = body.times === null || body.times === 'Infinity' ? Infinity : body.times
        emulator.addFault({ ...body, path: pattern, times, kind: body.kind })
        return reply(201, {})
      }
      case 'DELETE /_emulator/faults':
        emulator.clearFaults()
        return done
      case 'POST /_emulator/seed': {
        const count = Number(body.count ?? 1)
        const { owner = 'alice', namePrefix, ageSeconds, createdAt, cluster, project, org } = body
        emulator.seedAccounts(String(owner), count, { namePrefix, ageSeconds, createdAt, cluster, project, org })
        return reply(201, { created: count })
      }
      case 'GET /_emulator/throttle':
        return reply(200, emulator.throttle ?? null)
      case 'PUT /_emulator/throttle': {
        const { maxInFlight, retryAfterSeconds, holdMs } = body
        emulator.setThrottle({ maxInFlight, retryAfterSeconds, holdMs })
        return reply(200, emulator.throttle)
      }
      case 'DELETE /_emulator/throttle':
        emulator.setThrottle(undefined)
        return done
      case 'GET /_emulator/rate-limit':
        return reply(200, emulator.rateLimit ?? null)
      case 'PUT /_emulator/rate-limit': {
        const { perSecond, burst } = body
        emulator.setRateLimit({ perSecond, burst })
        return reply(200, emulator.rateLimit)
      }
      case 'DELETE /_emulator/rate-limit':
        emulator.setRateLimit(undefined)
        return done
      case 'GET /_emulator/load':
        return reply(200, emulator.load)
      case 'DELETE /_emulator/load':
        emulator.resetLoad()
        return done
      case 'GET /_emulator/settings':
        return reply(200, emulator.settings)
      case 'PATCH /_emulator/settings': {
        // JSON has no Infinity: "never" (or null) keeps a new account's token refused for ever.
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          return reply(400, { error: 'expected a JSON object of settings' })
        const changes = { ...body }
        if (changes.newTokenDelayMs === null) changes.newTokenDelayMs = 'never'
        emulator.updateSettings(changes)
        return reply(200, emulator.settings)
      }
    }
  } catch (error) {
    return reply(400, { error: /** @type {Error} */ (error).message })
  }
  return reply(404, { error: 'Not Found' })
}
