#!/usr/bin/env node
// Starts the platform emulator and prints one JSON line: {"url", "token", "fullToken", "pid"}.
// Runs until SIGINT or SIGTERM. Usage:
//   node emulator/cli.js [--port N] [--host H] [--user NAME] [--seed-accounts N]
import { parseArgs } from 'node:util'
import { startEmulator } from './server.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string', default: 'alice' },
    'seed-accounts': { type: 'string', default: '0' }
  }
})
const user = values.user ?? 'alice'
const emulator = await startEmulator({ port: Number(values.port), host: values.host, users: [user] })
const seed = Number(values['seed-accounts'])
if (seed > 0) emulator.seedAccounts(user, seed, { namePrefix: 'seeded-' })
process.stdout.write(
  `${JSON.stringify({ url: emulator.url, token: emulator.issueToken(user), fullToken: emulator.fullTokenFor(user), pid: process.pid })}\n`
)
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)))
}
