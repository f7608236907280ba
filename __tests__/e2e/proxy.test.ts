// A proxy that misbehaves (issue 15): through the built dist/, every step ends within its
// budget whatever the proxy does, says what happened, names what it leaves, never prints the
// proxy's password; and certificates are checked whatever NODE_TLS_REJECT_UNAUTHORIZED says.
// The API is https://api.example.test, which only the loopback test proxy "reaches".
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { StepResult } from '../helpers/action.js'
import { PROXY_PASSWORD, startTestProxy, type ProxyBehaviour, type TestProxy } from '../helpers/proxy.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'
import { makeCertificate, startTlsFront, type Certificate, type TlsFront } from '../helpers/tls.js'

let emulator: Emulator
const suite = useEmulator(started => (emulator = started))

const API = 'https://api.example.test/api/v1'
const TIMEOUT_SECONDS = 1
const MAX_ATTEMPTS = 2
/** docs/reliability.md, "Time limits": 3 × max-attempts × timeout-seconds. */
const BUDGET_MS = 3 * MAX_ATTEMPTS * TIMEOUT_SECONDS * 1000
/** Starting Node and the bundle on a loaded machine. */
const START_MARGIN_MS = 4000
/** A step that outlives its budget is killed here, so that a regression fails rather than hangs. */
const KILL_AFTER_MS = 25_000

let certificate: Certificate
let front: TlsFront
let proxy: TestProxy
let inputs: Record<string, string>

beforeAll(async () => {
  certificate = await makeCertificate({ dns: ['api.example.test'], ips: ['127.0.0.1'] })
  front = await startTlsFront(certificate, emulator.port)
  proxy = await startTestProxy({ target: 'api.example.test:443', targetPort: front.port })
  inputs = {
    'api-url': API,
    'ca-certificate': certificate.cert,
    'timeout-seconds': String(TIMEOUT_SECONDS),
    'max-attempts': String(MAX_ATTEMPTS)
  }
})
afterAll(async () => {
  await proxy.close()
  await front.close()
})

/** A step through the proxy, and how long it took from spawn to exit. */
async function timedStep(
  kind: 'main' | 'post',
  stepInputs: Record<string, string>,
  options: { state?: Record<string, string>; env?: Record<string, string> } = {}
): Promise<{ result: StepResult; elapsedMs: number }> {
  const started = Date.now()
  const result = await suite.step(
    kind,
    { ...inputs, ...stepInputs },
    { timeoutMs: KILL_AFTER_MS, state: options.state, env: { HTTPS_PROXY: proxy.url, ...options.env } }
  )
  return { result, elapsedMs: Date.now() - started }
}

/** The durations of the step's attempts, from its debug lines. */
const attemptDurations = (result: StepResult) =>
  [...result.stdout.matchAll(/^::debug::(?:GET|POST|DELETE) \S+: .* after (\d+) ms$/gm)].map(match => Number(match[1]))

/**
 * One CONNECT an attempt, and at most one more connection: undici opens a spare one after
 * a CONNECT it gave up on, and uses it for the next.
 */
function expectTunnelsPerAttempt(attempts: number): void {
  expect(proxy.connects).toHaveLength(attempts)
  expect(proxy.connections).toBeLessThanOrEqual(2 * attempts)
}

function expectFailedWithinBudget(result: StepResult, elapsedMs: number, happened: RegExp): void {
  expect(result.code).toBe(1)
  expect(elapsedMs).toBeLessThan(BUDGET_MS + START_MARGIN_MS)
  expect(result.errors.join('\n')).toMatch(happened)
  expect(result.stdout + result.stderr).not.toContain(PROXY_PASSWORD)
  // Nothing reached the platform.
  expect(emulator.requests).toEqual([])
}

const RECORD = { kind: 'created', id: 'service-account-x', delivered: true, cleanup: true }

describe.each<[string, ProxyBehaviour, RegExp]>([
  [
    'reads the CONNECT and closes the connection',
    'close',
    /the proxy at 127\.0\.0\.1:\d+ closed the tunnel without an answer/
  ],
  [
    'accepts the CONNECT and never answers',
    'silent',
    /the proxy at 127\.0\.0\.1:\d+ did not answer the CONNECT within 1 s/
  ],
  [
    'answers 200 and then closes',
    'answer-then-close',
    /the proxy at 127\.0\.0\.1:\d+ closed the tunnel to api\.example\.test/
  ],
  [
    'trickles its answer a byte at a time and never ends it',
    'trickle',
    /the proxy at 127\.0\.0\.1:\d+ did not answer the CONNECT within 1 s/
  ]
])('a proxy that %s', (_, behaviour, happened) => {
  test('list fails within its budget, one tunnel an attempt, naming what the proxy did', async () => {
    proxy.reset(behaviour)
    emulator.resetLog()
    const { result, elapsedMs } = await timedStep('main', { operation: 'list' })
    expectFailedWithinBudget(result, elapsedMs, happened)
    expectTunnelsPerAttempt(MAX_ATTEMPTS)
  })

  test('create fails within its budget and leaves nothing for post: the request never left', async () => {
    proxy.reset(behaviour)
    emulator.resetLog()
    const { result, elapsedMs } = await timedStep('main', { cluster: 'default', project: 'test-project' })
    expectFailedWithinBudget(result, elapsedMs, happened)
    // The client repeats a create that surely never left, max-attempts times in all; the
    // create loop does not repeat those attempts again.
    expectTunnelsPerAttempt(MAX_ATTEMPTS)
    // It stops at the cluster check before the create: nothing is saved for post.
    expect(result.state.account).toBeUndefined()
  })

  test('post fails within its budget, naming the account and the command that removes it', async () => {
    proxy.reset(behaviour)
    emulator.resetLog()
    const { result, elapsedMs } = await timedStep('post', {}, { state: { account: JSON.stringify(RECORD) } })
    expectFailedWithinBudget(result, elapsedMs, happened)
    expectTunnelsPerAttempt(MAX_ATTEMPTS)
    const error = result.errors.join('\n')
    expect(error).toContain('Service account service-account-x could not be removed')
    expect(error).toContain('apolo service-account rm service-account-x')
    expect(result.summary).toContain('NOT removed')
  })
})

describe('a proxy that stops working between main and post', () => {
  test('post names the account it could not remove; once the proxy works again, post removes it', async () => {
    proxy.reset('tunnel')
    const { result: main } = await timedStep('main', { cluster: 'default', project: 'test-project' })
    expect(main.code).toBe(0)
    const id = main.outputs.id
    expect(emulator.account(id)).toBeDefined()

    proxy.reset('close')
    const { result: post, elapsedMs } = await timedStep('post', {}, { state: main.state })
    expect(post.code).toBe(1)
    expect(elapsedMs).toBeLessThan(BUDGET_MS + START_MARGIN_MS)
    expect(post.errors.join('\n')).toContain(`Remove it by hand: apolo service-account rm ${id}`)
    expect(emulator.account(id)).toBeDefined()

    proxy.reset('tunnel')
    const { result: again } = await timedStep('post', {}, { state: main.state })
    expect(again.code).toBe(0)
    expect(emulator.account(id)).toBeUndefined()
  })
})

describe('an attempt nothing inside undici ends in time', () => {
  test('a tunnel opened just in time whose TLS then stalls is cut at the attempt deadline', async () => {
    // The CONNECT is answered a second inside timeout-seconds, and the TLS to the API through
    // it then waits for ever: undici's own limits add up to more than timeout-seconds.
    const slow = await startTestProxy({
      target: 'api.example.test:443',
      targetPort: front.port,
      behaviour: 'answer-late',
      lateMs: 2000
    })
    try {
      const started = Date.now()
      const result = await suite.step(
        'main',
        { ...inputs, operation: 'list', 'timeout-seconds': '3' },
        { timeoutMs: KILL_AFTER_MS, env: { HTTPS_PROXY: slow.url } }
      )
      const elapsedMs = Date.now() - started
      expect(result.code).toBe(1)
      expect(result.errors.join('\n')).toMatch(/timed out after 3 s waiting for GET https:\/\/api\.example\.test\//)
      // Each attempt ends at timeout-seconds plus the deadline's 1.5 s grace.
      const durations = attemptDurations(result)
      expect(durations).toHaveLength(MAX_ATTEMPTS)
      for (const ms of durations) expect(ms).toBeLessThan(3000 + 1500 + 1000)
      expect(elapsedMs).toBeLessThan(3 * MAX_ATTEMPTS * 3000 + START_MARGIN_MS)
      expect(slow.connects).toHaveLength(MAX_ATTEMPTS)
    } finally {
      await slow.close()
    }
  })
})

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', () => {
  const unchecked = { NODE_TLS_REJECT_UNAUTHORIZED: '0' }
  const certificateRefused = /self[- ]signed certificate|SELF_SIGNED|unable to verify/i
  const warnedOf = (result: StepResult) =>
    expect(result.warnings.filter(w => w.includes('NODE_TLS_REJECT_UNAUTHORIZED'))).toHaveLength(1)

  test('a direct request still checks the certificate, and the variable is named in a warning', async () => {
    emulator.resetLog()
    const result = await suite.step(
      'main',
      { operation: 'list', 'api-url': `https://127.0.0.1:${front.port}/api/v1`, 'max-attempts': '1' },
      { env: unchecked }
    )
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(certificateRefused)
    warnedOf(result)
    expect(emulator.requests).toEqual([])
  })

  test('TLS inside a proxy tunnel still checks the certificate', async () => {
    proxy.reset('tunnel')
    emulator.resetLog()
    const { result } = await timedStep(
      'main',
      { operation: 'list', 'ca-certificate': '', 'max-attempts': '1' },
      { env: unchecked }
    )
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(certificateRefused)
    warnedOf(result)
    expect(proxy.connects).toEqual(['CONNECT api.example.test:443 HTTP/1.1'])
    expect(emulator.requests).toEqual([])
  })

  test('an https proxy whose certificate does not check out is never sent the CONNECT', async () => {
    proxy.reset('tunnel')
    emulator.resetLog()
    const proxyCertificate = await makeCertificate({ ips: ['127.0.0.1'] })
    const tlsProxy = await startTlsFront(proxyCertificate, proxy.port)
    try {
      const { result } = await timedStep(
        'main',
        { operation: 'list', 'max-attempts': '1' },
        { env: { ...unchecked, HTTPS_PROXY: `https://127.0.0.1:${tlsProxy.port}` } }
      )
      expect(result.code).toBe(1)
      expect(result.errors.join('\n')).toMatch(certificateRefused)
      warnedOf(result)
      expect(proxy.connects).toEqual([])
      expect(emulator.requests).toEqual([])
    } finally {
      await tlsProxy.close()
    }
  })

  test('with the certificate trusted through ca-certificate, the step works and still warns', async () => {
    proxy.reset('tunnel')
    const { result } = await timedStep('main', { operation: 'list' }, { env: unchecked })
    expect(result.code).toBe(0)
    warnedOf(result)
  })
})
