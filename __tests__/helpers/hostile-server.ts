// A programmable platform for hostile-answer tests: any status, headers and body, including
// endless and slow ones. Real HTTP on loopback, so the action's own client meets it.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Answer {
  /** Never answer: the request hangs until the client gives up. */
  hang?: boolean
  status: number
  headers?: Record<string, string>
  /** A string, or chunks written as fast as the client reads them until it hangs up. */
  body?: string | { repeat: string }
}

export interface Request {
  method: string
  /** The path after /api/v1, still encoded. */
  path: string
  body: string
}

export interface HostileServer {
  /** The API URL, `http://127.0.0.1:<port>/api/v1`. */
  url: string
  requests: Request[]
  close(): Promise<void>
}

export async function startHostileServer(respond: (request: Request) => Answer): Promise<HostileServer> {
  const requests: Request[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => (body += chunk))
    req.on('end', () => {
      const request = { method: req.method ?? 'GET', path: (req.url ?? '/').replace(/^\/api\/v1/, ''), body }
      requests.push(request)
      send(res, respond(request)).catch(() => res.destroy())
    })
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    close: () => {
      server.closeAllConnections()
      return new Promise(done => server.close(() => done()))
    }
  }
}

async function send(res: ServerResponse, answer: Answer): Promise<void> {
  if (answer.hang) return
  res.writeHead(answer.status, answer.headers ?? {})
  if (typeof answer.body !== 'object') return void res.end(answer.body ?? '')
  const chunk = answer.body.repeat.repeat(Math.ceil(65_536 / answer.body.repeat.length))
  while (!res.destroyed) {
    if (!res.write(chunk)) await drainedOrClosed(res)
  }
}

/** Waits for room to write, or for the client to go; leaves no listener behind either way. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise(done => {
    const settle = () => {
      res.off('drain', settle)
      res.off('close', settle)
      done()
    }
    res.once('drain', settle)
    res.once('close', settle)
  })
}

/** A full token as the platform makes one, around a JWT-shaped string. */
export function fakeFullToken(seed: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const jwt = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: seed })}.${Buffer.from(`signature-${seed}-0123456789`).toString('base64url')}`
  return Buffer.from(
    JSON.stringify({ token: jwt, cluster: 'default', url: 'http://x/api/v1', project_name: 'p' })
  ).toString('base64')
}

/** A JSON answer with the status given. */
export function jsonAnswer(status: number, value: unknown): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) }
}
