import WebSocket from 'ws'
import type { Frame, Result, ServerMessage } from '@shared/contract'

/** A test client for the gateway's WebSocket: calls with ids, frames collected, raw sends. */
export class WsClient {
  readonly frames: Frame[] = []
  readonly errors: Result<never>[] = []
  #ws: WebSocket
  #nextId = 1
  #waiting = new Map<number, (result: Result<unknown>) => void>()
  #errorWaiters: ((result: Result<never>) => void)[] = []

  private constructor(url: string) {
    // Listen before the socket opens: the server sends the first frame right away.
    const ws = new WebSocket(url)
    this.#ws = ws
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.kind === 'frame') {
        this.frames.push(message.frame)
        ws.send(JSON.stringify({ kind: 'ack', seq: message.frame.seq }))
      } else if (message.kind === 'result') {
        this.#waiting.get(message.id)?.(message.result)
        this.#waiting.delete(message.id)
      } else {
        this.errors.push(message.result)
        this.#errorWaiters.shift()?.(message.result)
      }
    })
  }

  static async connect(url: string): Promise<WsClient> {
    const client = new WsClient(url)
    await new Promise<void>((resolve, reject) => {
      client.#ws.once('open', () => resolve())
      client.#ws.once('error', reject)
    })
    return client
  }

  call(command: unknown): Promise<Result<unknown>> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve)
      this.#ws.send(JSON.stringify({ kind: 'call', id, command }))
    })
  }

  /** Sends raw text and resolves with the protocol error it provokes. */
  sendRaw(text: string): Promise<Result<never>> {
    return new Promise((resolve) => {
      this.#errorWaiters.push(resolve)
      this.#ws.send(text)
    })
  }

  close(): void {
    this.#ws.close()
  }
}
