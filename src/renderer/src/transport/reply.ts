import {
  EngineError,
  ErrorCode,
  parseReply,
  type CommandInput,
  type Result
} from '@shared/contract'

/**
 * Turns a call's envelope into its value for the code above the transport: a failure becomes a
 * thrown EngineError carrying the code, and a value is checked against the contract's reply
 * schema for the command (as the doors check commands), so a malformed reply surfaces as an
 * `invalid_message` error instead of being rendered as data.
 */
export function unwrapReply<T>(command: CommandInput, result: Result<unknown>): T {
  if (!result.ok) throw new EngineError(result.error)
  const checked = parseReply(command.type, result.value)
  if (!checked.ok) {
    throw new EngineError({ code: ErrorCode.InvalidMessage, message: checked.error.message })
  }
  return checked.value as T
}
