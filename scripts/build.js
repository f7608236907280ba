// Bundles src/index.ts with ncc into dist/index.js and the chunks it loads when a run needs
// them (types are checked by `npm run typecheck`, so ncc only transpiles), as CommonJS
// (through src/bundle.cjs), then writes the two entries that action.yml runs. Both steps share nearly all their code, so it ships once.
// Not minified: measured on Node 24, minifying (ncc's, or terser on the chunks too) did not
// make a step start measurably faster, and readable code needs no source maps.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parse } from 'yaml'
import { deferAssert, deferHttp, requireOf } from './lazy-builtins.js'

/** Where the entries keep V8's compile cache, inside the job's RUNNER_TEMP. */
const COMPILE_CACHE_FOLDER = 'apolo-service-account-compile-cache'
/** Where scripts/build.js moves the undici modules that the action never runs. */
const UNUSED_UNDICI_FILE = 'undici-unused.cjs'
/** undici's HTTP parser, which its chunk would otherwise hold as base64 text. */
const PARSER_FILE = 'llhttp_simd.wasm'

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
      'src/bundle.cjs',
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
  const { modules, chunks } = JSON.parse(readFileSync(stats, 'utf8'))
  // ncc names the bundle after its entry; the steps and the docs know it as index.js.
  renameSync('dist/index.cjs', 'dist/index.js')
  deferHttp2Client(modules)
  moveOutUnusedUndici(modules, chunks)
  parserAsFile(modules, chunks)
  deferBuiltins(modules, chunks)
} finally {
  rmSync(work, { recursive: true, force: true })
}

/** @typedef {{id: number | string | null, name: string, chunks: (number | string)[], reasons: {moduleId: number | string | null}[]}} BuiltModule */

/**
 * undici's client.js requires its HTTP/2 client at load, and that requires node:http2,
 * which loads tls, all of crypto and fs/promises (with readline and the REPL's history):
 * a third of the built-ins the bundle loaded, for a client used only when `allowH2` is
 * set and TLS negotiates h2. The action never sets it, so the bundle requires that module
 * on its first call instead (client.js only ever calls it as `connectH2(client, socket)`;
 * __tests__/package-internals.test.ts pins that). The build fails if the require is not
 * found exactly once.
 * @param {BuiltModule[]} modules webpack's stats of the bundle's modules, from ncc
 */
function deferHttp2Client(modules) {
  const h2 = modules.find(module => module.name === './node_modules/undici/lib/dispatcher/client-h2.js')
  const id = h2?.id
  if (id == null) throw new Error("build: undici's client-h2.js is not in the bundle's stats")
  const files = readdirSync('dist').filter(name => name.endsWith('.js'))
  const found = files.flatMap(file => {
    const code = readFileSync(join('dist', file), 'utf8')
    return [...code.matchAll(requireOf(id))].map(([call, req]) => ({ file, code, call, req }))
  })
  if (found.length !== 1) {
    throw new Error(`build: expected one require of undici's client-h2.js (module ${id}), found ${found.length}`)
  }
  const [{ file, code, call, req }] = found
  writeFileSync(join('dist', file), code.replace(call, `((client,socket)=>${req}(${id})(client,socket))`))
}

/**
 * undici modules that the action's requests never run: the HTTP/2 client (see above), the
 * llhttp build without WebAssembly SIMD (loaded only where SIMD is missing, or under Jest),
 * fetch's body handling (only for FormData, Blob or stream bodies), and what only they
 * require. They were a third of undici's chunk, compiled by every step that makes a
 * request. They move to their own file, which the bundle loads the first time one of them
 * is required: the bundle's require falls back to it for a module it does not hold.
 * @param {BuiltModule[]} modules webpack's stats of the bundle's modules, from ncc
 * @param {{id: number | string, files: string[]}[]} chunks webpack's stats of the chunks
 */
function moveOutUnusedUndici(modules, chunks) {
  const entries = ['dispatcher/client-h2.js', 'llhttp/llhttp-wasm.js', 'web/fetch/body.js'].map(path => {
    const module = modules.find(candidate => candidate.name === `./node_modules/undici/lib/${path}`)
    if (module?.id == null || module.chunks.length !== 1) throw new Error(`build: undici's ${path} is not in one chunk`)
    return module
  })
  const chunk = entries[0].chunks[0]
  // Whatever only these modules require goes with them.
  const moved = new Set(entries.map(module => module.id))
  for (let grew = true; grew;) {
    grew = false
    for (const module of modules) {
      if (module.id == null || moved.has(module.id) || !module.chunks.includes(chunk)) continue
      const requiredBy = module.reasons.map(reason => reason.moduleId).filter(id => id != null && id !== module.id)
      if (requiredBy.length > 0 && requiredBy.every(id => moved.has(id))) {
        moved.add(module.id)
        grew = true
      }
    }
  }

  const chunkFile = join('dist', chunks.find(candidate => candidate.id === chunk)?.files[0] ?? `chunk ${chunk}`)
  const code = readFileSync(chunkFile, 'utf8')
  const header = 'exports.modules = {\n'
  const start = code.indexOf(header) + header.length
  const end = code.lastIndexOf('\n};')
  if (start < header.length || end < start) throw new Error(`build: ${chunkFile} is not a chunk of modules`)
  // Each module: "\n/***/ <id>:\n<factory>,\n" (the last without its comma).
  const parts = code.slice(start, end).split(/\n\/\*\*\*\/ (\d+):\n/)
  /** @type {string[]} */ const kept = []
  /** @type {string[]} */ const out = []
  for (let i = 1; i < parts.length; i += 2) {
    const entry = `/***/ ${parts[i]}:\n${parts[i + 1].replace(/,\s*$/, '').trimEnd()}`
    ;(moved.has(Number(parts[i])) || moved.has(parts[i]) ? out : kept).push(entry)
  }
  const inChunk = modules.filter(module => module.id != null && module.chunks.includes(chunk)).length
  if (parts[0].trim() !== '' || kept.length + out.length !== inChunk || out.length !== moved.size) {
    throw new Error(`build: ${chunkFile} holds other modules than webpack's stats list`)
  }
  writeFileSync(chunkFile, `${code.slice(0, start)}\n${kept.join(',\n\n')}\n${code.slice(end)}`)
  writeFileSync(
    join('dist', UNUSED_UNDICI_FILE),
    `'use strict'
// Parts of undici the action's requests never run, moved out of ${basename(chunkFile)} by
// scripts/build.js, so that a step need not compile them. index.js loads this file if one of
// them is ever required.
module.exports = {
${out.join(',\n\n')}
}
`
  )

  const index = readFileSync('dist/index.js', 'utf8')
  const run = '__webpack_modules__[moduleId].call('
  const require = 'function __nccwpck_require__(moduleId) {'
  if (index.split(run).length !== 2 || index.split(require).length !== 2) {
    throw new Error("build: dist/index.js's require is not the one scripts/build.js knows")
  }
  writeFileSync(
    'dist/index.js',
    index.replace(run, '(__webpack_modules__[moduleId] ?? __nccwpck_require_moved__(moduleId)).call(').replace(
      require,
      `// Loads what scripts/build.js moved out of undici's chunk, when one of those modules is required.
function __nccwpck_require_moved__(moduleId) {
  Object.assign(__webpack_modules__, require('./${UNUSED_UNDICI_FILE}'))
  return __webpack_modules__[moduleId]
}
${require}`
    )
  )
}

/**
 * undici's HTTP parser (llhttp built for WebAssembly SIMD) is 72 KB of base64 in its chunk,
 * which V8 scans each time a step compiles the chunk (about 1.7 ms on Node 24). It goes to a
 * file of its own, read when undici first compiles the parser, as the same bytes.
 * @param {BuiltModule[]} modules webpack's stats of the bundle's modules, from ncc
 * @param {{id: number | string, files: string[]}[]} chunks webpack's stats of the chunks
 */
function parserAsFile(modules, chunks) {
  const module = modules.find(candidate => candidate.name === './node_modules/undici/lib/llhttp/llhttp_simd-wasm.js')
  const file = chunks.find(chunk => chunk.id === module?.chunks[0])?.files[0]
  if (module?.chunks.length !== 1 || !file) throw new Error("build: undici's llhttp_simd-wasm.js is not in one chunk")
  const code = readFileSync(join('dist', file), 'utf8')
  const text = /\nconst wasmBase64 = '([A-Za-z0-9+/]+={0,2})'\n/g
  const decode = "Buffer.from(wasmBase64, 'base64')"
  const found = [...code.matchAll(text)]
  if (found.length !== 1 || code.split(decode).length !== 2) {
    throw new Error(`build: ${file} does not hold undici's parser as one base64 text, decoded once`)
  }
  writeFileSync(join('dist', PARSER_FILE), Buffer.from(found[0][1], 'base64'))
  const read = `require('node:fs').readFileSync(require('node:path').join(__dirname, '${PARSER_FILE}'))`
  writeFileSync(
    join('dist', file),
    code
      .replace(found[0][0], `\n// scripts/build.js: the parser is ${PARSER_FILE}, read on first use.\n`)
      .replace(decode, () => read)
  )
}

/**
 * node:assert and node:http load when first needed, not with undici (scripts/lazy-builtins.js).
 * @param {BuiltModule[]} modules webpack's stats of the bundle's modules, from ncc
 * @param {{id: number | string, files: string[]}[]} chunks webpack's stats of the chunks
 */
function deferBuiltins(modules, chunks) {
  /** @param {string} name */
  const idOf = name => {
    const module = modules.find(candidate => candidate.name === `external "${name}"`)
    if (typeof module?.id !== 'number') throw new Error(`build: the bundle has no numbered module for ${name}`)
    return module.id
  }
  const names = readdirSync('dist').filter(name => /\.c?js$/.test(name))
  /** @type {Record<string, string>} */
  const before = Object.fromEntries(names.map(name => [name, readFileSync(join('dist', name), 'utf8')]))
  const asserts = deferAssert(before, idOf('node:assert'))
  // Octokit's chunk, loaded only to sweep finished runs, requires node:http itself: undici's own sites are elsewhere.
  const octokit = chunkFiles(modules, chunks, name => name.startsWith('./node_modules/@actions/github/'))
  const rest = Object.fromEntries(Object.entries(asserts).filter(([name]) => !octokit.has(name)))
  const after = { ...asserts, ...deferHttp(rest, idOf('node:http')) }
  for (const name of names) if (after[name] !== before[name]) writeFileSync(join('dist', name), after[name])
}

/**
 * The files of the chunks that hold a module whose name passes `test`.
 * @param {BuiltModule[]} modules @param {{id: number | string, files: string[]}[]} chunks
 * @param {(name: string) => boolean} test
 */
function chunkFiles(modules, chunks, test) {
  const ids = new Set(modules.filter(module => test(module.name)).flatMap(module => module.chunks))
  return new Set(chunks.filter(chunk => ids.has(chunk.id)).flatMap(chunk => chunk.files))
}

// dist/ is CommonJS, whatever the package's own type.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n')

// Writing V8's compile cache costs a cold step more than the cache saves it, so only main of a
// create starts one: its post step removes the account over the same code. Other steps use a
// cache an earlier step of the job left. An unset operation is action.yml's default; only how
// fast the steps start depends on this test.
const defaultOperation = JSON.stringify(parse(readFileSync('action.yml', 'utf8')).inputs.operation.default)
const createsAccount = `(process.env.INPUT_OPERATION?.trim() || ${defaultOperation}) === 'create'`
for (const [step, run, usesCache] of [
  ['main', 'runMain', `(${createsAccount} || existsSync(cache))`],
  ['post', 'runPost', 'existsSync(cache)']
]) {
  writeFileSync(
    `dist/${step}.js`,
    `// The ${step} step of action.yml (written by scripts/build.js). ${run} reports every failure itself.
const { existsSync } = require('node:fs')
const { enableCompileCache } = require('node:module')
const { join } = require('node:path')

// V8's compile cache (Node 22.1 and later) in the job's temp folder, where post and any later
// step of the job that runs this action find the code an earlier step compiled. Outside a run
// (no RUNNER_TEMP) nothing is cached; a folder that cannot be written is skipped by Node.
const cache = process.env.RUNNER_TEMP && join(process.env.RUNNER_TEMP, '${COMPILE_CACHE_FOLDER}')
if (cache && ${usesCache}) enableCompileCache?.(cache)

// Required only now, so that the cache is on when the bundle compiles.
void require('./index.js').${run}()
`
  )
}
