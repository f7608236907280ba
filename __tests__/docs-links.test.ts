// The docs check (scripts/docs.js, `npm run docs -- --check` in .ci/run): every relative link
// in the user and contributor docs leads to a file, and to a heading where it names one.
import { afterAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brokenLinks, docFiles, headingAnchors } from '../scripts/docs.js'
import { ROOT } from './helpers/action.js'

const root = mkdtempSync(join(tmpdir(), 'docs-links-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function write(files: Record<string, string>): string[] {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return Object.keys(files).filter(path => path.endsWith('.md'))
}

describe('headingAnchors', () => {
  test('makes GitHub anchors: lower case, punctuation dropped, spaces as -, repeats numbered', () => {
    const text = [
      '# Title',
      '## Scale: a matrix herd',
      '### `sweep-finished-runs` on create',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading',
      '```'
    ].join('\n')
    expect([...headingAnchors(text)]).toEqual([
      'title',
      'scale-a-matrix-herd',
      'sweep-finished-runs-on-create',
      'notes',
      'notes-1'
    ])
  })
})

describe('brokenLinks', () => {
  test('finds a missing file and a missing heading, and passes good links', () => {
    const files = write({
      'README.md': [
        '# Read me',
        'See [cleanup](docs/cleanup.md#how-it-works), [gone](docs/gone.md),',
        '[no such part](docs/cleanup.md#nowhere), [here](#read-me), [not here](#elsewhere),',
        '[the site](https://example.com/x.md) and [a folder](docs).'
      ].join('\n'),
      'docs/cleanup.md': '# Cleanup\n\n## How it works\n\nBack to the [README](../README.md#read-me).\n'
    })
    expect(brokenLinks(files, root)).toEqual([
      'README.md: docs/gone.md (no docs/gone.md)',
      'README.md: docs/cleanup.md#nowhere (no heading #nowhere in docs/cleanup.md)',
      'README.md: #elsewhere (no heading #elsewhere in README.md)'
    ])
  })

  test('skips links in fenced code and in inline code', () => {
    const files = write({
      'CODE.md': ['```md', '[a](missing.md)', '```', 'Write `[b](missing.md)` for a link.'].join('\n')
    })
    expect(brokenLinks(files, root)).toEqual([])
  })
})

test("the repository's docs have no broken relative link", () => {
  expect(docFiles()).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'CONTRIBUTING.md']))
  expect(docFiles().some(file => file.startsWith('docs'))).toBe(true)
  expect(brokenLinks(docFiles())).toEqual([])
})

test('the README stays a user guide of at most 300 lines', () => {
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(300)
})
