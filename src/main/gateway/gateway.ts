import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  ClientMessageSchema,
  ErrorCode,
  FRAME_MAX_BYTES,
  guardInput,
  INPUT_MAX_BYTES,
  type ErrorInfo,
  type ServerMessage
} from '@shared/contract'
import { CONTENT_SECURITY_POLICY } from '@shared/csp'
import type { Engine, FrameSubscription } from '../engine'
import { readStatic } from './static-files'
import { newToken, tokenMatches } from './token'

/**
 * Largest WebSocket message the socket reads at all, in bytes; a bigger one closes the connection
 * (1009). Anything up to it is read and answered: above INPUT_MAX_BYTES with a `limit_exceeded`
 * error, so a client learns the limit instead of losing its connection.
 */
export const WS_MAX_PAYLOAD_BYTES = 16 * INPUT_MAX_BYTES
/**
 * A client whose unsent data exceeds this, in bytes, is too slow; it is dropped and must
 * reconnect. Twice FRAME_MAX_BYTES, so a single frame (a new console's first one included) never
 * trips it.
 */
export const WS_MAX_BUFFERED_BYTES = 2 * FRAME_MAX_BYTES
const TOKEN_COOKIE = 'flowlab_token'
/** Host names that always reach a loopback-bound console (with the port). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]']

export interface GatewayOptions {
  engine: Engine
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string
  /** Interface to bind; loopback unless the user asks otherwise. */
  host?: string
  /** Port; 0 picks a free one. */
  port?: number
  /** The per-run token; generated when absent. */
  token?: string
}

/**
 * The browser door: serves the built renderer and carries the engine API over one WebSocket.
 * Both need the per-run token (`?token=` on the first load; afterwards an HttpOnly SameSite
 * cookie, so the page's assets load without it in their URLs). A WebSocket from another origin is
 * refused even with the cookie, which stops cross-site WebSocket hijacking. The Host header must be
 * a loopback name or the `host` the console was started with, with its port (403 otherwise), which
 * stops DNS rebinding; an Origin must match scheme, host and port exactly.
 */
export class Gateway {
  readonly token: string
  readonly #opts: Required<Omit<GatewayOptions, 'token'>>
  readonly #server: Server
  readonly #wss: WebSocketServer
  #closing: Promise<void> | null = null

  constructor(opts: GatewayOptions) {
    this.token = opts.token ?? newToken()
    this.#opts = {
      engine: opts.engine,
      rendererDir: opts.rendererDir,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0
    }
    this.#server = createServer((req, res) => {
      this.#onHttp(req, res).catch((err: unknown) => {
        this.#opts.engine.recordInternalError('gateway http', err)
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end('internal error\n')
      })
    })
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES })
    this.#server.on('upgrade', (req, socket, head) => {
      // Node hands the socket over without an error listener: a peer that resets it while it is
      // refused must not raise an uncaught 'error' (ws adds its own once it takes the socket).
      socket.on('error', () => socket.destroy())
      const refuse = (status: string): void => {
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      }
      try {
        if (!this.#allowedHost(req) || !this.#sameOrigin(req)) return refuse('403 Forbidden')
        if (!this.#authorized(req) || this.#path(req) !== '/ws') return refuse('401 Unauthorized')
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws))
      } catch (err) {
        this.#opts.engine.recordInternalError('gateway upgrade', err)
        refuse('500 Internal Server Error')
      }
    })
  }

  /** Binds and resolves to the console URL (with the token). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#opts.port, this.#opts.host, () => {
        this.#server.off('error', reject)
        resolve()
      })
    })
    return this.url
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port
  }

  /** Base URL without the token. */
  get origin(): string {
    const host = this.#opts.host.includes(':') ? `[${this.#opts.host}]` : this.#opts.host
    return `http://${host}:${this.port}`
  }

  /** The URL to open: origin plus the token. */
  get url(): string {
    return `${this.origin}/?token=${this.token}`
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const client of this.#wss.clients) client.terminate()
      this.#wss.close()
      this.#server.closeAllConnections()
      this.#server.close(() => resolve())
    })
    return this.#closing
  }

  /** The request target as a URL; null when it cannot be one (`GET http://[ HTTP/1.1`). */
  #url(req: IncomingMessage): URL | null {
    return parseUrl(req.url ?? '/', 'http://localhost')
  }

  #path(req: IncomingMessage): string | null {
    return this.#url(req)?.pathname ?? null
  }

  /**
   * The Host header names this console: a loopback name or the configured host, with this port
   * (bare for port 80, as browsers send it). Anything else is a page whose name was rebound to us.
   */
  #allowedHost(req: IncomingMessage): boolean {
    const given = req.headers.host?.toLowerCase()
    if (!given) return false
    const names = new Set(LOOPBACK_HOSTS)
    const configured = this.#opts.host.toLowerCase()
    names.add(configured.includes(':') ? `[${configured}]` : configured)
    for (const name of names) {
      if (given === `${name}:${this.port}`) return true
      if (this.port === 80 && given === name) return true
    }
    return false
  }

  #authorized(req: IncomingMessage): boolean {
    const url = this.#url(req)
    if (!url) return false
    if (tokenMatches(this.token, url.searchParams.get('token'))) return true
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${TOKEN_COOKIE}=`))
    return tokenMatches(this.token, cookie?.slice(TOKEN_COOKIE.length + 1))
  }

  /**
   * Browsers always send Origin on WebSocket upgrades; it must be this server exactly: scheme
   * (this server speaks http only), host and port, as the (already allowed) Host header names it.
   */
  #sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    if (origin === undefined) return true // not a browser (tests, CLI tools); the token still guards it
    const expected = parseUrl(`http://${req.headers.host ?? ''}`)?.origin
    const given = parseUrl(origin)?.origin
    return expected !== undefined && given !== undefined && given !== 'null' && given === expected
  }

  async #onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Frame-Options', 'DENY')
    if (!this.#allowedHost(req)) {
      res
        .writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Flowlab console: this Host is not served; open the URL `flowlab console` printed.\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    if (!this.#authorized(req)) {
      res
        .writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Flowlab console: open the URL with ?token=… that `flowlab console` printed.\n')
      return
    }
    const url = this.#url(req)
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad request\n')
      return
    }
    const file = await readStatic(this.#opts.rendererDir, url.pathname)
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n')
      return
    }
    const headers: Record<string, string | string[]> = {
      'Content-Type': file.type,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY
    }
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : file.body)
  }

  #onSocket(ws: WebSocket): void {
    const { engine } = this.#opts
    const send = (message: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > WS_MAX_BUFFERED_BYTES) {
        ws.terminate()
        return
      }
      ws.send(JSON.stringify(message))
    }
    const subscription = engine.subscribe((frame) => {
      try {
        send({ kind: 'frame', frame })
      } catch (err) {
        engine.recordInternalError('gateway frame', err)
      }
    })
    ws.on('close', () => subscription.close())
    ws.on('error', () => subscription.close())
    ws.on('message', (data, isBinary) => {
      try {
        this.#onMessage(data, isBinary, send, subscription)
      } catch (err) {
        answerInternal(send, engine.recordInternalError('gateway', err))
      }
    })
  }

  /**
   * One client message: guarded (size, depth) before JSON.parse, the envelope checked, then the
   * command handed to the engine. Every path answers once, and no failure escapes as a rejection.
   */
  #onMessage(
    data: RawData,
    isBinary: boolean,
    send: (message: ServerMessage) => void,
    subscription: FrameSubscription
  ): void {
    const { engine } = this.#opts
    const reject = (error: ErrorInfo): void => {
      engine.recordRejection('gateway', error)
      send({ kind: 'error', result: { ok: false, error } })
    }
    if (isBinary) return reject(invalid('binary messages are not part of the protocol'))
    const text = rawText(data)
    const refused = guardInput(text, 'json-text')
    if (refused) return reject(refused.error)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return reject(invalid('message is not valid JSON'))
    }
    const parsed = ClientMessageSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue?.path.length ? issue.path.join('.') : 'kind'
      return reject(invalid(`'${field}': ${issue?.message ?? 'invalid'}`, field))
    }
    const message = parsed.data
    if (message.kind === 'ack') {
      subscription.ack(message.seq)
      return
    }
    engine
      .execute(message.command)
      .then((result) => send({ kind: 'result', id: message.id, result }))
      .catch((err: unknown) => {
        const error = engine.recordInternalError('gateway', err)
        try {
          send({ kind: 'result', id: message.id, result: { ok: false, error } })
        } catch (again) {
          engine.recordInternalError('gateway', again)
        }
      })
  }
}

/** Answers a failure that has no call id; a failure to answer is only counted (already). */
function answerInternal(send: (message: ServerMessage) => void, error: ErrorInfo): void {
  try {
    send({ kind: 'error', result: { ok: false, error } })
  } catch {
    // The socket is gone or broken; the engine already counted and traced the failure.
  }
}

/** A URL, or null where `new URL` would throw (URL.parse is newer than some Node 20 releases). */
function parseUrl(text: string, base?: string): URL | null {
  try {
    return new URL(text, base)
  } catch {
    return null
  }
}

/** A text message's data as a string (ws hands a Buffer, or fragments of one). */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString()
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString()
  return data.toString()
}

function invalid(message: string, field?: string): ErrorInfo {
  return field
    ? { code: ErrorCode.InvalidMessage, message, field }
    : { code: ErrorCode.InvalidMessage, message }
}
