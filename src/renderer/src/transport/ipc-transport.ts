import { EngineError, type CommandInput, type FlowlabApi } from '@shared/contract'
import type { Transport } from './transport'

/** The desktop door: `window.flowlab` from the preload. */
export function ipcTransport(api: FlowlabApi): Transport {
  return {
    async call<T>(command: CommandInput): Promise<T> {
      const result = await api.call(command)
      if (!result.ok) throw new EngineError(result.error)
      return result.value as T
    },
    connect(handlers) {
      handlers.onPresence('live')
      return api.subscribe(handlers.onFrame)
    },
    ack: (seq) => api.ack(seq)
  }
}
