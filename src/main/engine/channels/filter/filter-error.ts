import type { JsonValue } from '../event'
import type { ConstraintExp } from './constraint-exp'

/**
 * Stable codes of the CosNotifyFilter exceptions this module raises (digest §2.11), plus
 * `ObjectNotExist` for use of a destroyed filter (CORBA OBJECT_NOT_EXIST).
 */
export const FilterErrorCode = {
  InvalidGrammar: 'InvalidGrammar',
  InvalidConstraint: 'InvalidConstraint',
  ConstraintNotFound: 'ConstraintNotFound',
  InvalidValue: 'InvalidValue',
  CallbackNotFound: 'CallbackNotFound',
  ObjectNotExist: 'ObjectNotExist'
} as const

/** One of FilterErrorCode's values. */
export type FilterErrorCode = (typeof FilterErrorCode)[keyof typeof FilterErrorCode]

/** The exception's members, as the IDL declares them for each code. */
export interface FilterErrorDetails {
  /** InvalidConstraint, InvalidValue: the offending constraint expression. */
  constraint?: ConstraintExp
  /** ConstraintNotFound, CallbackNotFound: the unknown id. */
  id?: number
  /** InvalidValue: the value that is not of the filter's value type. */
  value?: JsonValue
  /** InvalidGrammar: the grammar asked for. */
  grammar?: string
  /** InvalidConstraint: the ConstraintSyntaxError or ConstraintTypeError behind it. */
  cause?: Error
}

/** A CosNotifyFilter exception: `code` says which, the details carry its IDL members. */
export class FilterError extends Error {
  /** Which exception; stable across releases, safe to switch on. */
  readonly code: FilterErrorCode
  /** The exception's members. */
  readonly details: FilterErrorDetails

  /**
   * @param code - which CosNotifyFilter exception
   * @param message - safe to show to the user
   * @param details - the IDL members of the exception
   */
  constructor(code: FilterErrorCode, message: string, details: FilterErrorDetails = {}) {
    super(message, details.cause ? { cause: details.cause } : undefined)
    this.name = 'FilterError'
    this.code = code
    this.details = details
  }
}
