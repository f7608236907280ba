// The scan every end-to-end test relies on must itself be able to find a leak.
import { expect, test } from '@jest/globals'
import { findLeaks, foreignCommands, secretForms, type StepResult } from './helpers/action.js'

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1IjoiYSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'
const full = Buffer.from(`{"token": "${jwt}", "url": "u"}`).toString('base64')

function result(parts: Partial<StepResult['files']> & { stdout?: string; stderr?: string }): StepResult {
  const files = { state: '', env: '', summary: '', path: '', ...parts }
  return {
    step: 'main',
    code: 0,
    stdout: parts.stdout ?? '',
    stderr: parts.stderr ?? '',
    outputs: {},
    state: {},
    env: {},
    summary: files.summary,
    masks: [],
    errors: [],
    warnings: [],
    notices: [],
    files,
    runnerTemp: ''
  }
}

test('a full token has its JWT and the JWT signature as derived forms', () => {
  expect(secretForms([full])).toEqual([full, jwt, 'c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'])
})

test('mask commands are allowed; the secret anywhere else is a leak', () => {
  expect(findLeaks([result({ stdout: `::add-mask::${full}\n::add-mask::${jwt}\n` })], [full])).toEqual([])
  // The JWT and its signature, both found.
  expect(findLeaks([result({ stdout: `::debug::Bearer ${jwt}` })], [full])).toHaveLength(2)
  expect(findLeaks([result({ stderr: `at x (${jwt})` })], [jwt])).toEqual([
    'main stderr: eyJhbGciOiJI…',
    'main stderr: c2lnbmF0dXJl…'
  ])
  expect(findLeaks([result({ state: `id<<d\n${full}\nd` })], [full]).length).toBeGreaterThan(0)
  expect(findLeaks([result({ summary: `| token | ${jwt.split('.')[2]} |` })], [full])).toHaveLength(1)
})

test('the command scan finds every command the action did not issue, and lets a mask hold any secret', () => {
  const stdout = [
    '::add-mask::x ##[set-output name=token;]stolen',
    '::warning::fine',
    '  ::set-output name=a::b',
    'text ##[set-output name=b;]c',
    '::debug::##[x]',
    'plain'
  ].join('\n')
  expect(foreignCommands(stdout)).toEqual([
    '  ::set-output name=a::b',
    'text ##[set-output name=b;]c',
    '::debug::##[x]'
  ])
})
