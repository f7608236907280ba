// Two Node built-ins that undici requires at load, though the action's requests never use
// them: node:assert (undici only calls it on a failed internal check) and node:http (for
// IncomingMessage, which no request of the action makes, and the default header limit, which
// the action sets itself). Loading them took about 4 ms of a step, so scripts/build.js makes
// the bundle load each the first time it is needed. Every function here takes the built files'
// code and returns it changed, or throws if the code is not what it expects.

/** @typedef {Record<string, string>} Files the built files' code, by name */

/** A require of module `id` in the bundle: `__nccwpck_require__(id)` or `__webpack_require__(id)`. */
export const requireOf = (/** @type {number | string} */ id) =>
  new RegExp(`(?<![\\w$.])(__nccwpck_require__|__webpack_require__)\\(${id}\\)`, 'g')

/** `name` as an identifier: not a property (a spread is no property), not part of a longer name, not in a string. */
const identifier = (/** @type {string} */ name) =>
  new RegExp(`(?<![\\w$'"])(?<!(?<!\\.\\.)\\.)${name}(?![\\w$'"])`, 'g')

/**
 * The bundle's node:assert becomes a function that loads it on a failed check and throws its
 * AssertionError, its stack starting at undici's line (without a message of undici's it reads
 * "false == true", not the line's source). Every require of it must bind `assert`, and every
 * other use of that name must be a call.
 * @param {Files} files @param {number} id the bundle's module for node:assert
 * @returns {Files}
 */
export function deferAssert(files, id) {
  const binding = (/** @type {string} */ call) => `const assert = ${call}`
  for (const [file, code] of Object.entries(files)) {
    const calls = [...code.matchAll(requireOf(id))].map(([call]) => call)
    if (!calls.length) continue
    for (const use of code.matchAll(identifier('assert'))) {
      const line = code.slice(code.lastIndexOf('\n', use.index) + 1).split('\n', 1)[0]
      const called = /^\s*\(/.test(code.slice(use.index + use[0].length))
      // Another module of the same chunk may bind the name to another module (tunnel, in Octokit's chunk, to "assert").
      const other = /^var assert = __webpack_require__\((\d+)\);$/.exec(line.trim())?.[1]
      if (!called && !calls.some(call => line === binding(call)) && (other === undefined || other === String(id))) {
        throw new Error(`build: ${file} uses node:assert other than as assert(value, message): "${line.trim()}"`)
      }
    }
    const bindings = code.split('\n').filter(line => calls.some(call => line === binding(call))).length
    if (bindings !== calls.length) throw new Error(`build: ${file} requires node:assert other than as ${binding('…')}`)
  }
  return replaceOnce(
    files,
    'module.exports = require("node:assert");',
    '// scripts/build.js: node:assert loads on the first failed check.\n' +
      'module.exports = function assert(value, message) {\n' +
      '  if (value) return\n' +
      '  const { AssertionError } = require("node:assert")\n' +
      "  throw new AssertionError({ message, actual: value, expected: true, operator: '==', stackStartFn: assert })\n" +
      '};'
  )
}

/**
 * undici's core/util.js loads node:http only to tell an IncomingMessage it is asked to destroy,
 * and client.js only for the default header limit. The first now loads it only for a stream
 * whose class is named IncomingMessage (an IncomingMessage cannot exist unless node:http is
 * loaded); in the second, `http` loads node:http on its first use, and the default limit is
 * read only when a client is made without `maxHeaderSize` (the action's never are). A list or
 * create loading no node:http is pinned by __tests__/e2e/startup.test.ts.
 * @param {Files} files @param {number} id the bundle's module for node:http
 * @returns {Files}
 */
export function deferHttp(files, id) {
  // undici is in a chunk, whose modules require with __webpack_require__.
  const req = `__webpack_require__(${id})`
  const check = `Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === ${req}.IncomingMessage`
  let out = replaceOnce(files, `const { IncomingMessage } = ${req}\n`, '')
  out = replaceOnce(out, 'Object.getPrototypeOf(stream).constructor === IncomingMessage', check)
  const binding = `const http = new Proxy({}, { get: (_, key) => ${req}[key] })`
  out = replaceOnce(
    out,
    `const http = ${req}\n`,
    `// scripts/build.js: node:http loads on the first read of \`http\`.\n${binding}\n`
  )
  const limit = /const getDefaultNodeMaxHeaderSize = (http &&\n[^]*?http module not available[^\n]*\n)/
  const [name] = Object.entries(out).find(([, code]) => limit.test(code)) ?? []
  if (!name) throw new Error("build: undici's client.js reads no default header limit from node:http")
  out[name] = out[name].replace(
    limit,
    (_, expression) => `const getDefaultNodeMaxHeaderSize = () => (${expression.trim()})()\n`
  )

  refuseOtherUses(name, out[name], binding)
  const requires = Object.values(out).reduce((sum, code) => sum + [...code.matchAll(requireOf(id))].length, 0)
  if (requires !== 2) throw new Error(`build: node:http is required ${requires} times, not only where it was deferred`)
  for (const [file, code] of Object.entries(out)) {
    if (identifier('IncomingMessage').test(code.replace(check, ''))) {
      throw new Error(`build: ${file} still uses IncomingMessage, which is no longer required`)
    }
  }
  return out
}

/**
 * The lazy `http` answers reads of its properties only: in the module that binds it, every
 * other use (an assignment, `in`, passing it on) fails the build.
 * @param {string} file @param {string} code @param {string} binding
 */
function refuseOtherUses(file, code, binding) {
  const at = code.indexOf(binding)
  const end = code.indexOf('\n/***/ ', at)
  const module = code.slice(Math.max(code.lastIndexOf('\n/***/ ', at), 0), end < 0 ? undefined : end)
  const uncommented = module.replace(/\/\*[^]*?\*\/|\/\/[^\n]*/g, '').replace(binding, '')
  for (const use of uncommented.matchAll(identifier('http'))) {
    const after = uncommented.slice(use.index + use[0].length)
    if (!/^\s*(&&|\.[A-Za-z_$][\w$]*(?![\w$])(?!\s*[-+*/%&|^]?=(?!=)))/.test(after)) {
      throw new Error(`build: ${file} uses node:http other than by reading it: "http${after.split('\n', 1)[0]}"`)
    }
  }
}

/**
 * @param {Files} files @param {string} search found exactly once across them @param {string} replacement
 * @returns {Files}
 */
function replaceOnce(files, search, replacement) {
  const hits = Object.entries(files).filter(([, code]) => code.includes(search))
  const count = hits.reduce((sum, [, code]) => sum + code.split(search).length - 1, 0)
  if (count !== 1) throw new Error(`build: expected "${search.trim()}" once in dist/, found it ${count} times`)
  const [[file, code]] = hits
  return { ...files, [file]: code.replace(search, () => replacement) }
}
