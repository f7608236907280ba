// GitHub's URLs and names as the sweep of finished runs checks them (src/github/urls.ts).
import { describe, expect, test } from '@jest/globals'
import { checkGitHubUrl, ownerAndName, runAttemptUrl } from '../src/github/urls.js'

const RUN = { runId: '100', attempt: '2' }

describe('checkGitHubUrl', () => {
  test('a value that is no URL is quoted in the error, at most 100 characters of it', () => {
    const value = `${'a'.repeat(100)}${'b'.repeat(50)}`
    expect(() => checkGitHubUrl('GITHUB_API_URL', value)).toThrow(
      new Error(`GITHUB_API_URL must be an absolute URL; got "${'a'.repeat(100)}"`)
    )
  })

  test.each(['ftp://127.0.0.1/', 'ws://localhost:8080', 'file://localhost/etc'])(
    'a loopback URL that is not http is refused: %s',
    value => {
      expect(() => checkGitHubUrl('GITHUB_API_URL', value)).toThrow('GITHUB_API_URL must be an https URL')
    }
  )

  test('every trailing slash is dropped', () => {
    expect(checkGitHubUrl('GITHUB_API_URL', 'https://ghe.example.com/api/v3///')).toBe('https://ghe.example.com/api/v3')
  })
})

describe('ownerAndName', () => {
  test('owner/name and nothing around it', () => {
    expect(ownerAndName('octo-org/octo-repo')).toEqual(['octo-org', 'octo-repo'])
    for (const bad of ['x/octo-org/octo-repo', 'octo-org/octo-repo/x', 'octo-org/octo-repo\n', ' octo-org/octo-repo'])
      expect(ownerAndName(bad)).toBeUndefined()
  })
})

describe('runAttemptUrl', () => {
  test('a run id or attempt with anything but digits, before or after, gives no link', () => {
    for (const run of [
      { runId: 'a100', attempt: '2' },
      { runId: '100', attempt: 'x2' },
      { runId: '100', attempt: '2x' },
      { runId: '1'.repeat(21), attempt: '2' }
    ])
      expect(runAttemptUrl('https://github.com', 'octo-org/octo-repo', run)).toBeUndefined()
  })

  test('the longest run id and attempt give a link', () => {
    const run = { runId: '9'.repeat(20), attempt: '12345' }
    expect(runAttemptUrl('https://github.com', 'octo-org/octo-repo', run)).toBe(
      `https://github.com/octo-org/octo-repo/actions/runs/${run.runId}/attempts/12345`
    )
    expect(runAttemptUrl('https://github.com/', 'octo-org/octo-repo', RUN)).toBe(
      'https://github.com/octo-org/octo-repo/actions/runs/100/attempts/2'
    )
  })
})
