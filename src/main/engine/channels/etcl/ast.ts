/**
 * The ETCL syntax tree (digest §4.5.2). Every node carries the 1-based `column` of the token that
 * names it (the operator for operations, `$` for components) so static type errors and evaluation
 * failures can point into the constraint text. Parentheses leave no node: the printer puts back
 * exactly the ones the precedence rules need.
 */

/** Relational operators; comparisons are non-associative. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>='

/** Arithmetic operators; `+ -` and `* /` are left-associative levels. */
export type ArithOp = '+' | '-' | '*' | '/'

/** Component special names; each ends a path. */
export type SpecialName = '_length' | '_d' | '_type_id' | '_repos_id'

/** One step of a `$` path, applied left to right. */
export type ComponentStep =
  /** `.name`: struct member, or union arm by member name. */
  | { kind: 'member'; name: string }
  /** `.3`: struct member by 0-based position. */
  | { kind: 'position'; index: number }
  /** `[2]`: 0-based element of a sequence or array. */
  | { kind: 'index'; index: number }
  /** `(name)`: first property called `name` in a PropertySeq. */
  | { kind: 'property'; name: string }
  /** `.(2)`, `.('x')`: union arm by case label; `.()` (label null) is the default arm. */
  | { kind: 'unionArm'; label: bigint | string | null }
  /** `._length`, `._d`, `._type_id`, `._repos_id`. */
  | { kind: 'special'; name: SpecialName }

/** `$…`: a path into the event. */
export interface ComponentNode {
  type: 'component'
  /** The identifier directly after `$` (run-time variable or shorthand), or null for `$`, `$.x`. */
  variable: string | null
  steps: ComponentStep[]
  /** Column of the `$`. */
  column: number
}

/** A bare identifier: an enum label or a filterable_data property name (§4.5.4). */
export interface IdentNode {
  type: 'ident'
  name: string
  column: number
}

/** `and` / `or`, short-circuit, left to right. */
export interface LogicalNode {
  type: 'and' | 'or'
  left: Expr
  right: Expr
  column: number
}

/** `not Factor`. */
export interface NotNode {
  type: 'not'
  operand: Expr
  column: number
}

/** `a == b` and friends. */
export interface CompareNode {
  type: 'compare'
  op: CompareOp
  left: Expr
  right: Expr
  column: number
}

/** `a in C`: C is a component or an identifier, never an arbitrary expression. */
export interface InNode {
  type: 'in'
  left: Expr
  right: ComponentNode | IdentNode
  column: number
}

/** `a ~ b`: substring test. */
export interface TwiddleNode {
  type: 'twiddle'
  left: Expr
  right: Expr
  column: number
}

/** `a + b`, `a - b`, `a * b`, `a / b`. */
export interface ArithNode {
  type: 'arith'
  op: ArithOp
  left: Expr
  right: Expr
  column: number
}

/** `exist $c` / `exist ident`. */
export interface ExistNode {
  type: 'exist'
  target: ComponentNode | IdentNode
  column: number
}

/** `default $c`: is the default arm of union `c` the active one. */
export interface DefaultNode {
  type: 'default'
  target: ComponentNode
  column: number
}

/** Integer literal; a sign directly before it is folded into `value`. */
export interface IntNode {
  type: 'int'
  value: bigint
  column: number
}

/** Floating literal (`1.0`, `.5`, `10e+2`); floating even when integral. */
export interface FloatNode {
  type: 'float'
  value: number
  column: number
}

/** Single-quoted string literal, escapes already resolved. */
export interface StringNode {
  type: 'string'
  value: string
  column: number
}

/** `TRUE` / `FALSE`. */
export interface BoolNode {
  type: 'bool'
  value: boolean
  column: number
}

/** Literal nodes: the only operands the static type checker can judge. */
export type LiteralNode = IntNode | FloatNode | StringNode | BoolNode

/** Any ETCL expression. */
export type Expr =
  | LogicalNode
  | NotNode
  | CompareNode
  | InNode
  | TwiddleNode
  | ArithNode
  | ExistNode
  | DefaultNode
  | ComponentNode
  | IdentNode
  | LiteralNode

/** A parsed constraint: null for the empty (or blank) constraint, which is TRUE. */
export type ConstraintAst = Expr | null

/** Lower-case keywords; usable as identifiers only with a leading backslash (`\and`). */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'exist', 'default'])

/** Trader preference words, rejected as bare words in filters (digest §4.5.1 [rec]). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'min',
  'max',
  'with',
  'first',
  'random'
])

/** Component special names, in grammar order. */
export const SPECIAL_NAMES: readonly SpecialName[] = ['_length', '_d', '_type_id', '_repos_id']
