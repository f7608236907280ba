// Node's own header limit (`http.maxHeaderSize`, which --max-http-header-size sets) raised for
// the tests of a file, as a job's NODE_OPTIONS could: the action's limit must hold regardless.
import { afterAll, beforeAll } from '@jest/globals'
import http from 'node:http'

export function useRaisedNodeHeaderLimit(bytes: number): void {
  const own = Object.getOwnPropertyDescriptor(http, 'maxHeaderSize')
  beforeAll(() => {
    Object.defineProperty(http, 'maxHeaderSize', { value: bytes, configurable: true, enumerable: true })
  })
  afterAll(() => {
    if (own) Object.defineProperty(http, 'maxHeaderSize', own)
  })
}
