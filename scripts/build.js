// Bundles src/index.ts with ncc into dist/index.js and the chunks it loads when a run needs
// them (types are checked by `npm run typecheck`, so ncc only transpiles), then writes the
// two entries that action.yml runs. Both steps share nearly all their code, so it ships once.
// Not minified: measured on Node 24, minifying (ncc's, or terser on the chunks too) did not
// make a step start measurably faster, and readable code needs no source maps.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where the entries keep V8's compile cache, inside the job's RUNNER_TEMP. */
const COMPILE_CACHE_FOLDER = 'apolo-service-account-compile-cache'

const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js'
const work = mkdtempSync(join(tmpdir(), 'build-'))
try {
  rmSync('dist', { recursive: true, force: true })
  const stats = join(work, 'stats.json')
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      'src/index.ts',
      '-o',
      'dist',
      '--license',
      'licenses.txt',
      '--quiet',
      '--transpile-only',
      '--stats-out',
      stats
    ],
    { stdio: 'inherit' }
  )
  deferHttp2Client(JSON.parse(readFileSync(stats, 'utf8')))
} finally {
  rmSync(work, { recursive: true, force: true })
}

/**
 * undici's client.js requires its HTTP/2 client at load, and that requires node:http2,
 * which loads tls, all of crypto and fs/promises (with readline and the REPL's history):
 * a third of the built-ins the bundle loaded, for a client used only when `allowH2` is
 * set and TLS negotiates h2. The action never sets it, so the bundle requires that module
 * on its first call instead (client.js only ever calls it as `connectH2(client, socket)`;
 * __tests__/package-internals.test.ts pins that). The build fails if the require is not
 * found exactly once.
 * @param {{modules: {id: number | string, name: string}[]}} stats webpack's, from ncc
 */
function deferHttp2Client(stats) {
  const h2 = stats.modules.find(module => module.name === './node_modules/undici/lib/dispatcher/client-h2.js')
  if (!h2) throw new Error("build: undici's client-h2.js is not in the bundle's stats")
  const files = readdirSync('dist').filter(name => name.endsWith('.js'))
  const requireOfH2 = new RegExp(`(?<![\\w$.])([A-Za-z_$][\\w$]*)\\(${h2.id}\\)`, 'g')
  const found = files.flatMap(file => {
    const code = readFileSync(join('dist', file), 'utf8')
    return [...code.matchAll(requireOfH2)].map(([call, req]) => ({ file, code, call, req }))
  })
  if (found.length !== 1) {
    throw new Error(`build: expected one require of undici's client-h2.js (module ${h2.id}), found ${found.length}`)
  }
  const [{ file, code, call, req }] = found
  writeFileSync(join('dist', file), code.replace(call, `((client,socket)=>${req}(${h2.id})(client,socket))`))
}

for (const [step, run] of [
  ['main', 'runMain'],
  ['post', 'runPost']
]) {
  writeFileSync(
    `dist/${step}.js`,
    `// The ${step} step of action.yml (written by scripts/build.js). ${run} reports every failure itself.
import module from 'node:module'
import { join } from 'node:path'

// V8's compile cache (Node 22.1 and later) in the job's temp folder, so that post and any
// later step of the job that runs this action reuse the code main compiled. Outside a run
// (no RUNNER_TEMP) nothing is cached; a folder that cannot be written is skipped by Node.
if (process.env.RUNNER_TEMP) module.enableCompileCache?.(join(process.env.RUNNER_TEMP, '${COMPILE_CACHE_FOLDER}'))

// Imported only now, so that the cache is on when the bundle compiles.
const { ${run} } = await import('./index.js')
void ${run}()
`
  )
}
