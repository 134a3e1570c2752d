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
