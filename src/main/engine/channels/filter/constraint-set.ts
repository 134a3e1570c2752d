import type { EventType } from '../event'
import { CompiledConstraint } from '../etcl/compiled-constraint'
import type { ConstraintExp } from './constraint-exp'
import { ALL_EVENT_TYPES, normalizeEventType } from './event-type-match'
import { FilterError, FilterErrorCode } from './filter-error'

/** One stored constraint; `extra` is what the owner attaches (a mapping filter's value). */
export interface ConstraintEntry<T> {
  readonly id: number
  readonly expression: ConstraintExp
  readonly compiled: CompiledConstraint
  readonly extra: T
}

/** A constraint to add or replace, with the owner's extra data. */
export interface ConstraintInput<T> {
  expression: ConstraintExp
  extra: T
}

function isEventType(value: unknown): value is EventType {
  if (typeof value !== 'object' || value === null) return false
  const { domain_name: domain, type_name: type } = value as Record<string, unknown>
  return typeof domain === 'string' && typeof type === 'string'
}

/** A defensive copy, so callers cannot change a stored constraint behind the filter's back. */
export function copyExpression(exp: ConstraintExp): ConstraintExp {
  return {
    event_types: exp.event_types.map((t) => ({
      domain_name: t.domain_name,
      type_name: t.type_name
    })),
    constraint_expr: exp.constraint_expr
  }
}

/**
 * Compiles one expression or raises InvalidConstraint naming it. Malformed shapes (possible when
 * the expression arrived as JSON) are InvalidConstraint too.
 */
function compile(exp: ConstraintExp): CompiledConstraint {
  const shapeOk =
    typeof exp === 'object' &&
    exp !== null &&
    typeof exp.constraint_expr === 'string' &&
    Array.isArray(exp.event_types) &&
    exp.event_types.every(isEventType)
  if (!shapeOk) {
    throw new FilterError(FilterErrorCode.InvalidConstraint, 'malformed constraint expression', {
      constraint: exp
    })
  }
  try {
    return new CompiledConstraint(exp.constraint_expr)
  } catch (err) {
    const cause = err as Error
    throw new FilterError(
      FilterErrorCode.InvalidConstraint,
      `invalid constraint '${exp.constraint_expr}': ${cause.message}`,
      { constraint: copyExpression(exp), cause }
    )
  }
}

/**
 * The constraint store shared by Filter and MappingFilter (digest §4.1, §4.3): ids unique per
 * store and never reused, additions all-or-nothing, modifications atomic. Entries keep id order,
 * which is the order constraints are tried in.
 */
export class ConstraintSet<T> {
  #nextId = 1
  readonly #entries = new Map<number, ConstraintEntry<T>>()

  /**
   * Adds constraints, all or none.
   *
   * @returns the new entries, in input order
   * @throws FilterError InvalidConstraint for the first bad expression; nothing is added
   */
  add(inputs: readonly ConstraintInput<T>[]): ConstraintEntry<T>[] {
    const compiled = inputs.map((input) => compile(input.expression))
    return inputs.map((input, i) => {
      const entry: ConstraintEntry<T> = {
        id: this.#nextId++,
        expression: copyExpression(input.expression),
        compiled: compiled[i] as CompiledConstraint,
        extra: input.extra
      }
      this.#entries.set(entry.id, entry)
      return entry
    })
  }

  /**
   * Deletes `deleteIds`, then replaces expression and extra of each listed id in place (ids are
   * kept). Every id and every expression is checked before anything changes; an id both deleted
   * and modified counts as not found.
   *
   * @throws FilterError ConstraintNotFound or InvalidConstraint, leaving the store unchanged
   */
  modify(
    deleteIds: readonly number[],
    replacements: ReadonlyArray<ConstraintInput<T> & { id: number }>
  ): void {
    for (const id of deleteIds) this.#require(id)
    const deleted = new Set(deleteIds)
    for (const { id } of replacements) {
      if (deleted.has(id)) this.#notFound(id)
      this.#require(id)
    }
    const compiled = replacements.map((r) => compile(r.expression))
    for (const id of deleteIds) this.#entries.delete(id)
    replacements.forEach((r, i) => {
      this.#entries.set(r.id, {
        id: r.id,
        expression: copyExpression(r.expression),
        compiled: compiled[i] as CompiledConstraint,
        extra: r.extra
      })
    })
  }

  /** @throws FilterError ConstraintNotFound for the first unknown id */
  get(ids: readonly number[]): ConstraintEntry<T>[] {
    return ids.map((id) => this.#require(id))
  }

  /** Every entry, in id order. */
  all(): ConstraintEntry<T>[] {
    return [...this.#entries.values()].sort((a, b) => a.id - b.id)
  }

  /** Removes every constraint; ids are still never reused. */
  clear(): void {
    this.#entries.clear()
  }

  /**
   * The distinct event types the constraints refer to, normalised (§2.7); a constraint with an
   * empty list contributes `("*", "%ALL")`. This is what subscription_change callbacks report.
   */
  eventTypes(): EventType[] {
    const seen = new Map<string, EventType>()
    for (const entry of this.all()) {
      const types = entry.expression.event_types
      for (const type of types.length === 0 ? [ALL_EVENT_TYPES] : types) {
        const normal = normalizeEventType(type)
        seen.set(`${normal.domain_name}\u0000${normal.type_name}`, normal)
      }
    }
    return [...seen.values()]
  }

  #require(id: number): ConstraintEntry<T> {
    return this.#entries.get(id) ?? this.#notFound(id)
  }

  #notFound(id: number): never {
    throw new FilterError(FilterErrorCode.ConstraintNotFound, `no constraint with id ${id}`, { id })
  }
}
