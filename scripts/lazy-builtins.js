// Two Node built-ins that undici requires at load, though the action's requests never use
// them: node:assert (undici only calls it on a failed internal check) and node:http (for
// IncomingMessage, which no request of the action makes, and the default header limit, which
// the action sets itself). Loading them took about 4 ms of a step, so scripts/build.js makes
// the bundle load each the first time it is needed. Every function here takes the built files'
// code and returns it changed, or throws if the code is not what it expects.

/** @typedef {Record<string, string>} Files the built files' code, by name */

/** A require of module `id` in the bundle: `__nccwpck_require__(id)` or `__webpack_require__(id)`. */
const requireOf = (/** @type {number | string} */ id) =>
  new RegExp(`(?<![\\w$.])(__nccwpck_require__|__webpack_require__)\\(${id}\\)`, 'g')

/**
 * The bundle's node:assert becomes a function that loads it on a failed check, and throws
 * what node:assert throws. Every require of it must bind `assert`, which is only ever called.
 * @param {Files} files @param {number | string} id the bundle's module for node:assert
 * @returns {Files}
 */
export function deferAssert(files, id) {
  const external = 'module.exports = require("node:assert");'
  for (const [file, code] of Object.entries(files)) {
    for (const match of code.matchAll(requireOf(id))) {
      const end = code.indexOf('\n', match.index)
      const line = code.slice(code.lastIndexOf('\n', match.index) + 1, end < 0 ? undefined : end)
      if (line !== `const assert = ${match[0]}`) throw new Error(`build: ${file} requires node:assert as "${line}"`)
    }
    if (requireOf(id).test(code) && /(?<![\w$.])assert\.[\w$]/.test(code)) {
      throw new Error(`build: ${file} uses a method of node:assert; only assert(value, message) is deferred`)
    }
  }
  return replaceOnce(
    files,
    external,
    '// scripts/build.js: loaded on the first failed check, which throws its AssertionError.\n' +
      'module.exports = function assert(value, message) { if (!value) require("node:assert")(value, message) };'
  )
}

/**
 * undici's core/util.js loads node:http only to tell an IncomingMessage it is asked to destroy,
 * and client.js only for the default header limit. The first now loads it only for a stream
 * whose class is named IncomingMessage (an IncomingMessage cannot exist unless node:http is
 * loaded), the second only when a client is made without `maxHeaderSize`. A list or create
 * loading no node:http is pinned by __tests__/e2e/startup.test.ts.
 * @param {Files} files @param {number | string} id the bundle's module for node:http
 * @returns {Files}
 */
export function deferHttp(files, id) {
  // undici is in a chunk, whose modules require with __webpack_require__.
  const req = `__webpack_require__(${id})`
  let out = replaceOnce(files, `const { IncomingMessage } = ${req}\n`, '')
  out = replaceOnce(
    out,
    'Object.getPrototypeOf(stream).constructor === IncomingMessage',
    `Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === ${req}.IncomingMessage`
  )
  out = replaceOnce(out, `const http = ${req}\n`, '')
  const limit = /const getDefaultNodeMaxHeaderSize = (http &&\n[^]*?http module not available[^\n]*\n)/
  const [name] = Object.entries(out).find(([, code]) => limit.test(code)) ?? []
  if (!name) throw new Error("build: undici's client.js reads no default header limit from node:http")
  out[name] = out[name].replace(
    limit,
    (_, expression) =>
      `const getDefaultNodeMaxHeaderSize = () => {\n  const http = ${req}\n  return (${expression.trim()})()\n}\n`
  )
  return out
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
