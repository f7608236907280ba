// Post step of the expect-cleanup helper, run after the post steps of the actions used after
// it: every account made during the job must be gone by now, and at least one must have been
// made (or nothing was tested). What this proves: the action's post step removed what its main
// step created, on this OS, against a platform that was still there to ask.

const origin = process.env.STATE_origin
const before = new Set(JSON.parse(process.env.STATE_before ?? '[]'))
if (!origin) {
  console.log('::error::expect-cleanup: no state from the main step')
  process.exit(1)
}

/** @param {string} path */
async function get(path) {
  const response = await fetch(`${origin}/_emulator/${path}`)
  if (!response.ok) throw new Error(`GET ${origin}/_emulator/${path} answered ${response.status}`)
  return response.json()
}

try {
  /** @type {{id: string, name: string | null, owner: string}[]} */
  const accounts = await get('accounts')
  /** @type {{method: string, path: string, status: number}[]} */
  const requests = await get('requests')
  const created = requests.filter(
    r => r.method === 'POST' && r.path === '/api/v1/service_accounts' && r.status === 201
  ).length
  const removed = requests.filter(
    r => r.method === 'DELETE' && r.path.startsWith('/api/v1/service_accounts/') && r.status === 204
  ).length
  const left = accounts.filter(a => !before.has(a.id))
  console.log(
    `Accounts created during the job: ${created}; removals: ${removed}; made during the job and still there: ${left.length}`
  )
  if (created === 0) {
    console.log('::error::expect-cleanup: no account was created during the job, so cleanup was not tested')
    process.exitCode = 1
  }
  for (const account of left) {
    console.log(
      `::error::expect-cleanup: account ${account.id} (${account.name ?? 'unnamed'}, owner ${account.owner}) is still there after the post steps`
    )
    process.exitCode = 1
  }
} catch (error) {
  console.log(
    `::error::expect-cleanup: could not ask the emulator: ${error instanceof Error ? error.message : String(error)}`
  )
  process.exitCode = 1
}
