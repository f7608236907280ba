// The quick-start demo: runs the built action's main and post steps against the local
// platform emulator, exactly as the runner would, and prints what a workflow log shows.
// Needs nothing installed: the emulator and the runner simulation use Node built-ins only.
import { startEmulator } from '../emulator/server.js'
import { asWorkflowLog, runStep } from './local-runner.js'

const emulator = await startEmulator({ users: ['alice'] })
const userToken = emulator.issueToken('alice')
let failed = false

/** @param {string} title */
const heading = title => console.log(`\n\x1b[1m▶ ${title}\x1b[0m`)
/** @param {boolean} ok @param {string} what */
const check = (ok, what) => {
  console.log(`  ${ok ? '✔' : '✘'} ${what}`)
  if (!ok) failed = true
}

try {
  console.log(`Platform emulator listening at ${emulator.url} (user "alice")`)

  heading('Run apolo-service-account-action (main)')
  const main = await runStep('main', { inputs: { token: userToken, 'api-url': emulator.url } })
  console.log(indent(asWorkflowLog(main.stdout, main.masks)))
  check(main.code === 0, 'the step succeeded')
  console.log('  outputs:')
  for (const [name, value] of Object.entries(main.outputs)) {
    console.log(`    ${name}: ${main.masks.includes(value) ? '***' : value}`)
  }

  heading('A later step uses the new credential')
  const inner = JSON.parse(Buffer.from(main.outputs.token, 'base64').toString('utf8'))
  const config = await fetch(`${inner.url}/config`, { headers: { authorization: `Bearer ${inner.token}` } })
  const authorized = /** @type {{authorized?: boolean}} */ (await config.json()).authorized === true
  check(authorized, `GET ${inner.url}/config as ${main.outputs.role}: authorized`)

  heading('Post Run apolo-service-account-action (post)')
  const post = await runStep('post', {
    inputs: { token: userToken, 'api-url': emulator.url },
    state: main.state,
    runnerTemp: main.runnerTemp
  })
  console.log(indent(asWorkflowLog(post.stdout, [...main.masks, ...post.masks])))
  check(post.code === 0, 'the post step succeeded')
  check(emulator.account(main.outputs.id) === undefined, `service account ${main.outputs.id} is gone`)
  const after = await fetch(`${inner.url}/config`, { headers: { authorization: `Bearer ${inner.token}` } })
  check(/** @type {{authorized?: boolean}} */ (await after.json()).authorized === false, 'its token no longer works')
  const printed = [main.stdout, main.stderr, post.stdout, post.stderr]
    .join('\n')
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  check(![userToken, main.outputs.token, inner.token].some(s => printed.includes(s)), 'no token was printed')
} finally {
  await emulator.close()
}
console.log(failed ? '\nDemo failed.' : '\nDemo complete: a credential made, used and removed within one job.')
process.exitCode = failed ? 1 : 0

/** @param {string} text */
function indent(text) {
  return text
    .split('\n')
    .map(line => `  | ${line}`)
    .join('\n')
}
