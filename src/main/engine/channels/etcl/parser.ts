import type {
  ArithOp,
  CompareOp,
  ComponentNode,
  ComponentStep,
  ConstraintAst,
  Expr,
  IdentNode,
  SpecialName
} from './ast'
import { SPECIAL_NAMES } from './ast'
import { ConstraintSyntaxError } from './constraint-syntax-error'
import { describeToken, Lexer, MAX_INT_LITERAL, type Token } from './lexer'

/**
 * Deepest parenthesis nesting accepted. Each level costs about ten stack frames of recursive
 * descent; 200 levels stays far below V8's default stack while no hand-written filter gets near.
 */
export const MAX_PAREN_DEPTH = 200

/**
 * Deepest syntax tree accepted. The checker, evaluator and printer recurse over the tree, so a
 * 50 000-term `1+1+…` chain would overflow their stacks; 1 000 levels is generous for humans.
 */
export const MAX_TREE_DEPTH = 1_000

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>='])
const MIN_SIGNED_LITERAL = -(2n ** 63n)

/**
 * Parses an ETCL constraint (digest §4.5.2) by recursive descent, one function per precedence
 * level of §4.5.3.
 *
 * @param source - the constraint text; empty or blank means TRUE
 * @returns the syntax tree, or null for an empty constraint
 * @throws ConstraintSyntaxError with the 1-based column of the first offending token
 */
export function parseConstraint(source: string): ConstraintAst {
  return new ConstraintParser(source).parse()
}

class ConstraintParser {
  readonly #lexer: Lexer
  #parenDepth = 0
  // Tree depth per node, kept beside the tree so the AST stays plain data.
  readonly #depth = new WeakMap<Expr, number>()

  constructor(source: string) {
    this.#lexer = new Lexer(source)
  }

  parse(): ConstraintAst {
    if (this.#peek().kind === 'eof') return null
    const expr = this.#or()
    const rest = this.#peek()
    if (rest.kind !== 'eof') throw this.#unexpected(rest, 'an operator or end of input')
    return expr
  }

  #peek(): Token {
    return this.#lexer.peek('expression')
  }

  #next(): Token {
    return this.#lexer.next('expression')
  }

  #unexpected(token: Token, expected: string): ConstraintSyntaxError {
    return new ConstraintSyntaxError(token.column, expected, describeToken(token))
  }

  #isPunct(token: Token, value: string): boolean {
    return token.kind === 'punct' && token.value === value
  }

  #isKeyword(token: Token, value: string): boolean {
    return token.kind === 'keyword' && token.value === value
  }

  #expectPunct(value: string, mode: 'expression' | 'component' = 'expression'): Token {
    const token = this.#lexer.next(mode)
    if (!this.#isPunct(token, value)) throw this.#unexpected(token, `'${value}'`)
    return token
  }

  /** Records the depth of a new interior node and enforces MAX_TREE_DEPTH. */
  #node<T extends Expr>(node: T, ...children: Expr[]): T {
    const depth = 1 + Math.max(0, ...children.map((c) => this.#depth.get(c) ?? 0))
    if (depth > MAX_TREE_DEPTH) {
      throw new ConstraintSyntaxError(
        node.column,
        `an expression at most ${MAX_TREE_DEPTH} operators deep`,
        'a deeper one'
      )
    }
    this.#depth.set(node, depth)
    return node
  }

  #or(): Expr {
    let left = this.#and()
    while (this.#isKeyword(this.#peek(), 'or')) {
      const op = this.#next()
      const right = this.#and()
      left = this.#node({ type: 'or', left, right, column: op.column }, left, right)
    }
    return left
  }

  #and(): Expr {
    let left = this.#compare()
    while (this.#isKeyword(this.#peek(), 'and')) {
      const op = this.#next()
      const right = this.#compare()
      left = this.#node({ type: 'and', left, right, column: op.column }, left, right)
    }
    return left
  }

  #compare(): Expr {
    const left = this.#in()
    const op = this.#peek()
    if (op.kind !== 'punct' || !COMPARE_OPS.has(op.value)) return left
    this.#next()
    const right = this.#in()
    const after = this.#peek()
    // Non-associative like TAO and omniNotify (§4.5.8): `a < b < c` is an error, not a chain.
    if (after.kind === 'punct' && COMPARE_OPS.has(after.value)) {
      throw this.#unexpected(after, "'and', 'or', ')' or end of input (comparisons do not chain)")
    }
    return this.#node(
      { type: 'compare', op: op.value as CompareOp, left, right, column: op.column },
      left,
      right
    )
  }

  #in(): Expr {
    const left = this.#twiddle()
    if (!this.#isKeyword(this.#peek(), 'in')) return left
    const op = this.#next()
    const right = this.#componentOrIdent("'$' or an identifier after 'in'")
    return this.#node({ type: 'in', left, right, column: op.column }, left, right)
  }

  #twiddle(): Expr {
    const left = this.#additive()
    if (!this.#isPunct(this.#peek(), '~')) return left
    const op = this.#next()
    const right = this.#additive()
    if (this.#isPunct(this.#peek(), '~')) {
      throw this.#unexpected(this.#peek(), "an operator other than '~' (it does not chain)")
    }
    return this.#node({ type: 'twiddle', left, right, column: op.column }, left, right)
  }

  #additive(): Expr {
    let left = this.#multiplicative()
    for (;;) {
      const op = this.#peek()
      if (!this.#isPunct(op, '+') && !this.#isPunct(op, '-')) return left
      this.#next()
      const right = this.#multiplicative()
      left = this.#node(
        { type: 'arith', op: op.text as ArithOp, left, right, column: op.column },
        left,
        right
      )
    }
  }

  #multiplicative(): Expr {
    let left = this.#not()
    for (;;) {
      const op = this.#peek()
      if (!this.#isPunct(op, '*') && !this.#isPunct(op, '/')) return left
      this.#next()
      const right = this.#not()
      left = this.#node(
        { type: 'arith', op: op.text as ArithOp, left, right, column: op.column },
        left,
        right
      )
    }
  }

  /** `not` applies to exactly one Factor, so `not not x` needs parentheses. */
  #not(): Expr {
    if (!this.#isKeyword(this.#peek(), 'not')) return this.#factor()
    const op = this.#next()
    const operand = this.#factor()
    return this.#node({ type: 'not', operand, column: op.column }, operand)
  }

  #factor(): Expr {
    const token = this.#next()
    switch (token.kind) {
      case 'int':
        return { type: 'int', value: token.value, column: token.column }
      case 'float':
        return { type: 'float', value: token.value, column: token.column }
      case 'string':
        return { type: 'string', value: token.value, column: token.column }
      case 'bool':
        return { type: 'bool', value: token.value, column: token.column }
      case 'ident':
        return { type: 'ident', name: token.value, column: token.column }
      case 'keyword':
        if (token.value === 'exist') {
          const target = this.#componentOrIdent("'$' or an identifier after 'exist'")
          return this.#node({ type: 'exist', target, column: token.column }, target)
        }
        if (token.value === 'default') {
          const dollar = this.#next()
          if (!this.#isPunct(dollar, '$')) throw this.#unexpected(dollar, "'$' after 'default'")
          const target = this.#component(dollar)
          return this.#node({ type: 'default', target, column: token.column }, target)
        }
        break
      case 'punct':
        if (token.value === '$') return this.#component(token)
        if (token.value === '(') return this.#parenthesised(token)
        if (token.value === '+' || token.value === '-') return this.#signed(token)
        break
    }
    throw this.#unexpected(token, 'an expression')
  }

  #parenthesised(open: Token): Expr {
    if (this.#parenDepth >= MAX_PAREN_DEPTH) {
      throw new ConstraintSyntaxError(
        open.column,
        `at most ${MAX_PAREN_DEPTH} nested parentheses`,
        "another '('"
      )
    }
    this.#parenDepth++
    const inner = this.#or()
    this.#parenDepth--
    this.#expectPunct(')')
    return inner
  }

  /** A sign binds only to a numeric literal directly after it (§4.5.3: use `0 - $x`). */
  #signed(sign: Token): Expr {
    const token = this.#next()
    const negative = sign.text === '-'
    if (token.kind === 'float') {
      return { type: 'float', value: negative ? -token.value : token.value, column: sign.column }
    }
    if (token.kind === 'int') {
      const value = negative ? -token.value : token.value
      if (value < MIN_SIGNED_LITERAL) {
        throw new ConstraintSyntaxError(
          sign.column,
          `an integer no smaller than ${MIN_SIGNED_LITERAL}`,
          `'-${token.text}'`
        )
      }
      return { type: 'int', value, column: sign.column }
    }
    throw this.#unexpected(token, `a number after '${sign.text}'`)
  }

  #componentOrIdent(expected: string): ComponentNode | IdentNode {
    const token = this.#next()
    if (this.#isPunct(token, '$')) return this.#component(token)
    if (token.kind === 'ident') return { type: 'ident', name: token.value, column: token.column }
    throw this.#unexpected(token, expected)
  }

  // ---- components (§4.5.2 Component / Ext / Dotted), lexed in component mode ----

  #peekC(): Token {
    return this.#lexer.peek('component')
  }

  #nextC(): Token {
    return this.#lexer.next('component')
  }

  #component(dollar: Token): ComponentNode {
    const steps: ComponentStep[] = []
    let variable: string | null = null
    const first = this.#peekC()
    if (first.kind === 'ident') {
      this.#nextC()
      variable = first.value
    } else if (this.#isPunct(first, '.')) {
      this.#nextC()
      this.#dotted(steps)
      return { type: 'component', variable, steps, column: dollar.column }
    }
    this.#ext(steps)
    return { type: 'component', variable, steps, column: dollar.column }
  }

  /** Ext: any number of `[i]` and `(name)`, then optionally `.` Dotted (which continues). */
  #ext(steps: ComponentStep[]): void {
    for (;;) {
      const token = this.#peekC()
      if (this.#isPunct(token, '[')) {
        this.#nextC()
        steps.push({ kind: 'index', index: this.#index() })
        this.#expectPunct(']', 'component')
      } else if (this.#isPunct(token, '(')) {
        this.#nextC()
        const name = this.#nextC()
        if (name.kind !== 'ident') throw this.#unexpected(name, 'a property name')
        steps.push({ kind: 'property', name: name.value })
        this.#expectPunct(')', 'component')
      } else if (this.#isPunct(token, '.')) {
        this.#nextC()
        this.#dotted(steps)
        return
      } else {
        return
      }
    }
  }

  #index(): number {
    const token = this.#nextC()
    if (token.kind !== 'int') throw this.#unexpected(token, 'an index')
    return Number(token.value)
  }

  #dotted(steps: ComponentStep[]): void {
    const token = this.#nextC()
    if (token.kind === 'ident') {
      steps.push({ kind: 'member', name: token.value })
    } else if (token.kind === 'int') {
      steps.push({ kind: 'position', index: Number(token.value) })
    } else if (
      token.kind === 'special' &&
      (SPECIAL_NAMES as readonly string[]).includes(token.value)
    ) {
      // Special names end the path: `$.s._length.x` has nothing to navigate into.
      steps.push({ kind: 'special', name: token.value as SpecialName })
      return
    } else if (this.#isPunct(token, '(')) {
      steps.push({ kind: 'unionArm', label: this.#unionLabel() })
      this.#expectPunct(')', 'component')
    } else {
      throw this.#unexpected(
        token,
        "a member name, a position, '(' or one of _length, _d, _type_id, _repos_id after '.'"
      )
    }
    this.#ext(steps)
  }

  /** UnionLabel = Integer | "+" Integer | "-" Integer | String, or nothing for the default arm. */
  #unionLabel(): bigint | string | null {
    const token = this.#peekC()
    if (this.#isPunct(token, ')')) return null
    this.#nextC()
    if (token.kind === 'int') return token.value
    if (token.kind === 'string') return token.value
    if (this.#isPunct(token, '+') || this.#isPunct(token, '-')) {
      const digits = this.#nextC()
      if (digits.kind !== 'int') throw this.#unexpected(digits, `an integer after '${token.text}'`)
      const value = token.text === '-' ? -digits.value : digits.value
      if (value < MIN_SIGNED_LITERAL || value > MAX_INT_LITERAL) {
        throw this.#unexpected(digits, 'a 64-bit case label')
      }
      return value
    }
    throw this.#unexpected(token, "a union case label (integer or string) or ')'")
  }
}
