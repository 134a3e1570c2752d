/**
 * Digest §5.3, "Filters & ETCL" (points 24–32): one test per checklist point, named after it.
 * Points that also involve the channel (FilterAdmin ids in 30, delivery order in 31) are covered
 * here for the filter objects' share; the channel model's own tests cover the rest.
 */
import { describe, expect, it } from 'vitest'
import type { ChannelEvent, EventType } from '../../src/main/engine/channels/event'
import {
  compileConstraint,
  ConstraintSyntaxError,
  ConstraintTypeError,
  EXAMPLE_E1,
  EXAMPLE_E2,
  EXAMPLE_E3,
  parseConstraint,
  REJECTED_EXAMPLES,
  WORKED_EXAMPLES
} from '../../src/main/engine/channels/etcl'
import {
  Filter,
  FilterError,
  FilterFactory,
  groupPasses,
  hopPasses,
  type ConstraintExp,
  type FilterLike,
  type InterFilterGroupOperator
} from '../../src/main/engine/channels/filter'

const EVENTS: readonly ChannelEvent[] = [EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3]
const ALL: EventType[] = [{ domain_name: '*', type_name: '*' }]
const exp = (constraint_expr: string, event_types: EventType[] = ALL): ConstraintExp => ({
  event_types,
  constraint_expr
})

function filterOf(...constraints: ConstraintExp[]): Filter {
  const filter = new FilterFactory().createFilter('EXTENDED_TCL')
  filter.addConstraints(constraints)
  return filter
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof FilterError) return err.code
    throw err
  }
  return 'none'
}

function evaluates(expr: string, event: ChannelEvent = EXAMPLE_E1): boolean {
  return compileConstraint(expr).matches(event)
}

describe('§5.3 Filters & ETCL', () => {
  it('24. Parser: every row of 4.6 (results per event) and every rejected expression → InvalidConstraint; precedence (1+2*3 == 7, not binding), string escapes, floats 1.5e+2, 10e+2, .5', () => {
    for (const [, expr, ...expected] of WORKED_EXAMPLES) {
      const filter = filterOf(exp(expr))
      expect(
        EVENTS.map((e) => filter.match(e)),
        expr
      ).toEqual(expected)
    }
    for (const [expr, kind] of REJECTED_EXAMPLES) {
      const filter = filterOf()
      try {
        filter.addConstraints([exp(expr)])
        expect.unreachable(expr)
      } catch (err) {
        expect(err).toBeInstanceOf(FilterError)
        expect((err as FilterError).code).toBe('InvalidConstraint')
        const cause = (err as FilterError).details.cause
        expect(cause).toBeInstanceOf(
          kind === 'syntax' ? ConstraintSyntaxError : ConstraintTypeError
        )
      }
    }
    expect(evaluates('1 + 2 * 3 == 7')).toBe(true)
    expect(evaluates('(1 + 2) * 3 == 9')).toBe(true)
    expect(parseConstraint('not $x == 3')).toMatchObject({ type: 'compare', left: { type: 'not' } })
    expect(evaluates("'it\\'s' == $s", { kind: 'any', data: { s: "it's" } })).toBe(true)
    expect(evaluates("'a\\\\b' ~ $s", { kind: 'any', data: { s: 'xa\\by' } })).toBe(true)
    expect(evaluates('1.5e+2 == 150 and 10e+2 == 1000 and .5 == 0.5 and 1.5e3 == 1500.0')).toBe(
      true
    )
  })

  it('25. Missing component → no match; exist never errors; short-circuit avoids errors on the right', () => {
    for (const expr of ['$nothing == 1', '$nothing != 1', 'not ($nothing == 1)', '$tags[9] == 1']) {
      expect(
        EVENTS.map((e) => evaluates(expr, e)),
        expr
      ).toEqual([false, false, false])
    }
    expect(EVENTS.map((e) => evaluates('exist $nothing.deeper[3]._length', e))).toEqual([
      false,
      false,
      false
    ])
    expect(EVENTS.map((e) => evaluates('not exist $load or $load > 0.8', e))).toEqual([
      true,
      true,
      true
    ])
    expect(evaluates('exist $load and $load > 0.8', EXAMPLE_E2)).toBe(false)
    expect(evaluates('TRUE or $nothing == 1')).toBe(true)
    expect(evaluates('FALSE and $nothing == 1')).toBe(false)
    expect(evaluates('not (FALSE and $nothing == 1)')).toBe(true)
  })

  it('26. Constraint event_types honoured (glob), empty list = all types, %ANY for Any events', () => {
    const glob = filterOf(exp('$severity > 3', [{ domain_name: 'Telecom', type_name: '*Alarm' }]))
    expect(EVENTS.map((e) => glob.match(e))).toEqual([true, false, false])
    const prefix = filterOf(exp('TRUE', [{ domain_name: 'Tele*', type_name: 'QoS*' }]))
    expect(EVENTS.map((e) => prefix.match(e))).toEqual([false, true, false])
    const empty = filterOf(exp('TRUE', []))
    expect(EVENTS.map((e) => empty.match(e))).toEqual([true, true, true])
    const any = filterOf(exp('$.age > 18', [{ domain_name: '', type_name: '%ANY' }]))
    expect(EVENTS.map((e) => any.match(e))).toEqual([false, false, true])
  })

  it('27. Filter with no constraints matches nothing; FilterAdmin with no filters passes everything', () => {
    const none = filterOf()
    expect(EVENTS.map((e) => none.match(e))).toEqual([false, false, false])
    expect(EVENTS.map((e) => groupPasses([], e))).toEqual([true, true, true])
    expect(EVENTS.map((e) => groupPasses([none], e))).toEqual([false, false, false])
  })

  it('28. AND_OP/OR_OP truth table (all 8 rows) on both supplier and consumer sides', () => {
    const yes: FilterLike = { id: 1, match: () => true }
    const no: FilterLike = { id: 2, match: () => false }
    const group = { none: [], match: [yes], miss: [no] } as const
    // admin group, proxy group, AND_OP, OR_OP (§4.2 truth table).
    const rows: Array<[keyof typeof group, keyof typeof group, boolean, boolean]> = [
      ['none', 'none', true, true],
      ['none', 'match', true, true],
      ['none', 'miss', false, true],
      ['match', 'none', true, true],
      ['miss', 'none', false, true],
      ['match', 'miss', false, true],
      ['miss', 'match', false, true],
      ['miss', 'miss', false, false]
    ]
    // Supplier side: SupplierAdmin with ProxyConsumer; consumer side: ConsumerAdmin with
    // ProxySupplier. Both combine admin and proxy group by the admin's operator.
    for (const side of ['supplier', 'consumer']) {
      for (const [admin, proxy, and, or] of rows) {
        const at = `${side}: ${admin}/${proxy}`
        expect(hopPasses('AND_OP', group[admin], group[proxy], EXAMPLE_E1), at).toBe(and)
        expect(hopPasses('OR_OP', group[admin], group[proxy], EXAMPLE_E1), at).toBe(or)
      }
    }
    // §4.6: ConsumerAdmin with F1, proxy with `$severity < 3`.
    const f1 = filterOf(
      exp('$severity > 3', [{ domain_name: 'Telecom', type_name: 'CommunicationsAlarm' }]),
      exp("$host == 'edge1'")
    )
    const low = filterOf(exp('$severity < 3'))
    const delivered = (op: InterFilterGroupOperator, admin: FilterLike[]): boolean[] =>
      EVENTS.map((e) => hopPasses(op, admin, [low], e))
    expect(delivered('AND_OP', [f1])).toEqual([false, true, false])
    expect(delivered('OR_OP', [f1])).toEqual([true, true, false])
    expect(delivered('OR_OP', [])).toEqual([true, true, true])
  })

  it('29. modify_constraints is atomic (bad ID or bad expression leaves the filter unchanged); IDs are stable; remove_all_constraints empties; get_constraints(bad) → ConstraintNotFound', () => {
    const filter = filterOf(exp('$severity > 3'), exp("$host == 'edge1'"))
    const before = filter.getAllConstraints()
    const [first, second] = before.map((c) => c.constraint_id) as [number, number]
    expect(codeOf(() => filter.modifyConstraints([first, 99], []))).toBe('ConstraintNotFound')
    expect(
      codeOf(() =>
        filter.modifyConstraints(
          [first],
          [{ constraint_id: second, constraint_expression: exp('$x ==') }]
        )
      )
    ).toBe('InvalidConstraint')
    expect(filter.getAllConstraints()).toEqual(before)
    filter.modifyConstraints(
      [],
      [{ constraint_id: second, constraint_expression: exp('$severity < 3') }]
    )
    expect(filter.getConstraints([first, second]).map((c) => c.constraint_id)).toEqual([
      first,
      second
    ])
    expect(filter.getConstraints([second])[0]?.constraint_expression.constraint_expr).toBe(
      '$severity < 3'
    )
    filter.removeAllConstraints()
    expect(filter.getAllConstraints()).toEqual([])
    expect(codeOf(() => filter.getConstraints([first]))).toBe('ConstraintNotFound')
    expect(filter.addConstraints([exp('TRUE')])[0]?.constraint_id).toBeGreaterThan(second)
  })

  it('30. remove_filter/get_filter with unknown ID → FilterNotFound; a filter shared by two proxies affects both', () => {
    // FilterNotFound belongs to the FilterAdmin of the channel model; here: the shared filter.
    const shared = filterOf(exp('$severity > 3'))
    const proxyA: FilterLike[] = [shared]
    const proxyB: FilterLike[] = [shared, filterOf(exp('FALSE'))]
    expect([groupPasses(proxyA, EXAMPLE_E2), groupPasses(proxyB, EXAMPLE_E2)]).toEqual([
      false,
      false
    ])
    shared.addConstraints([exp("$host == 'edge1'")])
    expect([groupPasses(proxyA, EXAMPLE_E2), groupPasses(proxyB, EXAMPLE_E2)]).toEqual([true, true])
    shared.destroy()
    expect([groupPasses(proxyA, EXAMPLE_E1), groupPasses(proxyB, EXAMPLE_E1)]).toEqual([
      false,
      false
    ])
  })

  it('31. MappingFilter: first-best constraint value returned, default on no match, InvalidValue on wrong value type; priority_filter changes delivery order for that consumer only', () => {
    const priority = new FilterFactory().createMappingFilter('EXTENDED_TCL', { t: 'short', v: 0 })
    priority.addMappingConstraints([
      { constraint_expression: exp('$severity >= 2'), result_to_set: { t: 'short', v: 10 } },
      { constraint_expression: exp('$severity >= 4'), result_to_set: { t: 'short', v: 100 } }
    ])
    expect(EVENTS.map((e) => priority.match(e))).toEqual([
      { matched: true, value: { t: 'short', v: 100 } },
      { matched: true, value: { t: 'short', v: 10 } },
      { matched: false, value: { t: 'short', v: 0 } }
    ])
    expect(
      codeOf(() =>
        priority.addMappingConstraints([
          { constraint_expression: exp('TRUE'), result_to_set: 'high' }
        ])
      )
    ).toBe('InvalidValue')
    // "For that consumer only": a mapping filter is per holder; another has its own values.
    const other = new FilterFactory().createMappingFilter('EXTENDED_TCL', 0)
    expect(other.match(EXAMPLE_E1)).toEqual({ matched: false, value: 0 })
  })

  it("32. create_filter('FOO') → InvalidGrammar", () => {
    const factory = new FilterFactory()
    expect(codeOf(() => factory.createFilter('FOO'))).toBe('InvalidGrammar')
    expect(codeOf(() => factory.createMappingFilter('FOO', 0))).toBe('InvalidGrammar')
    expect(
      ['EXTENDED_TCL', 'ETCL', 'TCL'].map((g) => factory.createFilter(g).constraintGrammar)
    ).toEqual(['EXTENDED_TCL', 'ETCL', 'TCL'])
  })
})
