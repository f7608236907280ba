// What a release promises: the Marketplace accepts action.yml, the changelog names the
// version package.json ships, and the supply-chain configuration says what it should.
import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './helpers/action.js'

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')
const action = parse(read('action.yml')) as {
  name: string
  description: string
  branding: { icon: string; color: string }
}
const version = (JSON.parse(read('package.json')) as { version: string }).version

describe('the Marketplace accepts action.yml', () => {
  // GitHub supports the icons of Feather 4.28.0 but these (docs: metadata syntax, branding).
  const OMITTED = [
    'coffee',
    'columns',
    'divide-circle',
    'divide-square',
    'divide',
    'frown',
    'hexagon',
    'key',
    'meh',
    'mouse-pointer',
    'smile',
    'tool',
    'x-octagon'
  ]
  const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
  const feather = createRequire(import.meta.url)('feather-icons') as { icons: Record<string, unknown> }

  test("a name of its own, not GitHub's", () => {
    expect(action.name.length).toBeGreaterThan(3)
    expect(action.name.length).toBeLessThanOrEqual(60)
    expect(action.name).not.toMatch(/^github\b/i)
  })

  test('a description under 125 characters', () => {
    expect(action.description.length).toBeLessThan(125)
  })

  test('a Feather icon GitHub supports, and one of its colours', () => {
    expect(Object.keys(feather.icons)).toContain(action.branding.icon)
    expect(OMITTED).not.toContain(action.branding.icon)
    expect(COLORS).toContain(action.branding.color)
  })
})

describe('versions', () => {
  test('the newest CHANGELOG section is the version package.json ships, dated', () => {
    const sections = [...read('CHANGELOG.md').matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)]
    const released = sections.filter(([, name]) => name !== 'Unreleased')
    expect(released[0]?.[1]).toBe(version)
    expect(released[0]?.[2]).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  test('the release files are there', () => {
    for (const file of [
      'LICENSE',
      'SECURITY.md',
      'CONTRIBUTING.md',
      'CHANGELOG.md',
      '.github/CODEOWNERS',
      '.node-version'
    ]) {
      expect([file, existsSync(join(ROOT, file))]).toEqual([file, true])
    }
    expect(read('LICENSE')).toContain('MIT License')
  })
})

describe('supply chain', () => {
  test('dependabot watches npm (grouped, weekly) and GitHub Actions', () => {
    const config = parse(read('.github/dependabot.yml')) as {
      version: number
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string }; groups?: object }[]
    }
    expect(config.version).toBe(2)
    const byEcosystem = Object.fromEntries(config.updates.map(update => [update['package-ecosystem'], update]))
    expect(Object.keys(byEcosystem).sort()).toEqual(['github-actions', 'npm'])
    expect(byEcosystem.npm.schedule.interval).toBe('weekly')
    expect(byEcosystem.npm.groups).toBeDefined()
    expect(byEcosystem['github-actions'].schedule.interval).toBe('weekly')
  })

  test('every third-party action in the workflows is pinned by a full commit SHA with its version beside it', () => {
    const dir = join(ROOT, '.github/workflows')
    const uses = readdirSync(dir).flatMap(file =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/uses:\s*([^\s#]+)(.*)$/gm)].map(([, ref, rest]) => ({
        file,
        ref,
        rest
      }))
    )
    const thirdParty = uses.filter(({ ref }) => !ref.startsWith('./'))
    expect(thirdParty.length).toBeGreaterThan(0)
    for (const { file, ref, rest } of thirdParty) {
      expect([file, ref]).toEqual([file, expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)])
      expect([file, ref, rest]).toEqual([file, ref, expect.stringMatching(/#\s*v\d+\.\d+\.\d+/)])
    }
  })
})
