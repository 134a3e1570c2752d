/**
 * A constraint that parses but is statically ill-typed, e.g. `5 + 'al'` (digest §4.5.6: an
 * operation whose operands are all literals must be well-typed). Filters turn it into
 * `InvalidConstraint`.
 */
export class ConstraintTypeError extends Error {
  /** Stable error code for envelopes and the CLI. */
  readonly code = 'ConstraintType'
  /** 1-based column of the operator (or literal) that is ill-typed. */
  readonly column: number
  /** What is wrong, without the column prefix. */
  readonly detail: string

  /**
   * @param column - 1-based column of the offending operator or literal
   * @param detail - what is wrong, without the column prefix
   */
  constructor(column: number, detail: string) {
    super(`column ${column}: ${detail}`)
    this.name = 'ConstraintTypeError'
    this.detail = detail
    this.column = column
  }
}
