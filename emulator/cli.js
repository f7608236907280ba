#!/usr/bin/env node
// Starts the platform emulator and prints ONE JSON line on stdout, {"url", "token", "fullToken",
// "pid"}, so a script can read it with jq; runs until SIGINT or SIGTERM. Logs go to stderr.
//   node emulator/cli.js [--port N] [--host H] [--user NAME] [--seed-accounts N] [--verbose]
import { parseArgs } from 'node:util'
import { startEmulator } from './server.js'

/** @param {string} message @returns {never} */
function usage(message) {
  process.stderr.write(`${message}\nusage: node emulator/cli.js [--port N] [--host H] [--user NAME] [--seed-accounts N] [--verbose]\n`)
  process.exit(2)
}

function args() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        user: { type: 'string', default: 'alice' },
        'seed-accounts': { type: 'string', default: '0' },
        verbose: { type: 'boolean', default: false }
      }
    }).values
  } catch (error) {
    return usage(/** @type {Error} */ (error).message)
  }
}

const values = args()
const port = Number(values.port)
const seed = Number(values['seed-accounts'])
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port: ${values.port}`)
if (!Number.isInteger(seed) || seed < 0) usage(`bad --seed-accounts: ${values['seed-accounts']}`)
const user = values.user ?? 'alice'

const emulator = await startEmulator({
  port,
  host: values.host,
  users: [user],
  log: values.verbose ? line => process.stderr.write(`${line}\n`) : undefined
})
if (seed > 0) emulator.seedAccounts(user, seed)
process.stdout.write(
  `${JSON.stringify({ url: emulator.url, token: emulator.tokens[user], fullToken: emulator.fullTokenFor(user), pid: process.pid })}\n`
)
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)))
}
