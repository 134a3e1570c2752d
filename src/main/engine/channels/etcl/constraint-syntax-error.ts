/**
 * A constraint that does not follow the ETCL grammar (digest §4.5.1–4.5.2). Filters turn it into
 * `InvalidConstraint`; the CLI prints it with its column.
 */
export class ConstraintSyntaxError extends Error {
  /** Stable error code for envelopes and the CLI. */
  readonly code = 'ConstraintSyntax'
  /** 1-based column (UTF-16 code unit) of the offending token in the constraint text. */
  readonly column: number
  /** What the grammar allowed at that point, e.g. `')'` or `an expression`. */
  readonly expected: string
  /** What was there instead, e.g. `'and'` or `end of input`. */
  readonly found: string

  /**
   * @param column - 1-based column of the offending token
   * @param expected - what the grammar allowed there
   * @param found - the token found instead, already quoted where it is source text
   */
  constructor(column: number, expected: string, found: string) {
    super(`column ${column}: expected ${expected} but found ${found}`)
    this.name = 'ConstraintSyntaxError'
    this.column = column
    this.expected = expected
    this.found = found
  }
}
