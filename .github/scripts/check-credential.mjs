// Self-test: uses the credential a create step handed out, against the emulator, and checks the
// step's outputs and exported variables. Everything comes in through the environment (never a
// command line: the token must not show in a process list), and no secret is printed.
//
//   API_URL            the emulator's API URL (required)
//   AUTH_TOKEN         the auth-token output; when empty, the JWT inside APOLO_PASSED_CONFIG
//   ROLE, GRANTED_URI  the role output and a URI granted with `read`: the account reads it back
//   EXPECT_EXPORT      "true": APOLO_PASSED_CONFIG and the rest must be exported, for API_URL
//   TOKEN_OUTPUT       with EXPECT_NO_TOKEN_OUTPUT=true, the token output, which must be empty
//   REGISTRY_OUTPUT, EXPECT_REGISTRY    the registry output and the host it must be
//   API_URL_OUTPUT     the api-url output, which must be API_URL
//   REMOVED_OUTPUT, EXPECT_REMOVED      the removed output and the names it must list (comma-separated)

const env = process.env
let failed = false

/** @param {boolean} ok @param {string} what */
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAILED'} - ${what}`)
  if (!ok) {
    console.log(`::error::${what}`)
    failed = true
  }
}

/** @param {string} path @param {string} token */
async function api(path, token) {
  const response = await fetch(`${env.API_URL}${path}`, { headers: { authorization: `Bearer ${token}` } })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** The JSON inside a full token (standard base64). @param {string} full */
const decodeFull = full => JSON.parse(Buffer.from(full, 'base64').toString('utf8'))

if (!env.API_URL) throw new Error('API_URL is required')

if (env.EXPECT_EXPORT === 'true') {
  const passed = env.APOLO_PASSED_CONFIG ?? ''
  check(passed.startsWith('eyJ0b2tlbi'), 'APOLO_PASSED_CONFIG holds a full token')
  check(env.NEURO_PASSED_CONFIG === passed, 'NEURO_PASSED_CONFIG is the same full token')
  const inner = passed ? decodeFull(passed) : {}
  check(inner.url === env.API_URL, 'the exported full token names the emulator as its API URL')
  for (const name of ['APOLO_CONFIG', 'NEUROMATION_CONFIG']) {
    const folder = env[name] ?? ''
    check(
      folder !== '' && env.RUNNER_TEMP !== undefined && folder.startsWith(env.RUNNER_TEMP),
      `${name} is a folder under RUNNER_TEMP`
    )
  }
  if (env.AUTH_TOKEN) check(inner.token === env.AUTH_TOKEN, 'the exported full token holds the auth-token output')
}

const jwt = env.AUTH_TOKEN || (env.APOLO_PASSED_CONFIG ? decodeFull(env.APOLO_PASSED_CONFIG).token : '')
check(Boolean(jwt), 'a credential to use: the auth-token output or the exported full token')
if (jwt) {
  const config = await api('/config', jwt)
  check(config.status === 200 && config.body?.authorized === true, 'GET /config as the new account: "authorized": true')
  const list = await api('/service_accounts', jwt)
  check(list.status === 200 && Array.isArray(list.body), 'GET /service_accounts as the new account: 200, a list')
  if (env.ROLE && env.GRANTED_URI) {
    const acl = await api(`/users/${encodeURIComponent(env.ROLE.replaceAll('/', ':'))}/permissions`, jwt)
    const granted = Array.isArray(acl.body) && acl.body.some(p => p.uri === env.GRANTED_URI && p.action === 'read')
    check(acl.status === 200 && granted, `the new account reads its own grant: ${env.GRANTED_URI} read`)
  }
}

if (env.EXPECT_NO_TOKEN_OUTPUT === 'true') check(!env.TOKEN_OUTPUT, 'output-token: false leaves the token output empty')
if (env.EXPECT_REGISTRY)
  check(
    env.REGISTRY_OUTPUT === env.EXPECT_REGISTRY,
    `the registry output is ${env.EXPECT_REGISTRY} (got "${env.REGISTRY_OUTPUT ?? ''}")`
  )
if (env.API_URL_OUTPUT !== undefined) check(env.API_URL_OUTPUT === env.API_URL, `the api-url output is ${env.API_URL}`)
if (env.EXPECT_REMOVED !== undefined) {
  /** @type {{name?: string | null}[]} */
  let removed = []
  try {
    removed = JSON.parse(env.REMOVED_OUTPUT || 'null')
  } catch {
    removed = []
  }
  const names = Array.isArray(removed) ? removed.map(a => a.name).sort() : []
  const expected = env.EXPECT_REMOVED.split(',').filter(Boolean).sort()
  check(
    JSON.stringify(names) === JSON.stringify(expected),
    `the removed output lists exactly: ${expected.join(', ') || 'nothing'} (got ${names.join(', ') || 'nothing'})`
  )
}

if (failed) process.exit(1)
