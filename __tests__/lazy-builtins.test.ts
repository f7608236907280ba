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

  test('becomes a function that passes a true value and throws AssertionError for a false one', () => {
    const built = deferAssert(bundle, 7)
    expect(built['chunk.js']).toBe(bundle['chunk.js'])
    const assert = evaluate(built['index.js'].replace('/***/ 7:\n', '')) as (value: unknown, message?: string) => void
    expect(assert(1, 'fine')).toBeUndefined()
    expect(() => assert(0, 'not ready')).toThrow(new AssertionError({ message: 'not ready' }))
    expect(() => assert(false)).toThrow(AssertionError)
  })

  test.each([
    ['a method of it is used', 'const assert = __webpack_require__(7)\nassert.strictEqual(a, b)\n', /uses a method/],
    ['it is bound to another name', 'const ok = __webpack_require__(7)\nok(a)\n', /requires node:assert as/],
    ['it is used without a binding', 'if (x) __webpack_require__(7)(x)\n', /requires node:assert as/]
  ])('is left to fail the build when %s', (_, chunk, error) => {
    expect(() => deferAssert({ ...bundle, 'chunk.js': chunk }, 7)).toThrow(error)
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

  test('is required only inside the two functions that need it', () => {
    const built = deferHttp(bundle, 9)
    for (const code of Object.values(built)) {
      const loadTime = code.split('\n').filter(line => /^const .*__webpack_require__\(9\)/.test(line))
      expect(loadTime).toEqual([])
    }
    expect(built['util.js']).toContain(
      "Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === __webpack_require__(9).IncomingMessage"
    )
    expect(built['client.js']).toMatch(
      /const getDefaultNodeMaxHeaderSize = \(\) => \{\n {2}const http = __webpack_require__\(9\)\n {2}return \(http &&\n[^]*http\.maxHeaderSize invalid'\) \}\)\(\)\n\}\n/
    )
  })

  test('leaves the build to fail if undici changes either line', () => {
    const moved = { ...bundle, 'util.js': bundle['util.js'].replace('const { IncomingMessage } =', 'const http =') }
    expect(() => deferHttp(moved, 9)).toThrow(/IncomingMessage/)
    const noLimit = { ...bundle, 'client.js': bundle['client.js'].replace('http module not available', 'gone') }
    expect(() => deferHttp(noLimit, 9)).toThrow(/default header limit/)
  })
})
