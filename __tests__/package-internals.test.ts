// Packages only through what they export: nothing under src/ imports a file inside another
// package that the package does not export (its `exports` map, or, without one, only its
// entry), nor reaches into node_modules by a relative path. An update of a dependency can
// then move its files without breaking the action.
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './helpers/action.js'

type Exports = string | null | { [key: string]: Exports } | Exports[]

/** Every module specifier in a file: static imports and exports, `import x from`, and `import()`. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(match => match[1])
}

/** Whether `subpath` ('.' or './…') is one that an `exports` map (or no map: only '.') exports. */
function exported(exportsField: Exports | undefined, subpath: string): boolean {
  if (exportsField === undefined || typeof exportsField === 'string' || Array.isArray(exportsField))
    return subpath === '.'
  if (exportsField === null) return false
  const keys = Object.keys(exportsField)
  // A map of conditions, not of subpaths, exports only the entry.
  if (!keys.some(key => key.startsWith('.'))) return subpath === '.'
  return keys.some(key => {
    if (exportsField[key] === null) return false
    const star = key.indexOf('*')
    return star < 0 ? key === subpath : subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1))
  })
}

/** Why `specifier` reaches inside a package, or undefined when it does not. */
function reachesInside(specifier: string, exportsOf: (name: string) => Exports | undefined): string | undefined {
  if (specifier.startsWith('node:')) return undefined
  if (specifier.startsWith('.')) return /(^|\/)node_modules\//.test(specifier) ? 'a path into node_modules' : undefined
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  const subpath = `.${specifier.slice(name.length)}`
  return exported(exportsOf(name), subpath) ? undefined : `${subpath} is not exported by ${name}`
}

function exportsOf(name: string): Exports | undefined {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    exports?: Exports
  }
  return manifest.exports
}

describe('the rule', () => {
  const coreExports: Exports = { '.': { types: './lib/core.d.ts', import: './lib/core.js' } }
  const packages: Record<string, Exports | undefined> = {
    '@actions/core': coreExports,
    undici: undefined,
    patterned: { '.': './index.js', './features/*.js': './src/*.js', './private/*': null },
    conditional: { import: './index.mjs', require: './index.cjs' }
  }
  const exportsIn = (name: string) => packages[name]

  test.each([
    ['undici', undefined],
    ['@actions/core', undefined],
    ['node:tls', undefined],
    ['./platform/http.js', undefined],
    ['patterned/features/a.js', undefined],
    ['conditional', undefined],
    ['undici/lib/dispatcher/agent.js', './lib/dispatcher/agent.js is not exported by undici'],
    ['@actions/core/lib/file-command.js', './lib/file-command.js is not exported by @actions/core'],
    ['../node_modules/@actions/core/lib/file-command.js', 'a path into node_modules'],
    ['patterned/features/a.cjs', './features/a.cjs is not exported by patterned'],
    ['patterned/private/x', './private/x is not exported by patterned'],
    ['conditional/index.mjs', './index.mjs is not exported by conditional']
  ])('%s: %s', (specifier, why) => expect(reachesInside(specifier, exportsIn)).toBe(why))

  test('finds static, re-exported, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from 'one'",
      "export { b } from './two.js'",
      "import 'three'",
      "const c = await import('four')",
      "import type { D } from 'five'"
    ].join('\n')
    expect(specifiers(source)).toEqual(['one', './two.js', 'three', 'four', 'five'])
  })
})

test('nothing under src/ imports a file another package does not export', () => {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(file =>
    /\.[cm]?[jt]s$/.test(file)
  )
  expect(files.length).toBeGreaterThan(10)
  const found = files.flatMap(file =>
    specifiers(readFileSync(join(ROOT, 'src', file), 'utf8')).flatMap(specifier => {
      const why = reachesInside(specifier, exportsOf)
      return why ? [`src/${file}: ${specifier} (${why})`] : []
    })
  )
  expect(found).toEqual([])
})
