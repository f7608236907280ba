// HTTP plumbing: answers as values, writing them (streamed, or dripped for the slow-body
// fault), listening, and the sink that redirects point to.
import { createServer } from 'node:http'
import { pyJson } from './python.js'

/** @typedef {{status: number, headers: Record<string, string>, body: string | Iterable<string>}} Answer */
/** @typedef {import('node:http').IncomingHttpHeaders} Headers */

export const JSON_TYPE = 'application/json; charset=utf-8'
const TEXT = 'text/plain; charset=utf-8'
const CHUNK_BYTES = 64 * 1024

/** @param {number} status @param {string} body @returns {Answer} */
export const text = (status, body) => ({ status, headers: { 'content-type': TEXT }, body })
/** JSON as the Python server writes it. @param {number} status @param {unknown} value @returns {Answer} */
export const json = (status, value) => ({ status, headers: { 'content-type': JSON_TYPE }, body: pyJson(value) })
/** aiohttp's answer to a method a route lacks. @param {string} allow @returns {Answer} */
export const notAllowed = allow => ({
  status: 405,
  headers: { 'content-type': TEXT, allow },
  body: '405: Method Not Allowed'
})
/** @type {Answer} */
export const noContent = { status: 204, headers: {}, body: '' }

/** Writes an answer; an iterable body streams in chunks, waiting for 'drain'. @param {import('node:http').ServerResponse} res @param {Answer} answer */
export async function send(res, answer) {
  if (typeof answer.body === 'string') {
    /** @type {Record<string, string>} */
    const headers = { ...answer.headers }
    if (answer.status !== 204) headers['content-length'] = String(Buffer.byteLength(answer.body))
    res.writeHead(answer.status, headers)
    return void res.end(answer.body)
  }
  res.writeHead(answer.status, answer.headers)
  let chunk = ''
  for (const piece of answer.body) {
    chunk += piece
    if (chunk.length < CHUNK_BYTES) continue
    if (!res.write(chunk)) await drained(res)
    if (res.destroyed) return
    chunk = ''
  }
  res.end(chunk)
}

/** Headers now, then 8 bytes every `ms`. @param {import('node:http').ServerResponse} res @param {Answer} answer @param {number} ms */
export async function drip(res, answer, ms) {
  const body = Buffer.from(materialize(answer.body))
  res.writeHead(answer.status, { ...answer.headers, 'content-length': body.length })
  res.flushHeaders()
  for (let i = 0; i < body.length && !res.destroyed; i += 8) {
    await sleep(ms)
    res.write(body.subarray(i, i + 8))
  }
  res.end()
}

/** @param {string | Iterable<string>} body */
export function materialize(body) {
  return typeof body === 'string' ? body : Array.from(body).join('')
}

/** Resolves when the response can take more, or is gone. @param {import('node:http').ServerResponse} res */
function drained(res) {
  return new Promise(resolve => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve(undefined)
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/** An unref'd timer, so a pending delay never keeps a closed emulator's process alive. @param {number} ms */
export function sleep(ms) {
  return new Promise(done => setTimeout(done, ms).unref())
}

/** @param {import('node:http').IncomingMessage} req */
export async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

/** @param {import('node:http').Server} server @param {number} port @param {string} host */
export function listen(server, port, host) {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => done(undefined))
  })
}

/** The origin a listening server is reached at; a wildcard address is reached on loopback. @param {import('node:http').Server} server */
export function originOf(server) {
  const { address, port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  const host =
    address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address
  return `http://${host}:${port}`
}

/**
 * A second origin to redirect to, recording every request (and answering 200 `{}`): a client
 * that follows a redirect off-origin shows up here, with whatever headers it carried along.
 * @param {string} host
 */
export async function startSink(host) {
  /** @type {{method: string, url: string, headers: Headers}[]} */
  const requests = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } })
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await listen(server, 0, host)
  return {
    origin: originOf(server),
    requests,
    /** @returns {Promise<void>} */
    close() {
      server.closeAllConnections()
      return new Promise(done => server.close(() => done()))
    }
  }
}
