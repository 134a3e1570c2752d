import { createContext, useContext, useEffect, type ReactNode } from 'react'
import { useConsole } from './store'
import type { Transport } from './transport'

const TransportContext = createContext<Transport | null>(null)

/** Provides the transport and feeds its frames into the store, acking each once painted. */
export function TransportProvider(props: { transport: Transport; children: ReactNode }): ReactNode {
  const { transport } = props
  useEffect(() => {
    const { applyFrame, setPresence } = useConsole.getState()
    return transport.connect({
      onFrame: (frame) => {
        applyFrame(frame)
        // Ack after the browser has painted this frame: the engine sends the next one only then,
        // so a busy or hidden page coalesces frames instead of queueing them.
        requestAnimationFrame(() => setTimeout(() => transport.ack(frame.seq), 0))
      },
      onPresence: setPresence
    })
  }, [transport])
  return <TransportContext.Provider value={transport}>{props.children}</TransportContext.Provider>
}

export function useTransport(): Transport {
  const transport = useContext(TransportContext)
  if (!transport) throw new Error('useTransport outside TransportProvider')
  return transport
}
