// What a step starts from: dist/ is what ncc emits for src/, untouched afterwards, and
// nothing a step reads at start-up comes from RUNNER_TEMP (an earlier build kept V8's compile
// cache there, which a planted file turned into code, and a named pipe into a post that hung).
import { describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  const PAYLOAD = "process.stdout.write('::error::planted code ran\\n');"

  /**
   * A copy of dist/, and under RUNNER_TEMP the compile cache that Node (22.1 and later) writes
   * for it with its index.js swapped for a same-length copy that runs PAYLOAD: entries a step
   * that read them would run. On an older Node, a folder of the same shape.
   */
  function plantCache(runnerTemp: string): { copy: string; entries: string[] } {
    const folder = join(runnerTemp, FOLDER)
    const copy = join(mkdtempSync(join(tmpdir(), 'dist-')), 'dist')
    cpSync(dist, copy, { recursive: true })
    const index = join(copy, 'index.js')
    const original = readFileSync(index, 'utf8')
    const comment = /^\/\/ .{60,}$/m.exec(original)?.[0] ?? ''
    writeFileSync(index, original.replace(comment, `${PAYLOAD}//`.padEnd(comment.length, 'x')))
    if ('enableCompileCache' in nodeModule) {
      const load = `import { enableCompileCache } from 'node:module'
enableCompileCache(${JSON.stringify(folder)})
await import(${JSON.stringify(join(copy, 'main.js'))})`
      // Without inputs main fails at once, but the modules that held the payload ran.
      const made = spawnSync(process.execPath, ['--input-type=module', '-e', load], {
        env: { PATH: process.env.PATH, RUNNER_TEMP: runnerTemp },
        encoding: 'utf8'
      })
      expect(made.stdout).toContain('::error::planted code ran')
    } else {
      mkdirSync(join(folder, `v${process.versions.node}-${process.arch}-0-0`), { recursive: true })
      writeFileSync(join(folder, `v${process.versions.node}-${process.arch}-0-0`, 'index'), PAYLOAD)
    }
    writeFileSync(index, original)
    const entries = readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => join(entry.parentPath, entry.name))
    expect(entries.length).toBeGreaterThan(0)
    return { copy, entries }
  }

  /** Main and post of a create, from `copy`, in `runnerTemp`: both as if nothing were planted. */
  async function createAndPost(copy: string, runnerTemp: string): Promise<void> {
    const main = await suite.step('main', defaults, { runnerTemp, dist: copy })
    expect([main.code, main.errors, main.stderr]).toEqual([0, [], ''])
    const started = Date.now()
    const post = await suite.step('post', defaults, { runnerTemp, dist: copy, state: main.state, timeoutMs: 20_000 })
    expect([post.code, post.errors, post.stderr]).toEqual([0, [], ''])
    expect(emulator.account(main.outputs.id)).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(10_000)
  }

  test('a cache entry made from a tampered copy of dist/index.js runs nothing', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    const { copy } = plantCache(runnerTemp)
    await createAndPost(copy, runnerTemp)
  })

  test('a named pipe in its place changes nothing: post removes the account in time', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    const { copy, entries } = plantCache(runnerTemp)
    for (const entry of entries) {
      rmSync(entry)
      execFileSync('mkfifo', [entry])
    }
    await createAndPost(copy, runnerTemp)
  })
})
