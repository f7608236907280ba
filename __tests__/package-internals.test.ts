// The action reaches into a few package files by path (src/platform/http.ts,
// src/platform/proxy.ts, scripts/build.js) to keep start-up fast. Those paths are not public
// API, so the versions are pinned exactly in package.json, and this test fails loudly, by
// path, if an update moves or changes one.
import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ROOT } from './helpers/action.js'

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
}
const require = createRequire(join(ROOT, 'package.json'))

test('the packages whose internals are used are pinned to exact versions, and those are installed', () => {
  for (const name of ['undici']) {
    const pinned = manifest.dependencies[name]
    expect([name, pinned]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)])
    const installed = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
    ).version
    expect([name, installed]).toEqual([name, pinned])
  }
})

test.each([
  ['undici/lib/dispatcher/agent.js', 'function'],
  ['undici/lib/api/api-request.js', 'function'],
  ['undici/lib/dispatcher/env-http-proxy-agent.js', 'function'],
  ['undici/lib/dispatcher/dispatcher.js', 'function'],
  ['undici/lib/dispatcher/pool.js', 'function'],
  ['undici/lib/api/api-connect.js', 'function']
])('%s still exists and exports a %s', (path, type) => {
  expect(typeof require(path)).toBe(type)
})

test("undici's client.js uses its HTTP/2 client only as scripts/build.js defers it: required once, called as connectH2(client, socket)", () => {
  const source = readFileSync(join(ROOT, 'node_modules/undici/lib/dispatcher/client.js'), 'utf8')
  const uses = source.split('\n').filter(line => /\bconnectH2\b/.test(line))
  expect(uses.map(line => line.trim().replace(/^\? /, ''))).toEqual([
    "const connectH2 = require('./client-h2.js')",
    'connectH2(client, socket)'
  ])
})
