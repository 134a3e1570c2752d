import type { ChannelEvent, JsonValue } from '../event'
import type {
  ArithOp,
  CompareOp,
  ComponentNode,
  ComponentStep,
  ConstraintAst,
  Expr,
  IdentNode
} from './ast'
import { fromJson, rootJson, utcTimeJson, type Value } from './values'

/** Why a constraint did not match although it could not evaluate to FALSE (§4.5.7). */
export interface EvaluationFailure {
  /** missing: a component does not exist; type: operands of the wrong kind; arithmetic: /0, overflow. */
  kind: 'missing' | 'type' | 'arithmetic'
  /** Human-readable reason, for the filter-verdict view. */
  message: string
  /** 1-based column of the node that failed. */
  column: number
}

/** The verdict of one constraint on one event. */
export interface EvaluationOutcome {
  /** TRUE only when the expression evaluated to TRUE; every failure is "no match". */
  matched: boolean
  /** Present when evaluation failed instead of producing a boolean. */
  failure?: EvaluationFailure
}

/** Knobs for evaluation; tests pin the clock. */
export interface EvaluationOptions {
  /** Milliseconds since the Unix epoch used for `$curtime`; defaults to Date.now(). */
  nowMs?: number
}

// Integers are CORBA 64-bit values; results outside long long ∪ unsigned long long overflow.
const MIN_INTEGER = -(2n ** 63n)
const MAX_INTEGER = 2n ** 64n - 1n

/**
 * Shorthands that name a fixed place in a structured event (§4.5.4): the run-time variables for
 * the fixed header, and omniNotify's structural shorthands.
 */
const HEADER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  domain_name: ['header', 'fixed_header', 'event_type', 'domain_name'],
  type_name: ['header', 'fixed_header', 'event_type', 'type_name'],
  event_name: ['header', 'fixed_header', 'event_name']
}
const STRUCTURAL_SHORTHANDS: Readonly<Record<string, readonly string[]>> = {
  header: ['header'],
  fixed_header: ['header', 'fixed_header'],
  event_type: ['header', 'fixed_header', 'event_type'],
  variable_header: ['header', 'variable_header'],
  filterable_data: ['filterable_data'],
  remainder_of_body: ['remainder_of_body']
}

/** Standard per-event QoS names (§2.6), the only ones found case-insensitively (§4.5.4 [rec]). */
const STANDARD_HEADER_NAMES = ['EventReliability', 'Priority', 'StartTime', 'StopTime', 'Timeout']

/**
 * Thrown inside the evaluator and caught at its top: a plain object, not an Error, because
 * failures are an ordinary outcome of matching (every missing field raises one) and need no stack.
 */
class Failure {
  constructor(readonly detail: EvaluationFailure) {}
}

function fail(kind: EvaluationFailure['kind'], message: string, column: number): never {
  throw new Failure({ kind, message, column })
}

function describe(value: Value): string {
  switch (value.k) {
    case 'int':
    case 'float':
      return 'number'
    case 'seq':
      return 'sequence'
    default:
      return value.k === 'bool' ? 'boolean' : value.k
  }
}

/**
 * Evaluates a constraint against one event (digest §4.5.4–4.5.7). Never throws: missing
 * components, type mismatches and arithmetic errors make the whole constraint not match, except
 * where `exist`, `default` or short-circuiting escape them.
 *
 * @param ast - a parsed (and statically checked) constraint; null is the empty constraint, TRUE
 * @param event - a structured event, or an untyped any whose `$` is its JSON contents
 * @param options - clock for `$curtime`
 * @returns whether it matched and, if evaluation failed, why
 */
export function evaluateConstraint(
  ast: ConstraintAst,
  event: ChannelEvent,
  options: EvaluationOptions = {}
): EvaluationOutcome {
  if (ast === null) return { matched: true }
  try {
    const value = new Evaluation(event, options).eval(ast)
    if (value.k !== 'bool') fail('type', `the constraint yields a ${describe(value)}`, ast.column)
    return { matched: value.v }
  } catch (err) {
    if (err instanceof Failure) return { matched: false, failure: err.detail }
    throw err
  }
}

class Evaluation {
  readonly #event: ChannelEvent
  readonly #options: EvaluationOptions
  #root: JsonValue | undefined

  constructor(event: ChannelEvent, options: EvaluationOptions) {
    this.#event = event
    this.#options = options
  }

  eval(e: Expr): Value {
    switch (e.type) {
      case 'or':
      case 'and': {
        const left = this.#boolean(e.left, e.type)
        // Short-circuit left to right: `TRUE or $missing` matches, `$missing or TRUE` does not.
        if (left === (e.type === 'or')) return { k: 'bool', v: left }
        return { k: 'bool', v: this.#boolean(e.right, e.type) }
      }
      case 'not':
        return { k: 'bool', v: !this.#boolean(e.operand, 'not') }
      case 'compare': {
        const [left, right] = this.#comparands(e.left, e.right)
        return { k: 'bool', v: compare(e.op, left, right, e.column) }
      }
      case 'in':
        return { k: 'bool', v: this.#in(e.left, e.right, e.column) }
      case 'twiddle': {
        const needle = this.eval(e.left)
        const haystack = this.eval(e.right)
        if (needle.k !== 'string' || haystack.k !== 'string') {
          fail(
            'type',
            `'~' needs two strings, not ${describe(needle)} and ${describe(haystack)}`,
            e.column
          )
        }
        return { k: 'bool', v: haystack.v.includes(needle.v) }
      }
      case 'arith':
        return arithmetic(e.op, this.eval(e.left), this.eval(e.right), e.column)
      case 'exist':
        try {
          this.#target(e.target)
          return { k: 'bool', v: true }
        } catch (err) {
          if (err instanceof Failure) return { k: 'bool', v: false }
          throw err
        }
      case 'default': {
        const union = this.#component(e.target)
        if (union.k !== 'union')
          fail('type', `'default' needs a union, not ${describe(union)}`, e.column)
        return { k: 'bool', v: union.hasDefault && union.defaultActive }
      }
      case 'component':
        return this.#component(e)
      case 'ident':
        return this.#property(e.name, e.column)
      case 'int':
        return { k: 'int', v: e.value }
      case 'float':
        return { k: 'float', v: e.value }
      case 'string':
        return { k: 'string', v: e.value }
      case 'bool':
        return { k: 'bool', v: e.value }
    }
  }

  #boolean(e: Expr, op: string): boolean {
    const value = this.eval(e)
    if (value.k !== 'bool')
      fail('type', `'${op}' needs a boolean, not ${describe(value)}`, e.column)
    return value.v
  }

  /**
   * Evaluates both sides of a comparison. A bare identifier facing an enum is that enum's label
   * (`$state == DOWN`); anywhere else it names a filterable_data property (§4.5.4 [rec]).
   */
  #comparands(left: Expr, right: Expr): [Value, Value] {
    if (left.type === 'ident' && right.type !== 'ident') {
      const r = this.eval(right)
      return [this.#identOperand(left, r), r]
    }
    const l = this.eval(left)
    return [l, right.type === 'ident' ? this.#identOperand(right, l) : this.eval(right)]
  }

  #identOperand(ident: IdentNode, other: Value): Value {
    return other.k === 'enum'
      ? { k: 'string', v: ident.name }
      : this.#property(ident.name, ident.column)
  }

  #in(left: Expr, right: ComponentNode | IdentNode, column: number): boolean {
    const needle = this.eval(left)
    if (
      needle.k === 'struct' ||
      needle.k === 'seq' ||
      needle.k === 'union' ||
      needle.k === 'null'
    ) {
      fail('type', `'in' needs a scalar on its left, not ${describe(needle)}`, column)
    }
    const collection = this.#target(right)
    if (collection.k !== 'seq') {
      fail('type', `'in' needs a sequence on its right, not ${describe(collection)}`, column)
    }
    return collection.items.some((item) => {
      try {
        return compare('==', needle, fromJson(item), column)
      } catch (err) {
        // An element of another kind is simply not equal; it does not spoil the search.
        if (err instanceof Failure) return false
        throw err
      }
    })
  }

  #target(target: ComponentNode | IdentNode): Value {
    return target.type === 'ident'
      ? this.#property(target.name, target.column)
      : this.#component(target)
  }

  get #rootJson(): JsonValue {
    this.#root ??= rootJson(this.#event)
    return this.#root
  }

  /**
   * A bare identifier (TCL property): filterable_data of a structured event; for an untyped any,
   * which has no filterable_data, a top-level member or PropertySeq entry of its contents.
   */
  #property(name: string, column: number): Value {
    const event = this.#event
    if (event.kind === 'structured') {
      const found = event.event.filterable_data.find((p) => p.name === name)
      if (found === undefined) fail('missing', `no filterable_data property '${name}'`, column)
      return fromJson(found.value)
    }
    return this.#topLevel(name, column)
  }

  /** `$name` on an any event, or the last resort for a structured one: `$.name`, then `$(name)`. */
  #topLevel(name: string, column: number): Value {
    const root = fromJson(this.#rootJson)
    if (root.k === 'seq') return step(root, { kind: 'property', name }, column)
    return step(root, { kind: 'member', name }, column)
  }

  #component(node: ComponentNode): Value {
    let value =
      node.variable === null ? fromJson(this.#rootJson) : this.#variable(node.variable, node.column)
    for (const s of node.steps) value = step(value, s, node.column)
    return value
  }

  #path(path: readonly string[], column: number): Value {
    let value = fromJson(this.#rootJson)
    for (const name of path) value = step(value, { kind: 'member', name }, column)
    return value
  }

  /**
   * `$name` (§4.5.4, JacORB order, the digest's recommendation): `$curtime`; on a structured
   * event the fixed-header run-time variables, then variable_header(name), filterable_data(name),
   * the structural shorthands (the top-level members and their well-known descendants), and
   * finally the standard QoS names case-insensitively. On an untyped any only `$curtime` is
   * special: it has no header, so `$type_name` is an ordinary member lookup.
   */
  #variable(name: string, column: number): Value {
    if (name === 'curtime') return fromJson(utcTimeJson(this.#options.nowMs ?? Date.now()))
    const event = this.#event
    if (event.kind === 'any') return this.#topLevel(name, column)
    const headerField = HEADER_FIELDS[name]
    if (headerField) return this.#path(headerField, column)
    const { header, filterable_data: filterable } = event.event
    const found =
      header.variable_header.find((p) => p.name === name) ?? filterable.find((p) => p.name === name)
    if (found) return fromJson(found.value)
    const structural = STRUCTURAL_SHORTHANDS[name]
    if (structural) return this.#path(structural, column)
    const standard = STANDARD_HEADER_NAMES.find((n) => n.toLowerCase() === name.toLowerCase())
    const fallback = standard && header.variable_header.find((p) => p.name === standard)
    if (fallback) return fromJson(fallback.value)
    return fail(
      'missing',
      `'$${name}' is not in variable_header, filterable_data or the event`,
      column
    )
  }
}

/** One path step (§4.5.4); anything that does not resolve is a 'missing' failure. */
function step(value: Value, s: ComponentStep, column: number): Value {
  switch (s.kind) {
    case 'member':
      if (value.k === 'struct') {
        const member = value.members.find(([name]) => name === s.name)
        if (member) return fromJson(member[1])
      } else if (value.k === 'union') {
        if (value.arm === s.name) return fromJson(value.value)
        return fail('missing', `union arm '${s.name}' is not the active one`, column)
      }
      return fail('missing', `no member '${s.name}'`, column)
    case 'position': {
      const member = value.k === 'struct' ? value.members[s.index] : undefined
      if (member) return fromJson(member[1])
      return fail('missing', `no member at position ${s.index}`, column)
    }
    case 'index': {
      const item = value.k === 'seq' ? value.items[s.index] : undefined
      if (item !== undefined) return fromJson(item)
      return fail('missing', `no element [${s.index}]`, column)
    }
    case 'property':
      if (value.k === 'seq') {
        for (const item of value.items) {
          const property = fromJson(item)
          if (property.k !== 'struct') continue
          const name = property.members.find(([n]) => n === 'name')
          const v = property.members.find(([n]) => n === 'value')
          // First occurrence wins (§2.6 [rec]).
          if (name?.[1] === s.name && v) return fromJson(v[1])
        }
      }
      return fail('missing', `no property '${s.name}'`, column)
    case 'unionArm':
      if (value.k === 'union' && unionArmActive(value, s.label)) return fromJson(value.value)
      return fail(
        'missing',
        s.label === null
          ? 'the default arm is not active'
          : `union arm (${String(s.label)}) is not active`,
        column
      )
    case 'special':
      return special(value, s.name, column)
  }
}

function unionArmActive(
  union: Extract<Value, { k: 'union' }>,
  label: bigint | string | null
): boolean {
  if (label === null) return union.defaultActive
  // The default arm has no explicit labels unless the event lists them.
  if (union.defaultActive && union.labels === undefined) return false
  const labels = union.labels ?? [union.disc]
  const wanted: Value =
    typeof label === 'string' ? { k: 'string', v: label } : { k: 'int', v: label }
  return labels.some((l) => {
    try {
      return compare('==', fromJson(l), wanted, 0)
    } catch (err) {
      if (err instanceof Failure) return false
      throw err
    }
  })
}

function special(value: Value, name: string, column: number): Value {
  if (name === '_length' && value.k === 'seq') return { k: 'int', v: BigInt(value.items.length) }
  if (name === '_d' && value.k === 'union') return fromJson(value.disc)
  if (value.k === 'struct' || value.k === 'union' || value.k === 'seq' || value.k === 'enum') {
    if (name === '_type_id' && value.typeName !== undefined)
      return { k: 'string', v: value.typeName }
    if (name === '_repos_id' && value.reposId !== undefined)
      return { k: 'string', v: value.reposId }
  }
  return fail('missing', `${name} does not apply to a ${describe(value)}`, column)
}

/**
 * Orders two values: negative, zero or positive, or NaN when they are comparable for equality
 * only and differ (e.g. enum labels without a known label order). Throws a type failure when
 * they cannot be compared at all (§4.5.5–4.5.6).
 */
function order(a: Value, b: Value, column: number): number {
  if ((a.k === 'int' || a.k === 'float') && (b.k === 'int' || b.k === 'float')) {
    if (a.k === 'int' && b.k === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0
    // Mixed or floating: compare as doubles (unsigned and signed mix freely).
    return Math.sign(Number(a.v) - Number(b.v))
  }
  if (a.k === 'string' && b.k === 'string') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0
  // FALSE < TRUE as in JacORB; TAO allows only == and !=.
  if (a.k === 'bool' && b.k === 'bool') return Number(a.v) - Number(b.v)
  if (a.k === 'enum' || b.k === 'enum') return enumOrder(a, b, column)
  return fail('type', `cannot compare ${describe(a)} with ${describe(b)}`, column)
}

/** Enums compare with enums and labels by label, and by ordinal when the label order is known. */
function enumOrder(a: Value, b: Value, column: number): number {
  const labels = (a.k === 'enum' ? a.labels : undefined) ?? (b.k === 'enum' ? b.labels : undefined)
  const ordinal = (v: Value): number | undefined => {
    if (v.k === 'enum' || v.k === 'string') {
      const i = labels?.indexOf(v.k === 'enum' ? v.label : v.v) ?? -1
      return i < 0 ? undefined : i
    }
    // TAO compares an enum with a number by ordinal.
    if (v.k === 'int') return Number(v.v)
    return undefined
  }
  const label = (v: Value): string | undefined =>
    v.k === 'enum' ? v.label : v.k === 'string' ? v.v : undefined
  const [oa, ob] = [ordinal(a), ordinal(b)]
  if (oa !== undefined && ob !== undefined) return Math.sign(oa - ob)
  const [la, lb] = [label(a), label(b)]
  if (la !== undefined && lb !== undefined) return la === lb ? 0 : NaN
  return fail('type', `cannot compare ${describe(a)} with ${describe(b)}`, column)
}

function compare(op: CompareOp, a: Value, b: Value, column: number): boolean {
  const c = order(a, b, column)
  if (op === '==') return c === 0
  if (op === '!=') return c !== 0
  if (Number.isNaN(c))
    fail('type', `'${op}' needs ordered values; these enum labels are not`, column)
  switch (op) {
    case '<':
      return c < 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    case '>=':
      return c >= 0
  }
}

/** `+ - * /`: integer ∘ integer stays integer (truncating division); any float makes a float. */
function arithmetic(op: ArithOp, a: Value, b: Value, column: number): Value {
  if ((a.k !== 'int' && a.k !== 'float') || (b.k !== 'int' && b.k !== 'float')) {
    return fail('type', `'${op}' needs numbers, not ${describe(a)} and ${describe(b)}`, column)
  }
  if (a.k === 'int' && b.k === 'int') {
    if (op === '/' && b.v === 0n) fail('arithmetic', 'division by zero', column)
    const v = op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : op === '*' ? a.v * b.v : a.v / b.v
    if (v < MIN_INTEGER || v > MAX_INTEGER) fail('arithmetic', 'integer overflow', column)
    return { k: 'int', v }
  }
  const [x, y] = [Number(a.v), Number(b.v)]
  if (op === '/' && y === 0) fail('arithmetic', 'division by zero', column)
  const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y
  if (!Number.isFinite(v)) fail('arithmetic', 'floating overflow', column)
  return { k: 'float', v }
}
