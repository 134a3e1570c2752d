import type { EventChannelListener } from './channel-events'
import { TypedEmitter } from './typed-emitter'

/**
 * The typed emitter of one channel. A listener that throws is reported through `error`, unless
 * an `error` listener is what threw (that would recurse forever).
 */
export function createChannelEmitter(): TypedEmitter<EventChannelListener> {
  let reporting = false
  const emitter: TypedEmitter<EventChannelListener> = new TypedEmitter<EventChannelListener>(
    (err) => {
      if (reporting) return
      reporting = true
      try {
        emitter.emit('error', asError(err))
      } finally {
        reporting = false
      }
    }
  )
  return emitter
}

/** Anything thrown, as an Error. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}
