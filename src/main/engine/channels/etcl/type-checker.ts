import type { ConstraintAst, Expr, LiteralNode } from './ast'
import { ConstraintTypeError } from './constraint-type-error'

type StaticType = 'number' | 'string' | 'boolean'

function literalType(e: Expr): StaticType | undefined {
  switch (e.type) {
    case 'int':
    case 'float':
      return 'number'
    case 'string':
      return 'string'
    case 'bool':
      return 'boolean'
    default:
      return undefined
  }
}

function isLiteral(e: Expr): e is LiteralNode {
  return literalType(e) !== undefined
}

/**
 * Static checks done when a constraint is added (digest §4.5.6, as JacORB does): an operation
 * whose operands are all literals must be well-typed (`5 + 'al'`, `5 ~ 'a'`, `'a' and 'b'`,
 * `TRUE + 'a'`, `not 5`, `1 == '1'`), and the constraint as a whole must be able to yield a
 * boolean (a bare number, string or arithmetic expression never can).
 *
 * Operations that involve a component or an identifier are left to match time: components are
 * dynamically typed. The check looks only at direct literal operands, so `TRUE or (1/0)` stays
 * valid and is TRUE by short-circuit, as §4.5.5 requires.
 *
 * @throws ConstraintTypeError at the column of the offending operator
 */
export function checkConstraint(ast: ConstraintAst): void {
  if (ast === null) return
  // Operand errors first: they name the real mistake in `5 + 'al'`.
  check(ast)
  if (ast.type === 'arith' || (isLiteral(ast) && ast.type !== 'bool')) {
    throw new ConstraintTypeError(
      ast.column,
      `a constraint must be a boolean expression, not a ${ast.type === 'arith' ? 'number' : literalType(ast)}`
    )
  }
}

function mismatch(column: number, op: string, left: StaticType, right?: StaticType): never {
  const operands = right === undefined ? `a ${left}` : `${left} and ${right}`
  throw new ConstraintTypeError(column, `'${op}' cannot be applied to ${operands}`)
}

function check(e: Expr): void {
  switch (e.type) {
    case 'and':
    case 'or':
    case 'compare':
    case 'twiddle':
    case 'arith': {
      check(e.left)
      check(e.right)
      const [l, r] = [literalType(e.left), literalType(e.right)]
      if (l === undefined || r === undefined) return
      const op =
        e.type === 'compare' || e.type === 'arith' ? e.op : e.type === 'twiddle' ? '~' : e.type
      const wanted: StaticType | undefined =
        e.type === 'arith'
          ? 'number'
          : e.type === 'twiddle'
            ? 'string'
            : e.type === 'compare'
              ? undefined
              : 'boolean'
      // Comparisons need two operands of the same kind; the others a fixed kind on both sides.
      if (wanted === undefined ? l !== r : l !== wanted || r !== wanted)
        mismatch(e.column, op, l, r)
      return
    }
    case 'not': {
      check(e.operand)
      const t = literalType(e.operand)
      if (t !== undefined && t !== 'boolean') mismatch(e.column, 'not', t)
      return
    }
    case 'in':
      check(e.left)
      return
    default:
      return
  }
}
