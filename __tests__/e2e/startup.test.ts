// Start-up, through the built action: a step loads only the Node built-ins its run uses, and
// the steps of a job share V8's compile cache under RUNNER_TEMP, and nowhere else.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, type StepResult } from '../helpers/action.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'
import { makeCertificate, startTlsFront, type Certificate, type TlsFront } from '../helpers/tls.js'

let emulator: Emulator
const suite = useEmulator(started => (emulator = started))

const CACHE_FOLDER = 'apolo-service-account-compile-cache'
// Node 22.1 added module.enableCompileCache; the runner runs node24, tests also run on Node 20.
const [major, minor] = process.versions.node.split('.').map(Number)
const nodeCachesCode = major > 22 || (major === 22 && minor >= 1)

/** A preload that lists, at exit, the Node built-ins the process loaded (on stderr). */
const REPORT_BUILTINS = `--import=data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => process.stderr.write('builtins=' + process.moduleLoadList.filter(m => m.startsWith('NativeModule ')).map(m => m.slice(13)).join(',') + '\\n'))"
)}`

function reported(stderr: string): string[] {
  const line = /^builtins=(.*)$/m.exec(stderr)
  if (!line) throw new Error(`no built-ins reported: ${stderr.slice(0, 500)}`)
  return line[1].split(',')
}

/** What Node loads for any CommonJS file run this way (dist/ is CommonJS; stdout and stderr as pipes). */
function loadedByAnyModule(): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'empty-module-')), 'empty.cjs')
  writeFileSync(file, '\n')
  return reported(spawnSync(process.execPath, [REPORT_BUILTINS, file], { encoding: 'utf8' }).stderr)
}

/** The built-ins a step loaded beyond what any ES module loads. */
function builtins(result: StepResult): string[] {
  const baseline = loadedByAnyModule()
  return reported(result.stderr).filter(name => !baseline.includes(name))
}

describe('built-ins loaded', () => {
  let certificate: Certificate
  let front: TlsFront
  beforeAll(async () => {
    certificate = await makeCertificate({ ips: ['127.0.0.1'] })
    front = await startTlsFront(certificate, emulator.port)
  })
  afterAll(() => front.close())

  // undici requires node:http and node:assert at load; the build defers both (scripts/lazy-builtins.js).
  const unusedByAnyRequest = ['http', 'assert', 'http2', 'readline', 'internal/repl/history', 'internal/fs/promises']
  const unusedByPlainHttp = [...unusedByAnyRequest, 'tls']

  test('a list over plain HTTP loads no node:http, assert, HTTP/2, TLS, readline or REPL', async () => {
    const main = await suite.step('main', { operation: 'list' }, { env: { NODE_OPTIONS: REPORT_BUILTINS } })
    expect(main.code).toBe(0)
    const loaded = builtins(main)
    expect(loaded).toContain('v8') // the report is real: the client's code ran
    expect(unusedByPlainHttp.filter(name => loaded.includes(name))).toEqual([])
  })

  test('a create, its verification and post load no node:http or assert either', async () => {
    const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }
    const env = { NODE_OPTIONS: REPORT_BUILTINS }
    const main = await suite.step('main', defaults, { env })
    expect(main.code).toBe(0)
    const post = await suite.step('post', defaults, { env, state: main.state })
    expect(post.code).toBe(0)
    for (const step of [main, post]) expect(unusedByPlainHttp.filter(name => builtins(step).includes(name))).toEqual([])
  })

  test('a list over HTTPS loads TLS before the client, and no node:http, assert, HTTP/2 or readline', async () => {
    const main = await suite.step(
      'main',
      {
        operation: 'list',
        'api-url': `https://127.0.0.1:${front.port}/api/v1`,
        'ca-certificate': certificate.cert
      },
      { env: { NODE_OPTIONS: REPORT_BUILTINS } }
    )
    expect(main.code).toBe(0)
    const loaded = builtins(main)
    // Before the client's code (which loads v8): Node reads its root certificates on another thread meanwhile.
    expect(loaded.indexOf('tls')).toBeGreaterThan(-1)
    expect(loaded.indexOf('tls')).toBeLessThan(loaded.indexOf('v8'))
    expect(unusedByAnyRequest.filter(name => loaded.includes(name))).toEqual([])
  })

  test('a bad input loads no HTTP client at all', async () => {
    const main = await suite.step('main', { operation: 'nope' }, { env: { NODE_OPTIONS: REPORT_BUILTINS } })
    expect(main.code).toBe(1)
    expect(main.errors.join('\n')).toContain('operation')
    expect(['http', 'net', 'v8', ...unusedByPlainHttp].filter(name => builtins(main).includes(name))).toEqual([])
  })
})

describe("undici's unused modules, moved out of its chunk by the build", () => {
  const MOVED_FILE = 'undici-unused.cjs'
  /** A copy of dist/ without the file the build moved them to. */
  function distWithoutMovedModules(): string {
    const dist = join(mkdtempSync(join(tmpdir(), 'dist-')), 'dist')
    cpSync(join(ROOT, 'dist'), dist, { recursive: true })
    rmSync(join(dist, MOVED_FILE))
    return dist
  }

  // Without them, the parser can only come from the file the build wrote it to.
  test('a create, its verification and post run without them', async () => {
    const dist = distWithoutMovedModules()
    const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }
    const main = await suite.step('main', defaults, { dist })
    expect([main.code, main.errors]).toEqual([0, []])
    const post = await suite.step('post', defaults, { dist, state: main.state })
    expect([post.code, post.errors]).toEqual([0, []])
    expect(emulator.account(main.outputs.id)).toBeUndefined()
  })

  // Under Jest, undici loads its parser built without WebAssembly SIMD: one of the moved modules.
  test('one is loaded from its file when undici requires it', async () => {
    const underJest = { env: { JEST_WORKER_ID: '1' } }
    const list = await suite.step('main', { operation: 'list' }, underJest)
    expect([list.code, list.errors]).toEqual([0, []])
    expect(JSON.parse(list.outputs.accounts)).toEqual(expect.any(Array))
    const withoutFile = await suite.step(
      'main',
      { operation: 'list' },
      { ...underJest, dist: distWithoutMovedModules() }
    )
    expect(withoutFile.code).toBe(1)
  })
})

test("undici's parser is a file of the bytes undici ships, not base64 text in its chunk", () => {
  const shipped = createRequire(join(ROOT, 'package.json'))('undici/lib/llhttp/llhttp_simd-wasm.js') as Buffer
  expect(readFileSync(join(ROOT, 'dist', 'llhttp_simd.wasm')).equals(shipped)).toBe(true)
  const chunks = readdirSync(join(ROOT, 'dist')).filter(name => name.endsWith('.index.cjs.js'))
  const holding = chunks.filter(name =>
    readFileSync(join(ROOT, 'dist', name), 'latin1').includes(shipped.toString('base64', 0, 64))
  )
  expect(holding).toEqual([])
})

describe('compile cache', () => {
  const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }
  const debugCache = { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' }

  test('main keeps it in RUNNER_TEMP and post reuses it (Node 22.1+); on older Node the steps just run', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    const main = await suite.step('main', defaults, { runnerTemp, env: debugCache })
    expect(main.code).toBe(0)
    const post = await suite.step('post', defaults, { runnerTemp, state: main.state, env: debugCache })
    expect(post.code).toBe(0)
    expect(emulator.account(main.outputs.id)).toBeUndefined()
    if (nodeCachesCode) {
      expect(readdirSync(join(runnerTemp, CACHE_FOLDER)).length).toBeGreaterThan(0)
      expect(post.stderr).toMatch(/code cache for CommonJS \S+\/dist\/index\.js was accepted/)
    } else {
      expect(existsSync(join(runnerTemp, CACHE_FOLDER))).toBe(false)
    }
  })

  test('a step that is not a create starts no cache, and uses one an earlier step left', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    const list = await suite.step('main', { operation: 'list' }, { runnerTemp, env: debugCache })
    expect(list.code).toBe(0)
    const post = await suite.step('post', { operation: 'list' }, { runnerTemp, state: list.state, env: debugCache })
    expect(post.code).toBe(0)
    expect(existsSync(join(runnerTemp, CACHE_FOLDER))).toBe(false)
    if (!nodeCachesCode) return
    const create = await suite.step(
      'main',
      { cluster: 'default', project: 'test-project', org: 'test-org' },
      { runnerTemp }
    )
    expect(create.code).toBe(0)
    const laterList = await suite.step('main', { operation: 'list' }, { runnerTemp, env: debugCache })
    expect(laterList.code).toBe(0)
    expect(laterList.stderr).toMatch(/code cache for CommonJS \S+\/dist\/index\.js was accepted/)
    await suite.step('post', {}, { runnerTemp, state: create.state })
  })

  test('without RUNNER_TEMP there is no cache', async () => {
    const main = await suite.step('main', { operation: 'list' }, { env: { ...debugCache, RUNNER_TEMP: '' } })
    expect(main.code).toBe(0)
    expect(main.stderr).not.toContain('[compile cache]')
  })

  test('a cache folder that cannot be made is skipped without a word', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    writeFileSync(join(runnerTemp, CACHE_FOLDER), 'a file where the folder would go')
    const main = await suite.step('main', { operation: 'list' }, { runnerTemp })
    expect(main.code).toBe(0)
    expect([main.stderr, main.warnings, main.errors]).toEqual(['', [], []])
    expect(JSON.parse(main.outputs.accounts)).toEqual(expect.any(Array))
  })
})
