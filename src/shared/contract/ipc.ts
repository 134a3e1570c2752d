import type { Result } from './errors'
import type { Frame } from './snapshot'

/**
 * The desktop door's IPC channel names and the API the preload exposes. Kept free of zod so the
 * sandboxed preload bundles to a few lines.
 */
export const IpcChannel = {
  Call: 'flowlab:call',
  Frame: 'flowlab:frame',
  Ack: 'flowlab:ack',
  Subscribe: 'flowlab:subscribe',
  Unsubscribe: 'flowlab:unsubscribe'
} as const

/** The API the preload exposes as `window.flowlab`, and the WebSocket transport mirrors. */
export interface FlowlabApi {
  /** Sends one command; resolves to its result envelope (never rejects for engine errors). */
  call(command: unknown): Promise<Result<unknown>>
  /** Receives frames; returns the function that stops them. Call `ack(seq)` after rendering. */
  subscribe(listener: (frame: Frame) => void): () => void
  /** Tells the engine the frame `seq` was rendered, so the next one may be sent. */
  ack(seq: number): void
}
