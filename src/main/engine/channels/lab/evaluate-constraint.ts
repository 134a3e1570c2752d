import type {
  ChannelsCommandOf,
  ChannelsEvaluateResult,
  EvaluationResultJson,
  JsonValue
} from '@shared/contract/labs/channels'
import { compileConstraint, ConstraintSyntaxError, ConstraintTypeError } from '../etcl'
import type { ChannelEvent } from '../event'
import { channelEventFromJson } from '../event-json'
import { eventTypeOf, eventTypesMatch } from '../filter'

/** The live filter editor: syntax/type errors with their column, else a verdict per sample. */
export function evaluateConstraint(
  command: ChannelsCommandOf<'channels:evaluate'>
): ChannelsEvaluateResult {
  let compiled
  try {
    compiled = compileConstraint(command.constraint)
  } catch (err) {
    if (err instanceof ConstraintSyntaxError) {
      return {
        ok: false,
        error: {
          kind: 'syntax',
          column: err.column,
          expected: err.expected,
          found: err.found,
          message: err.detail
        }
      }
    }
    if (err instanceof ConstraintTypeError) {
      return {
        ok: false,
        error: {
          kind: 'type',
          column: err.column,
          expected: null,
          found: null,
          message: err.detail
        }
      }
    }
    throw err
  }
  const results: EvaluationResultJson[] = command.events.map((json) => {
    let event: ChannelEvent
    try {
      event = channelEventFromJson(json as JsonValue)
    } catch (err) {
      return { invalid: (err as Error).message, typeMatched: false, matched: false }
    }
    if (!eventTypesMatch(command.eventTypes, eventTypeOf(event))) {
      return { typeMatched: false, matched: false }
    }
    const outcome = compiled.evaluate(event)
    return outcome.failure
      ? { typeMatched: true, matched: outcome.matched, failure: outcome.failure }
      : { typeMatched: true, matched: outcome.matched }
  })
  return { ok: true, canonical: compiled.canonical, results }
}
