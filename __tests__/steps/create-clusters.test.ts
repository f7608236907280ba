// A verified account that cannot see its own cluster (src/steps/create.ts, grantAndVerify): on a
// platform where a new account sees only the clusters it holds a grant on, with two clusters.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback), {
  users: ['alice'],
  clusters: [
    { name: 'default', orgs: ['test-org'] },
    { name: 'other', orgs: ['test-org'] }
  ],
  clustersNeedGrant: true
})

/** Creates an account on cluster `default` with one grant, and verifies it. */
async function createWithGrant(name: string, permission: string) {
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    name,
    cluster: 'default',
    project: 'test-project',
    permissions: permission,
    'verify-seconds': '2'
  })
  const result = await inRunner(() =>
    runCreate(emulatorClient(emulator, token, dispatcher), inputs).catch((error: Error) => error)
  )
  return { ...result, error: result.value }
}

test('an account with a grant on its own cluster sees it: no warning, and its registry is named', async () => {
  const result = await createWithGrant('clusters-own', 'storage://default/test-org/test-project read')
  expect(result.error).toBeUndefined()
  expect(result.warnings).toEqual([])
  expect(result.outputs.registry).toContain('registry.default')
})

test('an account that sees only another cluster is handed out with a warning naming the grant it needs', async () => {
  const result = await createWithGrant('clusters-other', 'storage://other/test-org/test-project read')
  expect(result.error).toBeUndefined()
  expect(result.warnings).toEqual([
    'The new account is accepted but sees no cluster "default": a CLI login (export-env) will fail with ' +
      '"No clusters configured". Grant it a permission on that cluster, e.g. a "permissions" line ' +
      '"storage://default/<org>/<project> read"'
  ])
  expect(result.outputs.registry).toBe('')
  expect(result.outputs.token).toBeTruthy()
})

test('a verification answered before the grant: /config is asked once more, and the outputs are as with the grant first', async () => {
  // The grant answers late, so that the verification's first /config comes before it.
  emulator.addFault({ method: 'POST', path: /^\/users\//, kind: 'delay', ms: 300 })
  const result = await createWithGrant('clusters-late-grant', 'storage://default/test-org/test-project read')
  expect(result.error).toBeUndefined()
  expect(result.warnings).toEqual([])
  expect(result.outputs.registry).toContain('registry.default')
  const asked = emulator.requests.map(request => `${request.method} ${request.path.replace(/^\/api\/v1/, '')}`)
  // The owner's (the cluster check), then the new account's twice.
  expect(asked.filter(request => request === 'GET /config')).toHaveLength(3)
  // Logged as answered: the new account's first came before the grant's answer.
  expect(asked.indexOf('GET /config', 1)).toBeLessThan(asked.findIndex(request => request.startsWith('POST /users/')))
})

test('with the grant seen at once, /config is asked once', async () => {
  const result = await createWithGrant('clusters-once', 'storage://default/test-org/test-project read')
  expect(result.outputs.registry).toContain('registry.default')
  // The owner's (the cluster check), then the new account's once.
  expect(emulator.requests.filter(request => request.path.endsWith('/config'))).toHaveLength(2)
})
