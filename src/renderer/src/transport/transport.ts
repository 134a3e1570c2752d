import type { CommandInput, Frame, Presence } from '@shared/contract'

/**
 * How the renderer reaches the engine. Two implementations (IPC in the desktop window, WebSocket in
 * the browser console); nothing above this folder knows which one is in use.
 */
export interface Transport {
  /** Runs a command; resolves to its value or throws an EngineError carrying the code. */
  call<T = unknown>(command: CommandInput): Promise<T>
  /** Starts frames and presence updates; returns the function that stops them. */
  connect(handlers: {
    onFrame(frame: Frame): void
    onPresence(presence: Presence, detail?: string): void
  }): () => void
  /** Acknowledges a rendered frame so the next may come. */
  ack(seq: number): void
}
