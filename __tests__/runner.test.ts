// The runner's side (src/runner.ts): what reaches the runner's log and summary, and where it
// says GitHub's API and pages are (githubUrls). Each test imports src/runner.ts itself, so that
// its module-level settings are loaded while a test runs.
import { expect, test } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { inRunner } from './helpers/in-process.js'

// First in this file: nothing has said whether a summary is wanted yet.
test('the job summary is written unless the job-summary input says otherwise', async () => {
  const runner = await import('../src/runner.js')
  const result = await inRunner(() => runner.writeSummary('# written by default'))
  expect(result.summary).toBe('# written by default\n')
})

test('a warning keeps its line breaks: the runner shows them, not a literal "%0A"', async () => {
  const runner = await import('../src/runner.js')
  const result = await inRunner(() => runner.warning('first line\nsecond line'))
  expect(result.warnings).toEqual(['first line%0Asecond line'])
})

test('a failed step keeps its message\'s line breaks: the runner shows them, not a literal "%0A"', async () => {
  const runner = await import('../src/runner.js')
  const result = await inRunner(() => runner.setFailed('first line\nsecond line'))
  expect(result.failed).toBe(true)
  expect(result.errors).toEqual(['first line%0Asecond line'])
})

// Linux shows a process's open files in /proc/self/fd.
const openFiles = () => readdirSync('/proc/self/fd').length
;(existsSync('/proc/self/fd') ? test : test.skip)(
  'writing the job summary leaves no file open, however many parts are written',
  async () => {
    const runner = await import('../src/runner.js')
    const parts = 50
    const result = await inRunner(async () => {
      const before = openFiles()
      for (let part = 0; part < parts; part++) await runner.writeSummary(`part ${part}`)
      return openFiles() - before
    })
    expect(result.summary.split('\n')).toHaveLength(parts + 1)
    expect(result.value).toBeLessThan(parts / 2)
  }
)

test("GitHub Enterprise Server's URLs are taken from the runner, without surrounding blanks", async () => {
  const runner = await import('../src/runner.js')
  const result = await inRunner(() => runner.githubUrls(), {
    env: { GITHUB_API_URL: ' https://ghe.example.com/api/v3 \n', GITHUB_SERVER_URL: '\thttps://ghe.example.com ' }
  })
  expect(result.value).toEqual({ apiUrl: 'https://ghe.example.com/api/v3', serverUrl: 'https://ghe.example.com' })
})

test("with the variables unset, empty or blank, github.com's", async () => {
  const runner = await import('../src/runner.js')
  const expected = { apiUrl: 'https://api.github.com', serverUrl: 'https://github.com' }
  for (const value of ['', '  ']) {
    const result = await inRunner(() => runner.githubUrls(), {
      env: { GITHUB_API_URL: value, GITHUB_SERVER_URL: value }
    })
    expect(result.value).toEqual(expected)
  }
  const unset = await inRunner(() => {
    delete process.env.GITHUB_API_URL
    delete process.env.GITHUB_SERVER_URL
    return runner.githubUrls()
  })
  expect(unset.value).toEqual(expected)
})
