// The job variable that tells later steps which accounts `operation: rm` removed. Each test
// imports src/state.ts itself, so that its constants are loaded while a test runs.
import { expect, test } from '@jest/globals'
import { inRunner } from './helpers/in-process.js'

test('ids removed by earlier steps are read from APOLO_SERVICE_ACCOUNTS_REMOVED', async () => {
  const { removedInJob } = await import('../src/state.js')
  const result = await inRunner(() => removedInJob(), {
    env: { APOLO_SERVICE_ACCOUNTS_REMOVED: 'service-account-a service-account-b' }
  })
  expect(result.value).toEqual(['service-account-a', 'service-account-b'])
})

test('a removed id is exported to later steps as APOLO_SERVICE_ACCOUNTS_REMOVED', async () => {
  const { recordRemovedInJob } = await import('../src/state.js')
  const result = await inRunner(() => recordRemovedInJob('service-account-c'))
  expect(result.env).toEqual({ APOLO_SERVICE_ACCOUNTS_REMOVED: 'service-account-c' })
})
