import type { ChannelEvent, EventType } from '../event'
import type { EvaluationOutcome } from '../etcl/evaluator'
import type { ConstraintExp, ConstraintInfo } from './constraint-exp'
import { ConstraintSet, copyExpression, type ConstraintEntry } from './constraint-set'
import { eventTypeOf, eventTypesMatch } from './event-type-match'
import { FilterError, FilterErrorCode } from './filter-error'
import type { FilterLike } from './filter-like'

/** CosNotifyComm::NotifySubscribe as a filter callback sees it (digest §2.8, §4.1). */
export interface NotifySubscribe {
  /** Called with the change of the filter's event-type set after each constraint change. */
  subscriptionChange(added: EventType[], removed: EventType[]): void
}

/** Options shared by the filters a factory creates. */
export interface FilterOptions {
  /** Milliseconds since the Unix epoch for `$curtime`; defaults to Date.now. */
  clock?: () => number
}

/** How one constraint judged one event, for the console's filter-verdict view. */
export interface ConstraintVerdict {
  constraint_id: number
  /** Whether the event's type is covered by the constraint's event_types. */
  typeMatched: boolean
  /** The expression's outcome; absent when the type did not match (it is not evaluated). */
  outcome?: EvaluationOutcome
}

/** How a filter judged one event. */
export interface FilterVerdict {
  /** At least one constraint matched (OR across constraints; none means no match). */
  matched: boolean
  /** The first matching constraint, or null. */
  matchedBy: number | null
  /** Every constraint tried, in order; evaluation stops at the first match. */
  constraints: ConstraintVerdict[]
}

function info(entry: ConstraintEntry<unknown>): ConstraintInfo {
  return { constraint_expression: copyExpression(entry.expression), constraint_id: entry.id }
}

function sameType(a: EventType, b: EventType): boolean {
  return a.domain_name === b.domain_name && a.type_name === b.type_name
}

/**
 * A CosNotifyFilter::Filter over ETCL constraints (digest §4.1–4.2). Independent of any channel:
 * one filter may be attached to many admins and proxies, which only see it as a FilterLike.
 */
export class Filter implements FilterLike {
  /** Unique per factory; the channel model keys attached filters by it. */
  readonly id: number
  /** The grammar name the filter was created with (`EXTENDED_TCL`, `ETCL` or `TCL`). */
  readonly constraintGrammar: string
  readonly #constraints = new ConstraintSet<null>()
  readonly #callbacks = new Map<number, NotifySubscribe>()
  readonly #clock: () => number
  #nextCallbackId = 1
  #callbackFailures = 0
  #destroyed = false

  /**
   * @param id - identity, unique among the filters of one factory
   * @param grammar - the grammar name, already validated by the factory
   * @param options - clock for `$curtime`
   */
  constructor(id: number, grammar: string, options: FilterOptions = {}) {
    this.id = id
    this.constraintGrammar = grammar
    this.#clock = options.clock ?? Date.now
  }

  /** True after destroy(); a destroyed filter matches nothing. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /** How many callback invocations threw; they are isolated so one bad client harms no one. */
  get callbackFailures(): number {
    return this.#callbackFailures
  }

  /**
   * Adds constraints, all or none (§4.1), and notifies callbacks of new event types.
   *
   * @returns the new constraints with their ids, in input order
   * @throws FilterError InvalidConstraint (details.constraint, details.cause with the column)
   */
  addConstraints(constraints: readonly ConstraintExp[]): ConstraintInfo[] {
    this.#alive()
    return this.#changing(() =>
      this.#constraints
        .add(constraints.map((expression) => ({ expression, extra: null })))
        .map(info)
    )
  }

  /**
   * Deletes `deleteIds` and replaces the expressions and event types of `modifyList` in place,
   * atomically: every id and expression is checked first.
   *
   * @throws FilterError ConstraintNotFound or InvalidConstraint, with the filter unchanged
   */
  modifyConstraints(deleteIds: readonly number[], modifyList: readonly ConstraintInfo[]): void {
    this.#alive()
    this.#changing(() =>
      this.#constraints.modify(
        deleteIds,
        modifyList.map((m) => ({
          id: m.constraint_id,
          expression: m.constraint_expression,
          extra: null
        }))
      )
    )
  }

  /** @throws FilterError ConstraintNotFound for the first unknown id */
  getConstraints(ids: readonly number[]): ConstraintInfo[] {
    this.#alive()
    return this.#constraints.get(ids).map(info)
  }

  /** Every constraint, in id order. */
  getAllConstraints(): ConstraintInfo[] {
    this.#alive()
    return this.#constraints.all().map(info)
  }

  /** Removes every constraint; the filter then matches nothing. */
  removeAllConstraints(): void {
    this.#alive()
    this.#changing(() => this.#constraints.clear())
  }

  /** Destroys the filter; idempotent. Later calls other than match raise ObjectNotExist. */
  destroy(): void {
    this.#destroyed = true
    this.#constraints.clear()
    this.#callbacks.clear()
  }

  /**
   * Whether at least one constraint matches the event: its event types cover the event's type
   * and its expression is TRUE (§4.2). No constraints, or a destroyed filter, match nothing.
   * Never throws.
   */
  match(event: ChannelEvent): boolean {
    return this.explain(event).matched
  }

  /** Like match, with each constraint's verdict and the reason any evaluation failed. */
  explain(event: ChannelEvent): FilterVerdict {
    const verdict: FilterVerdict = { matched: false, matchedBy: null, constraints: [] }
    if (this.#destroyed) return verdict
    const type = eventTypeOf(event)
    const nowMs = this.#clock()
    for (const entry of this.#constraints.all()) {
      if (!eventTypesMatch(entry.expression.event_types, type)) {
        verdict.constraints.push({ constraint_id: entry.id, typeMatched: false })
        continue
      }
      const outcome = entry.compiled.evaluate(event, { nowMs })
      verdict.constraints.push({ constraint_id: entry.id, typeMatched: true, outcome })
      if (outcome.matched) return { ...verdict, matched: true, matchedBy: entry.id }
    }
    return verdict
  }

  /**
   * Registers a subscription_change callback (JacORB semantics: told of every change of the
   * filter's event-type set).
   *
   * @returns the callback id
   */
  attachCallback(callback: NotifySubscribe): number {
    this.#alive()
    const id = this.#nextCallbackId++
    this.#callbacks.set(id, callback)
    return id
  }

  /** @throws FilterError CallbackNotFound */
  detachCallback(id: number): void {
    this.#alive()
    if (!this.#callbacks.delete(id)) {
      throw new FilterError(FilterErrorCode.CallbackNotFound, `no callback with id ${id}`, { id })
    }
  }

  /** Ids of the attached callbacks. */
  getCallbacks(): number[] {
    this.#alive()
    return [...this.#callbacks.keys()]
  }

  #alive(): void {
    if (this.#destroyed) {
      throw new FilterError(FilterErrorCode.ObjectNotExist, `filter ${this.id} has been destroyed`)
    }
  }

  /** Runs a change and tells callbacks which event types appeared and disappeared. */
  #changing<R>(change: () => R): R {
    const before = this.#constraints.eventTypes()
    const result = change()
    if (this.#callbacks.size === 0) return result
    const after = this.#constraints.eventTypes()
    const added = after.filter((t) => !before.some((b) => sameType(b, t)))
    const removed = before.filter((t) => !after.some((a) => sameType(a, t)))
    if (added.length === 0 && removed.length === 0) return result
    for (const callback of this.#callbacks.values()) {
      try {
        callback.subscriptionChange(
          added.map((t) => ({ ...t })),
          removed.map((t) => ({ ...t }))
        )
      } catch {
        // A failing client must not undo the change or starve the other callbacks.
        this.#callbackFailures++
      }
    }
    return result
  }
}
