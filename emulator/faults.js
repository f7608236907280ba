// Misbehaviour on demand: rules that spoil the next matching requests, and what each kind does
// to the request it spoils. "act" means the server does the work (an account is made, say).
import { drip, materialize, send, sleep } from './http.js'
import { pyJson } from './python.js'

/**
 * @typedef {'status' | 'status-after' | 'reset-before' | 'reset-after' | 'hang' | 'hang-after' |
 *   'delay' | 'slow-body' | 'truncated' | 'malformed-json' | 'redirect' | 'no-token' | 'auth-hiccup' |
 *   'auth-error'} FaultKind
 */

/**
 * @typedef {object} Fault
 * @property {FaultKind} kind
 * @property {string} [method] any method when absent
 * @property {string | RegExp} [path] the path after /api/v1, e.g. '/service_accounts'; any when absent
 * @property {number} [times] how many requests it spoils (default 1; Infinity allowed)
 * @property {number} [status] for status, status-after (default 503, 502) and redirect (307)
 * @property {string} [body] for status and status-after
 * @property {Record<string, string>} [headers] for status and status-after
 * @property {number} [ms] for delay and slow-body (default 100)
 * @property {string} [location] for redirect (default: the same path on the sink)
 */

/**
 * What a fault needs from the request it spoils.
 * @typedef {object} Spoiled
 * @property {import('node:http').ServerResponse} res
 * @property {(auth?: import('./routes.js').AuthTrouble) => import('./http.js').Answer} act runs the
 *   request for real, with the auth service in trouble if asked
 * @property {(status: number) => void} log records the status sent, 0 for none
 * @property {string} redirectTo where a redirect points by default
 */

export const FAULT_KINDS = /** @type {readonly FaultKind[]} */ ([
  'status',
  'status-after',
  'reset-before',
  'reset-after',
  'hang',
  'hang-after',
  'delay',
  'slow-body',
  'truncated',
  'malformed-json',
  'redirect',
  'no-token',
  'auth-hiccup',
  'auth-error'
])

export class Faults {
  /** @type {(Fault & {left: number})[]} */
  #rules = []
  /** @type {Set<import('node:net').Socket>} sockets a hang holds open */
  #held = new Set()

  /** @param {Fault} rule */
  add(rule) {
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`Unknown fault kind: ${rule.kind}`)
    this.#rules.push({ ...rule, left: rule.times ?? 1 })
  }

  /** Drops every rule and lets go of hung connections. */
  clear() {
    this.#rules = []
    for (const socket of this.#held) socket.destroy()
  }

  /** The first rule that matches and has uses left, used up by one. @param {string} method @param {string} path */
  take(method, path) {
    const fault = this.#rules.find(
      f =>
        f.left > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path)))
    )
    if (fault) fault.left--
    return fault
  }

  /**
   * Answers (or does not) the way the fault says.
   * @param {Fault} fault @param {Spoiled} request @returns {Promise<void>}
   */
  async spoil(fault, { res, act, log, redirectTo }) {
    const socket = res.socket
    switch (fault.kind) {
      case 'status':
      case 'status-after': {
        if (fault.kind === 'status-after') act()
        const status = fault.status ?? (fault.kind === 'status' ? 503 : 502)
        log(status)
        return send(res, { status, headers: fault.headers ?? {}, body: fault.body ?? '' })
      }
      case 'reset-before':
      case 'reset-after':
        if (fault.kind === 'reset-after') act()
        log(0)
        return void socket?.destroy()
      case 'hang':
      case 'hang-after':
        if (fault.kind === 'hang-after') act()
        log(0)
        if (socket) {
          this.#held.add(socket)
          socket.once('close', () => this.#held.delete(socket))
        }
        return
      case 'redirect': {
        const status = fault.status ?? 307
        log(status)
        return send(res, { status, headers: { location: fault.location ?? redirectTo }, body: '' })
      }
      case 'truncated': {
        const answer = act()
        log(answer.status)
        const body = Buffer.from(materialize(answer.body))
        res.writeHead(answer.status, { ...answer.headers, 'content-length': body.length + 64 })
        res.flushHeaders()
        if (body.length) res.write(body.subarray(0, body.length >> 1))
        return void socket?.end()
      }
      case 'malformed-json': {
        const answer = act()
        log(answer.status)
        return send(res, {
          status: answer.status,
          headers: { 'content-type': 'application/json' },
          body: '{"id": "service-acc'
        })
      }
      case 'no-token': {
        const answer = act()
        log(answer.status)
        return send(res, withoutToken(answer))
      }
      case 'delay': {
        await sleep(fault.ms ?? 100)
        const answer = act()
        log(answer.status)
        return send(res, answer)
      }
      case 'auth-hiccup':
      case 'auth-error': {
        const answer = act(fault.kind === 'auth-hiccup' ? 'hiccup' : 'error')
        log(answer.status)
        return send(res, answer)
      }
      case 'slow-body': {
        const answer = act()
        log(answer.status)
        return drip(res, answer, fault.ms ?? 100)
      }
    }
  }
}

/** The answer with any top-level `token` dropped from its JSON object, the rest as it was. @param {import('./http.js').Answer} answer */
function withoutToken(answer) {
  if (typeof answer.body !== 'string' || !answer.body.startsWith('{')) return answer
  const { token, ...rest } = JSON.parse(answer.body)
  return token === undefined ? answer : { ...answer, body: pyJson(rest) }
}
