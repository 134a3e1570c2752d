import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { ClientMessageSchema, ErrorCode, type Result, type ServerMessage } from '@shared/contract'
import { CONTENT_SECURITY_POLICY } from '@shared/csp'
import type { Engine } from '../engine'
import { readStatic } from './static-files'
import { newToken, tokenMatches } from './token'

/** Largest WebSocket message accepted from a browser; commands are small. */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024
/** A client whose unsent data exceeds this is too slow; it is dropped and must reconnect. */
export const WS_MAX_BUFFERED_BYTES = 8 * 1024 * 1024
const TOKEN_COOKIE = 'flowlab_token'

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
 * refused even with the cookie, which stops cross-site WebSocket hijacking.
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
    this.#server = createServer((req, res) => void this.#onHttp(req, res))
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES })
    this.#server.on('upgrade', (req, socket, head) => {
      if (!this.#authorized(req) || !this.#sameOrigin(req) || this.#path(req) !== '/ws') {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws))
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

  #path(req: IncomingMessage): string {
    return new URL(req.url ?? '/', 'http://localhost').pathname
  }

  #authorized(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (tokenMatches(this.token, url.searchParams.get('token'))) return true
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${TOKEN_COOKIE}=`))
    return tokenMatches(this.token, cookie?.slice(TOKEN_COOKIE.length + 1))
  }

  /** Browsers always send Origin on WebSocket upgrades; it must be this server. */
  #sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    if (!origin) return true // not a browser (tests, CLI tools); the token still guards it
    try {
      return new URL(origin).host === req.headers.host
    } catch {
      return false
    }
  }

  async #onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('X-Frame-Options', 'DENY')
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
    const url = new URL(req.url ?? '/', 'http://localhost')
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
    const subscription = engine.subscribe((frame) => send({ kind: 'frame', frame }))
    ws.on('close', () => subscription.close())
    ws.on('error', () => subscription.close())
    ws.on('message', (data, isBinary) => {
      const reject = (message: string): void => send({ kind: 'error', result: invalid(message) })
      if (isBinary) return reject('binary messages are not part of the protocol')
      let json: unknown
      try {
        json = JSON.parse(data.toString())
      } catch {
        return reject('message is not valid JSON')
      }
      const parsed = ClientMessageSchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const field = issue?.path.length ? issue.path.join('.') : 'kind'
        send({
          kind: 'error',
          result: invalid(`'${field}': ${issue?.message ?? 'invalid'}`, field)
        })
        return
      }
      const message = parsed.data
      if (message.kind === 'ack') {
        subscription.ack(message.seq)
        return
      }
      void engine.execute(message.command).then((result) => {
        send({ kind: 'result', id: message.id, result })
      })
    })
  }
}

function invalid(message: string, field?: string): Result<never> {
  return {
    ok: false,
    error: field
      ? { code: ErrorCode.InvalidMessage, message, field }
      : { code: ErrorCode.InvalidMessage, message }
  }
}
