import type { ComponentNode, ComponentStep, ConstraintAst, Expr, IdentNode } from './ast'
import { KEYWORDS, RESERVED_WORDS } from './ast'

/** Binding strength per node type, tightest highest (digest §4.5.3). */
function precedence(e: Expr): number {
  switch (e.type) {
    case 'or':
      return 1
    case 'and':
      return 2
    case 'compare':
      return 3
    case 'in':
      return 4
    case 'twiddle':
      return 5
    case 'arith':
      return e.op === '+' || e.op === '-' ? 6 : 7
    case 'not':
      return 8
    default:
      return 9
  }
}

/**
 * Prints a constraint in canonical form: single spaces around binary operators, and exactly the
 * parentheses the grammar needs (left-associative levels bracket a right operand of equal
 * strength, non-associative levels bracket both, `not` brackets anything but a factor).
 * Parsing the output gives back the same tree.
 *
 * @param ast - a parsed constraint; null prints as the empty string
 */
export function printConstraint(ast: ConstraintAst): string {
  return ast === null ? '' : print(ast)
}

function print(e: Expr): string {
  switch (e.type) {
    case 'or':
    case 'and':
      return binary(e, e.type, e.left, e.right, false)
    case 'arith':
      return binary(e, e.op, e.left, e.right, false)
    case 'compare':
      return binary(e, e.op, e.left, e.right, true)
    case 'twiddle':
      return binary(e, '~', e.left, e.right, true)
    case 'in':
      return binary(e, 'in', e.left, e.right, true)
    case 'not':
      return `not ${wrap(e.operand, precedence(e.operand) < 9)}`
    case 'exist':
      return `exist ${print(e.target)}`
    case 'default':
      return `default ${print(e.target)}`
    case 'component':
      return component(e)
    case 'ident':
      return identifier(e.name)
    case 'int':
      return e.value.toString()
    case 'float':
      return float(e.value)
    case 'string':
      return quote(e.value)
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE'
  }
}

function binary(e: Expr, op: string, left: Expr, right: Expr, nonAssociative: boolean): string {
  const p = precedence(e)
  const l = wrap(left, nonAssociative ? precedence(left) <= p : precedence(left) < p)
  const r = wrap(right, precedence(right) <= p)
  return `${l} ${op} ${r}`
}

function wrap(e: Expr, parenthesise: boolean): string {
  return parenthesise ? `(${print(e)})` : print(e)
}

/** Floats keep a point or exponent so they read back as floats; -0 keeps its sign. */
function float(value: number): string {
  if (Object.is(value, -0)) return '-0.0'
  const text = String(value)
  return /[.e]/.test(text) ? text : `${text}.0`
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** Words the lexer would not read as identifiers get the backslash escape (§4.5.1). */
function identifier(name: string): string {
  const reserved =
    KEYWORDS.has(name) || RESERVED_WORDS.has(name) || name === 'TRUE' || name === 'FALSE'
  return reserved ? `\\${name}` : name
}

function component(c: ComponentNode | IdentNode): string {
  if (c.type === 'ident') return identifier(c.name)
  const head = c.variable === null ? '$' : `$${identifier(c.variable)}`
  return head + c.steps.map(stepText).join('')
}

function stepText(s: ComponentStep): string {
  switch (s.kind) {
    case 'member':
      return `.${identifier(s.name)}`
    case 'position':
      return `.${s.index}`
    case 'index':
      return `[${s.index}]`
    case 'property':
      return `(${identifier(s.name)})`
    case 'unionArm':
      return `.(${s.label === null ? '' : typeof s.label === 'string' ? quote(s.label) : s.label.toString()})`
    case 'special':
      return `.${s.name}`
  }
}
