/**
 * One table of error codes for everything that crosses a door (IPC or WebSocket). A `user` error
 * is something the person can fix (bad input, Redis not installed); an `app` error is a bug.
 */
export const ErrorCode = {
  /** The command failed validation; `field` names the offending path. Nothing changed. */
  InvalidCommand: 'invalid_command',
  /** The message on the wire was not a JSON object of the expected shape. */
  InvalidMessage: 'invalid_message',
  /**
   * The input crossed a door's size or nesting limit (limits.ts) and was refused before parsing;
   * `details.limit` names the limit (`INPUT_MAX_BYTES`, `INPUT_MAX_DEPTH`). Nothing changed.
   */
  LimitExceeded: 'limit_exceeded',
  /** The command needs the managed Redis, but Flowlab is using REDIS_URL. */
  RedisNotManaged: 'redis_not_managed',
  /** redis-server could not be found on this machine. */
  RedisMissing: 'redis_missing',
  /** Redis is not reachable right now. */
  RedisUnavailable: 'redis_unavailable',
  /** The command is valid but not allowed in the current state. */
  InvalidState: 'invalid_state',
  /** The engine is shutting down. */
  Closed: 'closed',
  /** An unexpected failure inside the engine (a bug). */
  Internal: 'internal'
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** The error half of every call's result envelope. Plain JSON. */
export interface ErrorInfo {
  /** Stable code from {@link ErrorCode}. */
  code: ErrorCode
  /** Safe to show to the user; says what to do next where there is something to do. */
  message: string
  /** For invalid commands: the dotted path of the first offending field (e.g. `enabled`). */
  field?: string
  /** Every validation issue, for the log and for forms. */
  issues?: { field: string; message: string }[]
  /**
   * Domain detail that a caller may branch on, plain JSON. The Channels lab puts the CORBA
   * exception or constraint error here as `notifyCode` (e.g. `AlreadyConnected`, `UnsupportedQoS`,
   * `InvalidConstraint`), with `column` for a constraint syntax error.
   */
  details?: ErrorDetails
}

/** Extra, machine-readable facts about an error; values are JSON scalars. */
export type ErrorDetails = Record<string, string | number | boolean | null>

/** Every call resolves to this envelope; the transports never reject with a bare error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

/** Thrown by the renderer's transport when a call answers `ok: false`. */
export class EngineError extends Error {
  readonly code: ErrorCode
  readonly field: string | undefined
  readonly details: ErrorDetails | undefined

  constructor(info: ErrorInfo) {
    super(info.message)
    this.name = 'EngineError'
    this.code = info.code
    this.field = info.field
    this.details = info.details
  }
}

/** An error the engine raises on purpose; converted to {@link ErrorInfo} at the door. */
export class CommandError extends Error {
  readonly code: ErrorCode
  /** Copied to {@link ErrorInfo.details} at the door. */
  readonly details: ErrorDetails | undefined

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message)
    this.name = 'CommandError'
    this.code = code
    this.details = details
  }
}
