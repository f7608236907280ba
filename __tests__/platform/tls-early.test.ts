// Node's TLS loaded early for an https API (src/platform/tls-early.ts).
import { afterEach, describe, expect, jest, test } from '@jest/globals'
import { loadTlsEarly } from '../../src/platform/tls-early.js'

describe("Node's TLS, loaded before the client for an https API", () => {
  afterEach(() => {
    jest.restoreAllMocks()
  })
  const loads = (apiUrl: string) => {
    const getBuiltinModule = jest.spyOn(process, 'getBuiltinModule')
    loadTlsEarly(apiUrl)
    return getBuiltinModule.mock.calls.map(([name]) => name)
  }

  test('an https API loads it', () => expect(loads('https://api.apolo.us/api/v1')).toEqual(['node:tls']))
  test('an http API (loopback only) does not', () => expect(loads('http://127.0.0.1:8080/api/v1')).toEqual([]))
})
