// Main step of the expect-cleanup helper: remembers which accounts exist before the action
// under test runs, in the step's state (GITHUB_STATE), for post.mjs.
import { appendFileSync } from 'node:fs'

const origin = new URL(process.env['INPUT_EMULATOR-URL'] ?? '').origin
const response = await fetch(`${origin}/_emulator/accounts`)
if (!response.ok) throw new Error(`GET ${origin}/_emulator/accounts answered ${response.status}`)
/** @type {{id: string}[]} */
const accounts = await response.json()
const state = process.env.GITHUB_STATE
if (!state) throw new Error('GITHUB_STATE is not set: this runs only as an action step')
appendFileSync(state, `origin=${origin}\nbefore=${JSON.stringify(accounts.map(a => a.id))}\n`)
console.log(
  `${accounts.length} account(s) on the emulator before the steps under test; checking again at the end of the job.`
)
