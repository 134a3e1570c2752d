import { CommandError, ErrorCode, type ErrorDetails } from '@shared/contract'
import { ConstraintSyntaxError, ConstraintTypeError } from '../etcl'
import { FilterError } from '../filter'
import { NotifyError, NotifyErrorCode } from '../model'

const INVALID_COMMAND_CODES = new Set<string>([
  NotifyErrorCode.UNSUPPORTED_QOS,
  NotifyErrorCode.UNSUPPORTED_ADMIN,
  NotifyErrorCode.BAD_PARAM,
  NotifyErrorCode.INVALID_EVENT_TYPE,
  NotifyErrorCode.TYPE_ERROR
])

/** What a CORBA exception means for the person who caused it, by code. */
const NOTIFY_ERROR_TEXT: Partial<Record<string, string>> = {
  [NotifyErrorCode.CHANNEL_NOT_FOUND]: 'no such channel (it may have been destroyed)',
  [NotifyErrorCode.ADMIN_NOT_FOUND]: 'no such admin',
  [NotifyErrorCode.PROXY_NOT_FOUND]: 'no such proxy (it may have been disconnected)',
  [NotifyErrorCode.ALREADY_CONNECTED]: 'the proxy already has a client; obtain a new proxy',
  [NotifyErrorCode.DISCONNECTED]: 'the proxy is not connected',
  [NotifyErrorCode.NOT_CONNECTED]: 'no client is connected to this proxy',
  [NotifyErrorCode.CONNECTION_ALREADY_ACTIVE]: 'the connection is not suspended',
  [NotifyErrorCode.CONNECTION_ALREADY_INACTIVE]: 'the connection is already suspended',
  [NotifyErrorCode.OBJECT_NOT_EXIST]: 'the object was destroyed',
  [NotifyErrorCode.IMP_LIMIT]: 'the channel is full and RejectNewEvents is TRUE',
  [NotifyErrorCode.FILTER_NOT_FOUND]: 'no such filter'
}

/**
 * Maps model and filter exceptions to CommandError (user errors); anything else passes as is.
 * The CORBA exception or constraint error code also travels as `details.notifyCode` (and a
 * constraint error's `column`), so a caller can branch on it without parsing the message.
 */
export function toCommandError(err: unknown): unknown {
  if (err instanceof CommandError) return err
  if (err instanceof NotifyError) {
    const code = INVALID_COMMAND_CODES.has(err.code)
      ? ErrorCode.InvalidCommand
      : ErrorCode.InvalidState
    let reason = err.message === err.code ? (NOTIFY_ERROR_TEXT[err.code] ?? err.code) : err.message
    if (err.code === NotifyErrorCode.ADMIN_LIMIT_EXCEEDED && err.details.adminLimit) {
      reason = `${err.details.adminLimit.name} is ${String(err.details.adminLimit.value)}; no more proxies on this side`
    }
    return new CommandError(code, `${err.code}: ${reason}`, { notifyCode: err.code })
  }
  if (err instanceof FilterError) {
    const cause = err.details.cause
    const column =
      cause instanceof ConstraintSyntaxError || cause instanceof ConstraintTypeError
        ? cause.column
        : null
    const details: ErrorDetails = { notifyCode: err.code }
    if (column !== null) details.column = column
    // The cause's message starts with its own `column N:`; say the column once, at the end.
    const text =
      (cause instanceof ConstraintSyntaxError || cause instanceof ConstraintTypeError) &&
      err.details.constraint
        ? `invalid constraint '${err.details.constraint.constraint_expr}': ${cause.detail}`
        : err.message
    return new CommandError(
      ErrorCode.InvalidCommand,
      `${err.code}: ${text}${column === null ? '' : ` (column ${column})`}`,
      details
    )
  }
  return err
}
