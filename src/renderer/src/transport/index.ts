import { ipcTransport } from './ipc-transport'
import type { Transport } from './transport'
import { wsTransport } from './ws-transport'

export type { Transport } from './transport'

/** Picks the door this page is in: the preload's bridge if present, else the WebSocket. */
export function pickTransport(): Transport {
  return window.flowlab ? ipcTransport(window.flowlab) : wsTransport(window.location)
}
