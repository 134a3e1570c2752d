import type { ChannelEvent } from '../event'
import type { ConstraintAst } from './ast'
import { evaluateConstraint, type EvaluationOptions, type EvaluationOutcome } from './evaluator'
import { parseConstraint } from './parser'
import { printConstraint } from './printer'
import { checkConstraint } from './type-checker'

/**
 * A constraint expression that has passed the syntax and static type checks, ready to be matched
 * against many events. Immutable.
 */
export class CompiledConstraint {
  /** The text as given. */
  readonly source: string
  /** The syntax tree; null for the empty constraint (TRUE). */
  readonly ast: ConstraintAst

  /**
   * @param source - ETCL constraint text
   * @throws ConstraintSyntaxError or ConstraintTypeError, each with a 1-based column
   */
  constructor(source: string) {
    const ast = parseConstraint(source)
    checkConstraint(ast)
    this.source = source
    this.ast = ast
  }

  /** The canonical text (see printConstraint). */
  get canonical(): string {
    return printConstraint(this.ast)
  }

  /**
   * @param event - the event to test
   * @param options - clock for `$curtime`
   * @returns whether the expression is TRUE for the event, and why not when evaluation failed
   */
  evaluate(event: ChannelEvent, options?: EvaluationOptions): EvaluationOutcome {
    return evaluateConstraint(this.ast, event, options)
  }

  /** @returns true only when the expression evaluates to TRUE; never throws. */
  matches(event: ChannelEvent, options?: EvaluationOptions): boolean {
    return this.evaluate(event, options).matched
  }
}

/**
 * Parses and statically checks a constraint.
 *
 * @throws ConstraintSyntaxError or ConstraintTypeError
 */
export function compileConstraint(source: string): CompiledConstraint {
  return new CompiledConstraint(source)
}
