import {
  ErrorCode,
  guardInput,
  type CommandInput,
  type Frame,
  type Presence,
  type Result,
  type ServerMessage
} from '@shared/contract'
import { unwrapReply } from './reply'
import type { Transport } from './transport'

/** Reconnect backoff: doubles from the first to the last value, then stays there. */
const RECONNECT_MIN_MS = 250
const RECONNECT_MAX_MS = 4_000
/** A call with no answer after this long fails (the engine answers every valid call). */
const CALL_TIMEOUT_MS = 30_000

interface Pending {
  resolve(result: Result<unknown>): void
  timer: ReturnType<typeof setTimeout>
}

/**
 * The browser door: one WebSocket to `flowlab console`, token from the page URL (or the cookie the
 * server set when the page was loaded with it). Reconnects by itself; calls made while it is down
 * fail at once with a clear error rather than waiting.
 */
export function wsTransport(location: Location): Transport {
  const token = new URLSearchParams(location.search).get('token')
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const url = `${scheme}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`
  let socket: WebSocket | null = null
  let nextId = 1
  const pending = new Map<number, Pending>()

  const sendText = (text: string): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false
    socket.send(text)
    return true
  }
  const send = (message: unknown): boolean => sendText(JSON.stringify(message))

  const failAll = (message: string): void => {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer)
      entry.resolve({ ok: false, error: { code: ErrorCode.Closed, message } })
      pending.delete(id)
    }
  }

  return {
    async call<T>(command: CommandInput): Promise<T> {
      const id = nextId++
      const result = await new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          resolve({
            ok: false,
            error: { code: ErrorCode.Internal, message: 'the engine did not answer' }
          })
        }, CALL_TIMEOUT_MS)
        // The gateway answers a message over its limits without the call id (it cannot read it),
        // so the same guard runs here and such a call fails at once with the same error.
        const text = JSON.stringify({ kind: 'call', id, command })
        const refused = guardInput(text, 'json-text')
        if (refused) {
          clearTimeout(timer)
          resolve(refused)
          return
        }
        pending.set(id, { resolve, timer })
        if (!sendText(text)) {
          clearTimeout(timer)
          pending.delete(id)
          resolve({
            ok: false,
            error: { code: ErrorCode.Closed, message: 'not connected to Flowlab; reconnecting…' }
          })
        }
      })
      return unwrapReply<T>(command, result)
    },

    connect(handlers) {
      let stopped = false
      let delay = RECONNECT_MIN_MS
      let retry: ReturnType<typeof setTimeout> | null = null
      let everOpened = false

      const open = (): void => {
        handlers.onPresence(everOpened ? 'reconnecting' : 'connecting')
        const ws = new WebSocket(url)
        socket = ws
        ws.onopen = () => {
          everOpened = true
          delay = RECONNECT_MIN_MS
          handlers.onPresence('live')
        }
        ws.onmessage = (event: MessageEvent<string>) => {
          const message = JSON.parse(event.data) as ServerMessage
          if (message.kind === 'frame') handlers.onFrame(message.frame as Frame)
          else if (message.kind === 'result') {
            const entry = pending.get(message.id)
            if (!entry) return
            clearTimeout(entry.timer)
            pending.delete(message.id)
            entry.resolve(message.result)
          }
        }
        ws.onclose = () => {
          socket = null
          failAll('the connection to Flowlab closed')
          if (stopped) return
          const presence: Presence = everOpened ? 'reconnecting' : 'error'
          handlers.onPresence(
            presence,
            everOpened
              ? undefined
              : 'Cannot reach the Flowlab console. Is `flowlab console` still running, and did you open the URL it printed (with ?token=…)?'
          )
          retry = setTimeout(open, delay)
          delay = Math.min(delay * 2, RECONNECT_MAX_MS)
        }
      }
      open()
      return () => {
        stopped = true
        if (retry) clearTimeout(retry)
        socket?.close()
      }
    },

    ack: (seq) => void send({ kind: 'ack', seq })
  }
}
