// Writes the README's tables of inputs and outputs from action.yml, so they cannot drift.
//   npm run docs            rewrite README.md
//   npm run docs -- --check exit 1 when README.md is out of date
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './local-runner.js'

/**
 * @typedef {{description?: string, required?: boolean, default?: string}} Input
 * @typedef {{inputs?: Record<string, Input>, outputs?: Record<string, {description?: string}>}} ActionMetadata
 */

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

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const path = join(ROOT, 'README.md')
  const current = readFileSync(path, 'utf8')
  const next = renderReadme(current, readAction())
  if (process.argv.includes('--check')) {
    if (current !== next) {
      console.error('README.md is out of date with action.yml: run `npm run docs`')
      process.exit(1)
    }
    console.log('README.md tables match action.yml')
  } else {
    writeFileSync(path, next)
  }
}
