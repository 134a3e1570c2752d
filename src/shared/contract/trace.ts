/**
 * Trace events: the engine's log of what happened, in order. Each lab adds its own `source` and
 * `type`s; every event is plain JSON and small (bounded message and data).
 */
import type { LabId } from './labs'

/** The engine's own trace sources; each lab's events carry its lab id as source. */
export const TraceSource = {
  Engine: 'engine',
  Redis: 'redis',
  Command: 'command',
  Gateway: 'gateway'
} as const
export type TraceSource = (typeof TraceSource)[keyof typeof TraceSource] | LabId

export type TraceLevel = 'info' | 'warn' | 'error'

/**
 * Bounds of one trace event, enforced by the engine's trace log when the event is recorded: longer
 * strings are cut with a visible `…[truncated N bytes]` marker, extra data fields are dropped (and
 * counted in a `truncatedFields` field). A caller's text often ends up in an event (a rejected
 * command's type), so no event can grow with what a client sends.
 */
/** Longest `message`, in bytes of UTF-8. */
export const TRACE_MESSAGE_MAX_BYTES = 2 * 1024
/** Longest `type`, data key or data string value, in bytes of UTF-8. */
export const TRACE_STRING_MAX_BYTES = 256
/** Most fields in `data`. */
export const TRACE_DATA_MAX_FIELDS = 32

/** Primitive values only, so an event's size stays bounded and it serialises the same everywhere. */
export type TraceData = Record<string, string | number | boolean | null>

export interface TraceEvent {
  /** Engine-wide sequence number, strictly increasing from 1; a gap means events were dropped. */
  id: number
  /** Wall-clock time in ms since the Unix epoch. */
  at: number
  /** Which part of the engine emitted it. */
  source: TraceSource
  /** Machine-readable kind within the source, e.g. `started`, `killed`, `rejected`. */
  type: string
  level: TraceLevel
  /** One line for people. */
  message: string
  /** Optional structured detail (epoch, worker, pid …). */
  data?: TraceData
}
