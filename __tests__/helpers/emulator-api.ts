// What the emulator's own tests (__tests__/emulator/) share. The emulator must speak the
// platform's contract (as read from the platform server's api.py and schema.py), or every other
// test proves little: one emulator per test file, and raw HTTP to it on loopback, independent
// of the action's client: fetch for most, node:http where fetch hides the wire.
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals'
import { request } from 'node:http'
import { startEmulator } from '../../emulator/server.js'
import type { Emulator } from './suite.js'

export type Reply = { status: number; text: string; headers: Headers }
export type CallOptions = {
  token?: string
  body?: unknown
  raw?: string
  headers?: Record<string, string>
  signal?: AbortSignal
}
export type ClusterJson = Record<string, unknown> & { name: string }

export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
export const CREATED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/
export const RECORD_KEYS = [
  'name',
  'default_cluster',
  'default_project',
  'default_org',
  'id',
  'role',
  'owner',
  'created_at',
  'role_deleted'
]

/** The file's emulator (users alice and bob), set once useFileEmulator's hooks have run. */
export let emulator: Emulator
let counter = 0

/** Starts the file's emulator before its first test; faults are dropped after each test. */
export function useFileEmulator(): void {
  beforeAll(async () => {
    emulator = await startEmulator({ users: ['alice', 'bob'], serviceVersion: '9.8.7' })
  })
  afterEach(() => emulator.clearFaults())
  afterAll(() => emulator.close())
}

/** A fresh user per test keeps tests independent of each other's accounts. */
export function user(): { name: string; token: string } {
  const name = `user${++counter}`
  return { name, token: emulator.issueToken(name) }
}

export async function call(
  method: string,
  path: string,
  options: CallOptions = {},
  base = emulator.url
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual', signal: options.signal })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

export const create = (token: string, fields: Record<string, unknown> = {}) =>
  call('POST', '/service_accounts', { token, body: { default_cluster: 'default', default_project: 'p', ...fields } })

export async function made(
  token: string,
  fields: Record<string, unknown> = {}
): Promise<Record<string, string> & { token: string }> {
  const reply = await create(token, fields)
  expect(reply.status).toBe(201)
  return JSON.parse(reply.text)
}

export const decode = (base64: string, kind: 'base64' | 'base64url' = 'base64url') =>
  Buffer.from(base64, kind).toString('utf8')
export const jwtOf = (fullToken: string): string => JSON.parse(decode(fullToken, 'base64')).token
export const claimsOf = (jwt: string) => JSON.parse(decode(jwt.split('.')[1]))
export const errorBody = (error: string) => `{"error": ${JSON.stringify(error)}}`
export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** A raw HTTP exchange, for what fetch does not show: chunks as they come, a short body. */
export function raw(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; chunks: Buffer[]; error?: Error }>(resolve => {
    const chunks: Buffer[] = []
    const req = request(`${emulator.origin}${path}`, { method, headers, agent: false }, res => {
      res.on('data', chunk => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }))
      res.on('error', error => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, error }))
    })
    req.on('error', error => resolve({ status: 0, headers: {}, chunks, error }))
    req.end()
  })
}
