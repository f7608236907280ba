// The create step and tokenMasks's `whole`: a full token is handed out only when every form of
// it is masked. A form that holds the account's id cannot be masked (the id must stay
// readable in the log), so such a token is never handed out: the account goes again.
import { expect, test } from '@jest/globals'
import type { Agent } from 'undici'
import { runCreate } from '../../src/steps/create.js'
import { FULL_TOKEN_MAX_CHARS } from '../../src/platform/token.js'
import { createInputs, emulatorClient } from '../helpers/create-step.js'
import { inRunner } from '../helpers/in-process.js'
import { useLoopbackEmulator } from '../helpers/loopback-emulator.js'
import type { Emulator } from '../helpers/suite.js'

let emulator: Emulator
let token: string
let dispatcher: Agent
useLoopbackEmulator(loopback => ({ emulator, token, dispatcher } = loopback))

/** A full token as the platform's, but with `text` inside its JWT's signature. */
function fullTokenHolding(text: string): { fullToken: string; jwt: string } {
  const jwt = `${emulator.issueToken('alice')}${text}`
  const fields = { token: jwt, url: emulator.url, cluster: 'default', project_name: 'test-project' }
  return { fullToken: Buffer.from(JSON.stringify(fields)).toString('base64'), jwt }
}

/** Runs the create step with the create answered by `account` holding `fullToken`. */
async function createAnsweredWith(account: { name: string | null }, fullToken: string) {
  emulator.addFault({
    method: 'POST',
    path: '/service_accounts',
    kind: 'status',
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...account, token: fullToken })
  })
  const inputs = createInputs({
    'api-url': emulator.url,
    token,
    name: account.name!,
    'verify-seconds': '0',
    'output-token': 'true'
  })
  return inRunner(() =>
    runCreate(emulatorClient(emulator, token, dispatcher), inputs).then(
      () => undefined,
      (error: unknown) => error as Error
    )
  )
}

test('a full token whose JWT holds the account id is not handed out: the account goes again, the id stays readable', async () => {
  const account = emulator.seedAccount('alice', { name: 'masks-id-in-jwt' })
  const { fullToken, jwt } = fullTokenHolding(account.id)
  const result = await createAnsweredWith(account, fullToken)
  expect(result.value?.message).toBe(
    'the platform answered with a token that is not a full token ' +
      `(base64 JSON holding an auth JWT, at most ${FULL_TOKEN_MAX_CHARS / 1024} KiB); ` +
      `service account ${account.id} was removed again`
  )
  // The full token is masked; its JWT could not be, so neither form reaches an output.
  expect(result.masks).toEqual([fullToken])
  expect(result.outputs.token).toBeUndefined()
  expect(result.outputs['auth-token']).toBeUndefined()
  expect(result.outputs.id).toBeUndefined()
  expect(result.stdout).not.toContain(jwt)
  expect(emulator.account(account.id)).toBeUndefined()
  expect(JSON.parse(result.state.account)).toEqual({ kind: 'none' })
})

test('the same token with an id it does not hold is masked whole and handed out', async () => {
  // The control: only the id inside the JWT keeps the token above from being handed out.
  const account = emulator.seedAccount('alice', { name: 'masks-id-elsewhere' })
  const { fullToken, jwt } = fullTokenHolding('unrelated')
  const result = await createAnsweredWith(account, fullToken)
  expect(result.value).toBeUndefined()
  expect(result.masks).toEqual([fullToken, jwt])
  expect(result.outputs.token).toBe(fullToken)
  expect(result.outputs['auth-token']).toBe(jwt)
  expect(result.outputs.id).toBe(account.id)
})
