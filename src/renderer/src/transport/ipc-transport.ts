import type { CommandInput, FlowlabApi } from '@shared/contract'
import { unwrapReply } from './reply'
import type { Transport } from './transport'

/** The desktop door: `window.flowlab` from the preload. */
export function ipcTransport(api: FlowlabApi): Transport {
  return {
    async call<T>(command: CommandInput): Promise<T> {
      return unwrapReply<T>(command, await api.call(command))
    },
    connect(handlers) {
      handlers.onPresence('live')
      return api.subscribe(handlers.onFrame)
    },
    ack: (seq) => api.ack(seq)
  }
}
