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
  /** The message without the column prefix (`expected … but found …`), for callers that show the column apart. */
  readonly detail: string

  /**
   * @param column - 1-based column of the offending token
   * @param expected - what the grammar allowed there
   * @param found - the token found instead, already quoted where it is source text
   */
  constructor(column: number, expected: string, found: string) {
    const detail = `expected ${expected} but found ${found}`
    super(`column ${column}: ${detail}`)
    this.name = 'ConstraintSyntaxError'
    this.detail = detail
    this.column = column
    this.expected = expected
    this.found = found
  }
}
