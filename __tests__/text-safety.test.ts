// The three texts that must be safe for any value: a log line, a summary cell, a redacted
// message. Property-based over arbitrary strings; seeded, with the seed printed.
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { EOL } from 'node:os'
import { cleanMessage, redactTokens } from '../src/platform/errors.js'
import * as runner from '../src/runner.js'
import { cell } from '../src/summary.js'

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const params = { seed: SEED, numRuns: 2_000 }
console.log(`text safety: seed ${SEED} (replay with FC_SEED=${SEED})`)

const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\u0085',
      '\u0000',
      '\t',
      ' ',
      ':',
      '#',
      '[',
      ']',
      '%',
      '|',
      '`',
      '<',
      '>',
      '&',
      '*',
      '_',
      'e',
      'y',
      'J',
      '.'
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
  )
})
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.dXNlci1zaWduYXR1cmUtb2YtdGhlLXRva2Vu'
const withSecret = fc.tuple(
  tricky,
  fc.constantFrom(
    JWT,
    Buffer.from(JSON.stringify({ url: 'u', token: JWT })).toString('base64'),
    // Indented JSON: its base64 holds no `eyJ`, so only decoding finds the token.
    Buffer.from(JSON.stringify({ token: JWT }, null, 2)).toString('base64')
  ),
  tricky
)

/** What `write` prints to stdout, through @actions/core as a step prints it. */
function printed(write: () => void): string {
  let out = ''
  const original = process.stdout.write.bind(process.stdout)
  process.stdout.write = (chunk: string | Uint8Array) => {
    out += String(chunk)
    return true
  }
  try {
    write()
  } finally {
    process.stdout.write = original
  }
  return out
}

test('a log line is one line that the runner cannot read as a command', () => {
  const commands: [string, (text: string) => void][] = [
    ['', runner.info],
    ['::debug::', runner.debug],
    ['::warning::', runner.warning]
  ]
  fc.assert(
    fc.property(tricky, text => {
      for (const [prefix, log] of commands) {
        const out = printed(() => log(text))
        expect(out.endsWith(EOL)).toBe(true)
        const line = out.slice(0, -EOL.length)
        expect(line).not.toMatch(/[\r\n\u2028\u2029\u0085]/)
        expect(line.startsWith(prefix)).toBe(true)
        expect(line.slice(prefix.length).trimStart().startsWith('::')).toBe(false)
        expect(line).not.toContain('##[')
      }
    }),
    params
  )
})

test('a summary cell holds no Markdown or HTML syntax and no line break', () => {
  fc.assert(
    fc.property(tricky, text => {
      expect(cell(text)).toMatch(/^(?:[A-Za-z0-9 .,:/@+=…-]|&#\d+;)*$/)
    }),
    params
  )
})

test('a secret anywhere in a text is cut out, by every path to the log', () => {
  fc.assert(
    fc.property(withSecret, ([before, secret, after]) => {
      const text = `${before}${secret}${after}`
      for (const out of [redactTokens(text), runner.safeText(text), cleanMessage(text), cell(text)])
        expect(out).not.toContain(secret.slice(-20))
    }),
    params
  )
})

test('redaction is linear: 1 MB of token-like text in well under a second', () => {
  for (const text of ['eyJa'.repeat(250_000), 'eyJ0b2tlbi'.repeat(100_000), 'a.'.repeat(500_000)]) {
    const started = process.hrtime.bigint()
    cleanMessage(text)
    redactTokens(text)
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000)
  }
})

/** A cell as GitHub reads it: character references back to characters. */
const rendered = (markdown: string) =>
  markdown.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))

test('a summary cell holds nothing GitHub turns into a link: URLs, www., e-mail addresses, mentions', () => {
  const text = 'Log in at https://evil.example/login or WWW.evil.example, ask admin@evil.example or @octocat'
  const shown = rendered(cell(text))
  expect(shown).not.toMatch(/(?:https?|ftp):\/\/|www\.|[\w.+-]@|@[\w-]/i)
  // It still reads the same: only invisible joiners were added.
  expect(shown.replace(/\u2060/g, '')).toBe(text)
  // A permission URI is no link, and stays as it is.
  expect(cell('storage://default/org/project')).toBe('storage://default/org/project')
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('h', 't', 'p', 's', 'f', ':', '/', 'w', 'W', 'H', '.', '@', 'a', ' ', '&') }),
      value => {
        expect(rendered(cell(value))).not.toMatch(/(?:https?|ftp):\/\/|www\.|[\w.+-]@|@[\w-]/i)
      }
    ),
    params
  )
})
