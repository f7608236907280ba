// Where the runner says GitHub's API and pages are (src/runner.ts githubUrls).
import { expect, test } from '@jest/globals'
import * as runner from '../src/runner.js'
import { inRunner } from './helpers/in-process.js'

test("GitHub Enterprise Server's URLs are taken from the runner, without surrounding blanks", async () => {
  const result = await inRunner(() => runner.githubUrls(), {
    env: { GITHUB_API_URL: ' https://ghe.example.com/api/v3 \n', GITHUB_SERVER_URL: '\thttps://ghe.example.com ' }
  })
  expect(result.value).toEqual({ apiUrl: 'https://ghe.example.com/api/v3', serverUrl: 'https://ghe.example.com' })
})

test("with the variables unset, empty or blank, github.com's", async () => {
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
