import WebSocket, { type ClientOptions } from 'ws'
import type { Frame, Result, ServerMessage } from '@shared/contract'

/** A test client for the gateway's WebSocket: calls with ids, frames collected, raw sends. */
export class WsClient {
  readonly frames: Frame[] = []
  /** Size in bytes of each frame message as it arrived, in order. */
  readonly frameBytes: number[] = []
  readonly errors: Result<never>[] = []
  /** Every answer (call result or protocol error), in arrival order. */
  readonly answers: Result<unknown>[] = []
  /** Resolves with the close code when the connection ends (1006: dropped without a close frame). */
  readonly closed: Promise<number>
  #ws: WebSocket
  #nextId = 1
  #waiting = new Map<number, (result: Result<unknown>) => void>()
  #errorWaiters: ((result: Result<never>) => void)[] = []

  private constructor(url: string, options?: ClientOptions) {
    // Listen before the socket opens: the server sends the first frame right away.
    const ws = new WebSocket(url, options)
    this.#ws = ws
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)))
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.kind === 'frame') {
        this.frames.push(message.frame)
        this.frameBytes.push(data.length)
        ws.send(JSON.stringify({ kind: 'ack', seq: message.frame.seq }))
      } else if (message.kind === 'result') {
        this.answers.push(message.result)
        this.#waiting.get(message.id)?.(message.result)
        this.#waiting.delete(message.id)
      } else {
        this.answers.push(message.result)
        this.errors.push(message.result)
        this.#errorWaiters.shift()?.(message.result)
      }
    })
  }

  static async connect(url: string, options?: ClientOptions): Promise<WsClient> {
    const client = new WsClient(url, options)
    await new Promise<void>((resolve, reject) => {
      client.#ws.once('open', () => resolve())
      client.#ws.once('error', reject)
    })
    return client
  }

  /**
   * Tries to connect and resolves with the HTTP status the server refused the upgrade with, or 101
   * when it was accepted (the socket is then closed again).
   */
  static upgradeStatus(url: string, options?: ClientOptions): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, options)
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0)
        ws.terminate()
      })
      ws.once('open', () => {
        resolve(101)
        ws.close()
      })
      ws.once('error', () => resolve(0))
    })
  }

  call(command: unknown): Promise<Result<unknown>> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve)
      this.#ws.send(JSON.stringify({ kind: 'call', id, command }))
    })
  }

  /** Sends raw text (or binary) and resolves with the protocol error it provokes. */
  sendRaw(data: string | Buffer, binary = false): Promise<Result<never>> {
    return new Promise((resolve) => {
      this.#errorWaiters.push(resolve)
      this.#ws.send(data, { binary })
    })
  }

  /** Sends without waiting for anything (the caller counts the answers in `errors`/results). */
  sendNoWait(data: string | Buffer, binary = false): void {
    this.#ws.send(data, { binary })
  }

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN
  }

  close(): void {
    this.#ws.close()
  }
}
