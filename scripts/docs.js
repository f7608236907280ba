// Writes the README's tables of inputs and outputs from action.yml, so they cannot drift, and
// checks that every relative link in the user and contributor docs leads somewhere.
//   npm run docs            rewrite README.md
//   npm run docs -- --check exit 1 when README.md is out of date or a link is broken
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './local-runner.js'

/**
 * @typedef {{description?: string, required?: boolean, default?: string}} Input
 * @typedef {{inputs?: Record<string, Input>, outputs?: Record<string, {description?: string}>}} ActionMetadata
 */

/** The Markdown files whose links are checked: README.md, SECURITY.md, CONTRIBUTING.md, docs/. */
export function docFiles(root = ROOT) {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter(name => name.endsWith('.md'))
        .sort()
        .map(name => join('docs', name))
    : []
  return ['README.md', 'SECURITY.md', 'CONTRIBUTING.md', ...docs]
}

/** @param {string} text */
const cell = text =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()

/** @param {ActionMetadata} action */
export function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default === undefined || input.default === '' ? '' : `\`${input.default}\``} | ${cell(input.description ?? '')} |`
  )
  return ['| input | required | default | description |', '|---|---|---|---|', ...rows].join('\n')
}

/** @param {ActionMetadata} action */
export function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`
  )
  return ['| output | description |', '|---|---|', ...rows].join('\n')
}

/**
 * README.md with the generated tables in place of what stands between the markers.
 * @param {string} readme @param {ActionMetadata} action
 */
export function renderReadme(readme, action) {
  /** @param {string} text @param {string} name @param {string} table */
  const replace = (text, name, table) => {
    const pattern = new RegExp(`(<!-- ${name}:start[^>]*-->)[\\s\\S]*?(<!-- ${name}:end -->)`)
    if (!pattern.test(text)) throw new Error(`README.md has no <!-- ${name}:start --> ... <!-- ${name}:end --> markers`)
    return text.replace(pattern, (_, start, end) => `${start}\n${table}\n${end}`)
  }
  return replace(replace(readme, 'inputs', inputsTable(action)), 'outputs', outputsTable(action))
}

export function readAction() {
  return /** @type {ActionMetadata} */ (parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')))
}

/** The lines of Markdown outside fenced code blocks, inline code spans blanked. @param {string} text */
function proseLines(text) {
  let fence = ''
  return text.split('\n').flatMap(line => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? '' : marker
      return []
    }
    return fence ? [] : [line.replace(/`+[^`]*`+/g, '')]
  })
}

/**
 * The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as
 * `-`, and `-1`, `-2` … after a repeat.
 * @param {string} text
 */
export function headingAnchors(text) {
  /** @type {Map<string, number>} */
  const seen = new Map()
  const anchors = new Set()
  let fence = ''
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker && (!fence || marker.startsWith(fence))) fence = fence ? '' : marker
    const heading = fence ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count ? `${slug}-${count}` : slug)
  }
  return anchors
}

/**
 * Every relative link in the files that leads to no file, or to no heading of a Markdown
 * file, as `<file>: <link>` lines. Links with a scheme (https:, mailto:) are not followed.
 * @param {string[]} files paths under root
 */
export function brokenLinks(files, root = ROOT) {
  const broken = []
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const line of proseLines(text)) {
      for (const [, target] of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
        const [path, anchor] = target.split('#', 2)
        const resolved = path ? join(dirname(join(root, file)), decodeURIComponent(path)) : join(root, file)
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no ${relative(root, resolved)})`)
        } else if (anchor !== undefined && resolved.endsWith('.md')) {
          if (!headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor)))
            broken.push(`${file}: ${target} (no heading #${anchor} in ${relative(root, resolved)})`)
        }
      }
    }
  }
  return broken
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const path = join(ROOT, 'README.md')
  const current = readFileSync(path, 'utf8')
  const next = renderReadme(current, readAction())
  if (process.argv.includes('--check')) {
    let failed = false
    if (current !== next) {
      console.error('README.md is out of date with action.yml: run `npm run docs`')
      failed = true
    }
    const files = docFiles()
    const broken = brokenLinks(files)
    for (const line of broken) console.error(`broken link: ${line}`)
    if (failed || broken.length) process.exit(1)
    console.log(`README.md tables match action.yml; the relative links of ${files.length} files lead somewhere`)
  } else {
    writeFileSync(path, next)
    const broken = brokenLinks(docFiles())
    for (const line of broken) console.error(`broken link: ${line}`)
    if (broken.length) process.exit(1)
  }
}
