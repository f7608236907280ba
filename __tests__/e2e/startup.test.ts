// What a step starts from: dist/ is what ncc emits for src/, untouched afterwards, and
// nothing a step reads at start-up comes from RUNNER_TEMP (an earlier build kept V8's compile
// cache there, which a planted file turned into code, and a named pipe into a post that hung).
import { describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../helpers/action.js'
import { useEmulator, type Emulator } from '../helpers/suite.js'

let emulator: Emulator
const suite = useEmulator(started => (emulator = started))

const dist = join(ROOT, 'dist')

describe('dist/', () => {
  test("holds ncc's output for src/index.ts byte for byte, and the two entries", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ncc-')), 'out')
    try {
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
          'build',
          'src/index.ts',
          '-o',
          out,
          '--license',
          'licenses.txt',
          '--quiet',
          '--transpile-only'
        ],
        { cwd: ROOT, stdio: 'ignore' }
      )
      const emitted = readdirSync(out).sort()
      expect(emitted).toContain('index.js')
      expect(readdirSync(dist).sort()).toEqual([...emitted, 'main.js', 'post.js'].sort())
      for (const file of emitted)
        expect([file, readFileSync(join(dist, file))]).toEqual([file, readFileSync(join(out, file))])
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
    // ncc builds the whole bundle: slow on a busy machine.
  }, 120_000)

  test.each([
    ['main', 'runMain'],
    ['post', 'runPost']
  ])('dist/%s.js only runs %s from dist/index.js', (step, run) => {
    const code = readFileSync(join(dist, `${step}.js`), 'utf8')
      .split('\n')
      .filter(line => line && !line.startsWith('//'))
    expect(code).toEqual([`import { ${run} } from './index.js'`, `await ${run}()`])
  })
})

describe('a planted file where an earlier build kept its compile cache', () => {
  const FOLDER = 'apolo-service-account-compile-cache'
  const defaults = { cluster: 'default', project: 'test-project', org: 'test-org' }

  /**
   * The cache entries Node (22.1 and later) would use for dist/index.js under `folder`, laid out
   * by Node itself; on an older Node, a folder of the same shape.
   */
  function cacheEntries(folder: string): string[] {
    if ('enableCompileCache' in nodeModule) {
      const load = `import { enableCompileCache, flushCompileCache } from 'node:module'
enableCompileCache(${JSON.stringify(folder)})
await import(${JSON.stringify(join(dist, 'index.js'))})
flushCompileCache()`
      spawnSync(process.execPath, ['--input-type=module', '-e', load], { env: { PATH: process.env.PATH } })
    } else {
      mkdirSync(join(folder, `v${process.versions.node}-${process.arch}-0-0`), { recursive: true })
      writeFileSync(join(folder, `v${process.versions.node}-${process.arch}-0-0`, 'index'), '')
    }
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => join(entry.parentPath, entry.name))
  }

  /** Runs main and post of a create with `plant` done to every cache entry first. */
  async function createAndPost(plant: (path: string) => void): Promise<void> {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    const entries = cacheEntries(join(runnerTemp, FOLDER))
    expect(entries.length).toBeGreaterThan(0)
    for (const entry of entries) {
      rmSync(entry)
      plant(entry)
    }
    const main = await suite.step('main', defaults, { runnerTemp })
    expect([main.code, main.errors, main.stderr]).toEqual([0, [], ''])
    const started = Date.now()
    const post = await suite.step('post', defaults, { runnerTemp, state: main.state, timeoutMs: 20_000 })
    expect([post.code, post.errors, post.stderr]).toEqual([0, [], ''])
    expect(emulator.account(main.outputs.id)).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(10_000)
  }

  test('a hostile cache file changes nothing', async () => {
    const payload = "process.stdout.write('::error::planted code ran\\n');process.exit(0)"
    await createAndPost(path => writeFileSync(path, `${'\u0000'.repeat(64)}${payload}`))
  })

  test('a named pipe changes nothing: post removes the account in time', async () => {
    await createAndPost(path => execFileSync('mkfifo', [path]))
  })
})
