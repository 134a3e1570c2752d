import type { ChannelEvent, JsonValue } from '../event'
import { fromJson, INTEGER_RANGES } from '../etcl/values'
import type { ConstraintExp } from './constraint-exp'
import { ConstraintSet, copyExpression, type ConstraintEntry } from './constraint-set'
import { eventTypeOf, eventTypesMatch } from './event-type-match'
import type { FilterOptions } from './filter'
import { FilterError, FilterErrorCode } from './filter-error'
import type { MappingFilterLike } from './filter-like'

/** CosNotifyFilter::MappingConstraintPair. */
export interface MappingConstraintPair {
  constraint_expression: ConstraintExp
  /** The value to map a matching event to; must be of the filter's value type. */
  result_to_set: JsonValue
}

/** CosNotifyFilter::MappingConstraintInfo. */
export interface MappingConstraintInfo {
  constraint_expression: ConstraintExp
  constraint_id: number
  value: JsonValue
}

/**
 * The IDL type name of a JSON value: a typed node's tag (with the enum, struct or union name),
 * else `boolean`, `long` (integral number), `double`, `string`, `sequence`, `struct` or `null`.
 */
export function valueTypeOf(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double'
  if (typeof value === 'string') return 'string'
  if (Array.isArray(value)) return 'sequence'
  const v = fromJson(value)
  const tag = typeof value.t === 'string' ? value.t : undefined
  switch (v.k) {
    case 'enum':
      return `enum ${v.typeName ?? ''}`.trim()
    case 'struct':
      return tag === 'struct' ? `struct ${v.typeName ?? ''}`.trim() : 'struct'
    case 'union':
      return `union ${v.typeName ?? ''}`.trim()
    case 'seq':
      return 'sequence'
    default:
      // A typed scalar (or an any, typed by its contents).
      return tag === 'any' ? valueTypeOf(value.v as JsonValue) : (tag as string)
  }
}

/**
 * Whether `value` may be stored in a mapping filter of `valueType`. JSON cannot say `short`, so a
 * plain integral number fits any integer type whose range holds it, and any plain number fits
 * `float`/`double`; otherwise the types must be equal.
 */
export function isOfValueType(value: JsonValue, valueType: string): boolean {
  if (typeof value === 'number') {
    const range = INTEGER_RANGES[valueType]
    if (range)
      return Number.isInteger(value) && BigInt(value) >= range[0] && BigInt(value) <= range[1]
    if (valueType === 'float' || valueType === 'double') return true
  }
  if (valueTypeOf(value) !== valueType) return false
  const range = INTEGER_RANGES[valueType]
  const v = fromJson(value)
  return range === undefined || (v.k === 'int' && v.v >= range[0] && v.v <= range[1])
}

/** The numeric size of a mapped value, for "best first" ordering; undefined when not numeric. */
function magnitude(value: JsonValue): number | undefined {
  const v = fromJson(value)
  return v.k === 'int' || v.k === 'float' ? Number(v.v) : undefined
}

function info(entry: ConstraintEntry<JsonValue>): MappingConstraintInfo {
  return {
    constraint_expression: copyExpression(entry.expression),
    constraint_id: entry.id,
    value: entry.extra
  }
}

/**
 * A CosNotifyFilter::MappingFilter (digest §4.3), used as a proxy's priority_filter or
 * lifetime_filter. Constraints are tried from the best value to the worst — the largest number
 * first, which is the highest priority and the longest lifetime — ties in id order; non-numeric
 * values are tried in id order. The first match sets the value; none gives the default value.
 */
export class MappingFilter implements MappingFilterLike {
  /** Unique per factory. */
  readonly id: number
  /** The grammar name the filter was created with. */
  readonly constraintGrammar: string
  /** The value returned when no constraint matches. */
  readonly defaultValue: JsonValue
  /** The type every result_to_set must have: the type of defaultValue (see valueTypeOf). */
  readonly valueType: string
  readonly #constraints = new ConstraintSet<JsonValue>()
  readonly #clock: () => number
  // Constraints in trial order, rebuilt after each change rather than sorted on every match.
  #trialOrder: ConstraintEntry<JsonValue>[] = []
  #destroyed = false

  /**
   * @param id - identity, unique among the filters of one factory
   * @param grammar - the grammar name, already validated by the factory
   * @param defaultValue - the no-match value; fixes the value type
   * @param options - clock for `$curtime`
   */
  constructor(id: number, grammar: string, defaultValue: JsonValue, options: FilterOptions = {}) {
    this.id = id
    this.constraintGrammar = grammar
    this.defaultValue = defaultValue
    this.valueType = valueTypeOf(defaultValue)
    this.#clock = options.clock ?? Date.now
  }

  /** True after destroy(); a destroyed mapping filter matches nothing. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /**
   * Adds mapping constraints, all or none.
   *
   * @throws FilterError InvalidValue when a result_to_set is not of valueType, InvalidConstraint
   *   for a bad expression; nothing is added
   */
  addMappingConstraints(pairs: readonly MappingConstraintPair[]): MappingConstraintInfo[] {
    this.#alive()
    for (const pair of pairs) this.#checkValue(pair.constraint_expression, pair.result_to_set)
    const entries = this.#constraints.add(
      pairs.map((p) => ({ expression: p.constraint_expression, extra: p.result_to_set }))
    )
    this.#reorder()
    return entries.map(info)
  }

  /**
   * Deletes `deleteIds` and replaces expressions and values of `modifyList` in place, atomically.
   *
   * @throws FilterError ConstraintNotFound, InvalidConstraint or InvalidValue, leaving it unchanged
   */
  modifyMappingConstraints(
    deleteIds: readonly number[],
    modifyList: readonly MappingConstraintInfo[]
  ): void {
    this.#alive()
    for (const m of modifyList) this.#checkValue(m.constraint_expression, m.value)
    this.#constraints.modify(
      deleteIds,
      modifyList.map((m) => ({
        id: m.constraint_id,
        expression: m.constraint_expression,
        extra: m.value
      }))
    )
    this.#reorder()
  }

  /** @throws FilterError ConstraintNotFound for the first unknown id */
  getMappingConstraints(ids: readonly number[]): MappingConstraintInfo[] {
    this.#alive()
    return this.#constraints.get(ids).map(info)
  }

  /** Every mapping constraint, in id order. */
  getAllMappingConstraints(): MappingConstraintInfo[] {
    this.#alive()
    return this.#constraints.all().map(info)
  }

  /** Removes every mapping constraint; match then always yields the default value. */
  removeAllMappingConstraints(): void {
    this.#alive()
    this.#constraints.clear()
    this.#reorder()
  }

  /** Destroys the filter; idempotent. Later calls other than match raise ObjectNotExist. */
  destroy(): void {
    this.#destroyed = true
    this.#constraints.clear()
    this.#trialOrder = []
  }

  /**
   * The value of the best matching constraint, or `{ matched: false, value: defaultValue }`.
   * Never throws.
   */
  match(event: ChannelEvent): { matched: boolean; value: JsonValue } {
    const type = eventTypeOf(event)
    const nowMs = this.#clock()
    const hit = this.#trialOrder.find(
      (entry) =>
        eventTypesMatch(entry.expression.event_types, type) &&
        entry.compiled.matches(event, { nowMs })
    )
    return hit ? { matched: true, value: hit.extra } : { matched: false, value: this.defaultValue }
  }

  #checkValue(constraint: ConstraintExp, value: JsonValue): void {
    if (!isOfValueType(value, this.valueType)) {
      throw new FilterError(
        FilterErrorCode.InvalidValue,
        `value ${JSON.stringify(value)} is not of the filter's value type ${this.valueType}`,
        { constraint, value }
      )
    }
  }

  #reorder(): void {
    this.#trialOrder = this.#constraints
      .all()
      .map((entry) => ({ entry, size: magnitude(entry.extra) }))
      // Array.prototype.sort is stable, so equal or non-numeric values keep id order.
      .sort((a, b) => (a.size !== undefined && b.size !== undefined ? b.size - a.size : 0))
      .map(({ entry }) => entry)
  }

  #alive(): void {
    if (this.#destroyed) {
      throw new FilterError(
        FilterErrorCode.ObjectNotExist,
        `mapping filter ${this.id} has been destroyed`
      )
    }
  }
}
