// action.yml, the code and the README must agree: names users type, defaults, descriptions.
import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { readAction, renderReadme } from '../scripts/docs.js'
import { INPUT_DEFAULTS } from '../src/inputs.js'
import { ROOT } from './helpers/action.js'

const action = readAction() as ReturnType<typeof readAction> & {
  name: string
  description: string
  branding?: { icon: string; color: string }
  runs: { using: string; main: string; post: string; 'post-if': string }
}
const inputs = action.inputs ?? {}
const outputs = action.outputs ?? {}
const source = (dir: string): string =>
  readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
    .map(entry => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n')
const code = source('src')

describe('action.yml', () => {
  test('runs the committed bundles on node24, post always', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main.js', post: 'dist/post.js', 'post-if': 'always()' })
    expect(existsSync(join(ROOT, action.runs.main))).toBe(true)
    expect(existsSync(join(ROOT, action.runs.post))).toBe(true)
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })

  test('every input and output has a description', () => {
    for (const [name, input] of Object.entries({ ...inputs, ...outputs })) {
      expect([name, (input.description ?? '').length > 10]).toEqual([name, true])
    }
  })

  test('fixed defaults are in action.yml; fallbacks from the credential are not', () => {
    for (const name of ['api-url', 'cluster', 'project', 'org', 'name', 'token'])
      expect([name, inputs[name].default]).toEqual([name, undefined])
    for (const [name, input] of Object.entries(inputs)) {
      if (['api-url', 'cluster', 'project', 'org', 'name', 'token'].includes(name)) continue
      expect([name, input.default !== undefined]).toEqual([name, true])
    }
    expect(inputs.token.required).toBe(true)
  })

  test('the inputs the code reads are exactly those declared', () => {
    const read = new Set(
      [...code.matchAll(/read[A-Za-z]*\(read, '([a-z-]+)'|read\('([a-z-]+)'\)/g)].map(m => m[1] ?? m[2])
    )
    expect([...read].sort()).toEqual(Object.keys(inputs).sort())
  })

  test('the outputs the code sets are exactly those declared', () => {
    const set = new Set([...code.matchAll(/setOutput(?:IfItFits)?\(\s*'([a-z-]+)'/g)].map(m => m[1]))
    const accountKeys = [
      ...readFileSync(join(ROOT, 'src/outputs.ts'), 'utf8').matchAll(/^\s+'?([a-z-]+)'?: (?:String\()?account\./gm)
    ].map(m => m[1])
    expect([...new Set([...set, ...accountKeys])].sort()).toEqual(Object.keys(outputs).sort())
  })

  test('the defaults in the code are those of action.yml', () => {
    const declared = Object.fromEntries(
      Object.entries(inputs)
        // An expression (`${{ github.token }}`) is the runner's to fill in, never the code's.
        .filter(
          ([, input]) => input.default !== undefined && input.default !== '' && !String(input.default).startsWith('${{')
        )
        .map(([name, input]) => [name, String(input.default)])
    )
    expect(INPUT_DEFAULTS).toEqual(declared)
  })
})

test('the README tables are what `npm run docs` makes from action.yml', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  expect(renderReadme(readme, action)).toBe(readme)
})

test('the workflows parse and use this action as ./', () => {
  const selfTest = parse(readFileSync(join(ROOT, '.github/workflows/self-test.yml'), 'utf8'))
  const uses = Object.values(selfTest.jobs as Record<string, { steps: { uses?: string }[] }>)
    .flatMap(job => job.steps)
    .map(step => step.uses)
  expect(uses).toContain('./')
})
