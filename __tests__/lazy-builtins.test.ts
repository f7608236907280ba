// scripts/lazy-builtins.js: how the build defers undici's node:assert and node:http, and the
// shapes of code it refuses to change. That a built step loads neither is pinned end to end
// (e2e/startup.test.ts).
import { describe, expect, test } from '@jest/globals'
import { AssertionError } from 'node:assert'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { compileFunction } from 'node:vm'
import { deferAssert, deferHttp } from '../scripts/lazy-builtins.js'
import { ROOT } from './helpers/action.js'

const EXTERNAL_ASSERT = 'module.exports = require("node:assert");'

/** Runs a module's code as webpack's external module would, and returns its exports. */
function evaluate(code: string): unknown {
  const module = { exports: {} as unknown }
  compileFunction(code, ['module', 'require'])(module, createRequire(import.meta.url))
  return module.exports
}

describe('node:assert', () => {
  const bundle = {
    'index.js': `/***/ 7:\n${EXTERNAL_ASSERT}\n`,
    'chunk.js': 'const assert = __webpack_require__(7)\nassert(ready, "not ready")\n'
  }
  const built = deferAssert(bundle, 7)
  const assert = evaluate(built['index.js'].replace('/***/ 7:\n', '')) as (value: unknown, message?: string) => void

  test('becomes a function that passes a true value and throws AssertionError for a false one', () => {
    expect(built['chunk.js']).toBe(bundle['chunk.js'])
    expect(assert(1, 'fine')).toBeUndefined()
    expect(() => assert(0, 'not ready')).toThrow(new AssertionError({ message: 'not ready' }))
    expect(() => assert(false)).toThrow(new AssertionError({ message: 'false == true' }))
  })

  test("throws with a stack that starts at the caller's line, as node:assert's own would", () => {
    function undiciCheck() {
      assert(null, 'checked')
    }
    let stack = ''
    try {
      undiciCheck()
    } catch (error) {
      stack = (error as Error).stack ?? ''
    }
    expect(stack.split('\n')[1]).toMatch(/^\s+at undiciCheck /)
  })

  test.each([
    [
      'a method of it is used',
      'const assert = __webpack_require__(7)\nassert.strictEqual(a, b)\n',
      /other than as assert\(value/
    ],
    [
      'a method is taken from it',
      'const assert = __webpack_require__(7)\nconst { ok } = assert\n',
      /other than as assert\(value/
    ],
    ['it is passed on', 'const assert = __webpack_require__(7)\ncheck(assert)\n', /other than as assert\(value/],
    [
      'it is spread',
      'const assert = __webpack_require__(7)\nconst copy = { ...assert }\n',
      /other than as assert\(value/
    ],
    ['it is bound to another name', 'const ok = __webpack_require__(7)\nok(a)\n', /other than as const assert = /],
    ['it is used without a binding', 'if (x) __webpack_require__(7)(x)\n', /other than as const assert = /]
  ])('is left to fail the build when %s', (_, chunk, error) => {
    expect(() => deferAssert({ ...bundle, 'chunk.js': chunk }, 7)).toThrow(error)
  })

  test('another module of the chunk may bind the name to another module (tunnel\'s "assert" in Octokit\'s chunk)', () => {
    const chunk = `${bundle['chunk.js']}var assert = __webpack_require__(8);\n`
    expect(deferAssert({ ...bundle, 'chunk.js': chunk }, 7)['chunk.js']).toBe(chunk)
    const same = `${bundle['chunk.js']}var assert = __webpack_require__(7);\n`
    expect(() => deferAssert({ ...bundle, 'chunk.js': same }, 7)).toThrow(/other than as assert\(value/)
  })

  test('fails the build unless the bundle holds the external module once', () => {
    expect(() => deferAssert({ 'chunk.js': bundle['chunk.js'] }, 7)).toThrow(/once in dist\/, found it 0 times/)
  })
})

describe('node:http in undici', () => {
  /** undici's own two modules, as the bundle holds them (node:http as module 9). */
  const undici = (path: string) =>
    readFileSync(join(ROOT, 'node_modules/undici/lib', path), 'utf8').replaceAll(
      /require\('([^']+)'\)/g,
      (_, name: string) => (name === 'node:http' ? '__webpack_require__(9)' : `require('${name}')`)
    )
  const bundle = { 'util.js': undici('core/util.js'), 'client.js': undici('dispatcher/client.js') }

  test('is required only inside the code that needs it', () => {
    const built = deferHttp(bundle, 9)
    for (const code of Object.values(built)) {
      const loadTime = code.split('\n').filter(line => /^const [^=]*= __webpack_require__\(9\)/.test(line))
      expect(loadTime).toEqual([])
    }
    expect(built['util.js']).toContain(
      "Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === __webpack_require__(9).IncomingMessage"
    )
    expect(built['client.js']).toContain('const http = new Proxy({}, { get: (_, key) => __webpack_require__(9)[key] })')
    expect(built['client.js']).toMatch(
      /const getDefaultNodeMaxHeaderSize = \(\) => \(http &&\n[^]*http\.maxHeaderSize invalid'\) \}\)\(\)\n/
    )
  })

  test("client.js's `http` reads node:http, loaded on the first read", () => {
    const built = deferHttp(bundle, 9)
    const binding = built['client.js'].split('\n').find(line => line.startsWith('const http = '))
    let loads = 0
    const http = compileFunction(`${binding}\nreturn http`, ['__webpack_require__'])(() => {
      loads++
      return { maxHeaderSize: 123 }
    }) as { maxHeaderSize: number }
    expect(loads).toBe(0)
    expect(http.maxHeaderSize).toBe(123)
    expect(loads).toBe(1)
  })

  test.each([
    [
      'undici changes the IncomingMessage line',
      'util.js',
      'const { IncomingMessage } =',
      'const http =',
      /IncomingMessage/
    ],
    ['undici changes the header limit', 'client.js', 'http module not available', 'gone', /default header limit/],
    [
      'another use of IncomingMessage is left',
      'util.js',
      'function destroy (',
      'IncomingMessage.x\nfunction destroy (',
      /still uses IncomingMessage/
    ],
    [
      'another module requires node:http',
      'util.js',
      'function destroy (',
      'const h = __webpack_require__(9)\nfunction destroy (',
      /required 3 times/
    ],
    [
      'client.js assigns to it',
      'client.js',
      '\nclass Client ',
      '\nhttp.globalAgent = null\nclass Client ',
      /other than by reading it: "http\.globalAgent = null"/
    ],
    [
      'client.js asks what it holds',
      'client.js',
      '\nclass Client ',
      "\nconst has = 'x' in http\nclass Client ",
      /other than by reading it/
    ],
    [
      'client.js passes it on',
      'client.js',
      '\nclass Client ',
      '\nObject.keys(http)\nclass Client ',
      /other than by reading it/
    ]
  ])('leaves the build to fail if %s', (_, file, search, replacement, error) => {
    const changed = { ...bundle, [file]: bundle[file as keyof typeof bundle].replace(search, replacement) }
    expect(() => deferHttp(changed, 9)).toThrow(error)
  })
})
