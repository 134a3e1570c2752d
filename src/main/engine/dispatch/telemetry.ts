/**
 * Worker → engine telemetry: batched, never one message per delivery. Managed workers send it over
 * their fork IPC channel; a worker started by hand (`flowlab worker --telemetry …`) over a ZeroMQ
 * PUSH socket to the engine's PULL. Same JSON either way. Only relative imports (worker loads it).
 */

/** What happened to one delivery. */
export const Outcome = {
  Executed: 0,
  Duplicate: 1,
  Failed: 2,
  CrashBeforeWork: 3,
  /** Effect applied, mark not set (exactly-once-naive's window). */
  CrashAfterWork: 4,
  CrashAfterMark: 5,
  CrashBeforeReply: 6
} as const
export type Outcome = (typeof Outcome)[keyof typeof Outcome]

/** Numbers per delivery record in `TelemetryBatch.records`. */
export const RECORD_FIELDS = 6
/** Offsets inside one record. */
export const Rec = { Epoch: 0, Attempt: 1, Start: 2, End: 3, Outcome: 4, Executed: 5 } as const

/** Flush at least this often while there is something to say (state changes, records). */
export const TELEMETRY_FLUSH_MS = 50
/** Flush early when this many records are buffered (bounds the batch size). */
export const TELEMETRY_BATCH_MAX_RECORDS = 512

export interface TelemetryBatch {
  t: 'batch'
  /** Worker id. */
  id: string
  pid: number
  /** `idle` or `working` (paused/crashed are known to the engine, not the worker). */
  state: 'idle' | 'working'
  /** Epoch being worked on, or null. */
  epoch: number | null
  /** Flattened records, RECORD_FIELDS numbers each (see Rec). Times are ms, fractional. */
  records: number[]
  /** Requests this worker rejected as malformed, since the previous batch. */
  rejected: number
}

export interface TelemetryReady {
  t: 'ready'
  id: string
  pid: number
}

export type TelemetryMessage = TelemetryBatch | TelemetryReady

/** Engine → managed worker, over the fork IPC channel. */
export type WorkerControl =
  { t: 'config'; workMs?: number; crashAt?: string | null; crashEvery?: number } | { t: 'stop' }

/** Validates a telemetry message from an untrusted peer; null when malformed. */
export function parseTelemetry(value: unknown): TelemetryMessage | null {
  if (typeof value !== 'object' || value === null) return null
  const m = value as Record<string, unknown>
  if (typeof m.id !== 'string' || m.id.length === 0 || m.id.length > 128) return null
  if (typeof m.pid !== 'number') return null
  if (m.t === 'ready') return { t: 'ready', id: m.id, pid: m.pid }
  if (m.t !== 'batch') return null
  if (!Array.isArray(m.records) || m.records.length % RECORD_FIELDS !== 0) return null
  if (m.records.length > TELEMETRY_BATCH_MAX_RECORDS * RECORD_FIELDS * 4) return null
  for (const n of m.records) if (typeof n !== 'number') return null
  return {
    t: 'batch',
    id: m.id,
    pid: m.pid,
    state: m.state === 'working' ? 'working' : 'idle',
    epoch: typeof m.epoch === 'number' ? m.epoch : null,
    records: m.records as number[],
    rejected: typeof m.rejected === 'number' ? m.rejected : 0
  }
}

/** Monotonic wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now()
}
