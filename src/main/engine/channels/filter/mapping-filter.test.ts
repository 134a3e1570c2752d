import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../event'
import { EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3 } from '../etcl/example-events'
import type { ConstraintExp } from './constraint-exp'
import { FilterError } from './filter-error'
import { isOfValueType, MappingFilter, valueTypeOf } from './mapping-filter'

const exp = (constraint_expr: string): ConstraintExp => ({
  event_types: [{ domain_name: '*', type_name: '*' }],
  constraint_expr
})

function thrown(fn: () => unknown): FilterError {
  try {
    fn()
  } catch (err) {
    if (err instanceof FilterError) return err
    throw err
  }
  throw new Error('nothing thrown')
}

describe('MappingFilter', () => {
  it('maps to the best matching value, the default on no match (§4.6 priority example)', () => {
    const f = new MappingFilter(1, 'EXTENDED_TCL', { t: 'short', v: 0 })
    // Added worst first: the filter must still try the best value first.
    f.addMappingConstraints([
      { constraint_expression: exp('$severity >= 2'), result_to_set: 10 },
      { constraint_expression: exp('$severity >= 4'), result_to_set: 100 }
    ])
    expect(f.match(EXAMPLE_E1)).toEqual({ matched: true, value: 100 })
    expect(f.match(EXAMPLE_E2)).toEqual({ matched: true, value: 10 })
    expect(f.match(EXAMPLE_E3)).toEqual({ matched: false, value: { t: 'short', v: 0 } })
  })

  it('tries the longest lifetime first for TimeT values, ties in id order', () => {
    const f = new MappingFilter(1, 'ETCL', { t: 'TimeT', v: 0 })
    f.addMappingConstraints([
      { constraint_expression: exp('TRUE'), result_to_set: { t: 'TimeT', v: 5 } },
      { constraint_expression: exp('TRUE'), result_to_set: { t: 'TimeT', v: '50000000' } },
      { constraint_expression: exp('$severity > 0'), result_to_set: 50_000_000 }
    ])
    expect(f.match(EXAMPLE_E1)).toEqual({ matched: true, value: { t: 'TimeT', v: '50000000' } })
  })

  it('keeps id order for non-numeric values', () => {
    const f = new MappingFilter(1, 'EXTENDED_TCL', 'none')
    f.addMappingConstraints([
      { constraint_expression: exp('TRUE'), result_to_set: 'first' },
      { constraint_expression: exp('TRUE'), result_to_set: 'second' }
    ])
    expect(f.match(EXAMPLE_E2).value).toBe('first')
  })

  it('raises InvalidValue for a value not of the value type, adding nothing', () => {
    const f = new MappingFilter(1, 'EXTENDED_TCL', { t: 'short', v: 0 })
    for (const value of ['high', 1.5, 40_000, { t: 'long', v: 1 }] as JsonValue[]) {
      const err = thrown(() =>
        f.addMappingConstraints([
          { constraint_expression: exp('TRUE'), result_to_set: 1 },
          { constraint_expression: exp('TRUE'), result_to_set: value }
        ])
      )
      expect(err.code).toBe('InvalidValue')
      expect(err.details.value).toEqual(value)
    }
    expect(f.getAllMappingConstraints()).toEqual([])
  })

  it('raises InvalidConstraint for a bad expression', () => {
    const f = new MappingFilter(1, 'EXTENDED_TCL', 0)
    expect(
      thrown(() =>
        f.addMappingConstraints([{ constraint_expression: exp('$x >'), result_to_set: 1 }])
      ).code
    ).toBe('InvalidConstraint')
  })

  it('modifies atomically and re-sorts', () => {
    const f = new MappingFilter(1, 'EXTENDED_TCL', 0)
    const [a, b] = f.addMappingConstraints([
      { constraint_expression: exp('TRUE'), result_to_set: 1 },
      { constraint_expression: exp('TRUE'), result_to_set: 2 }
    ])
    const ida = a?.constraint_id ?? 0
    const idb = b?.constraint_id ?? 0
    expect(
      thrown(() =>
        f.modifyMappingConstraints(
          [],
          [{ constraint_id: ida, constraint_expression: exp('TRUE'), value: 'x' }]
        )
      ).code
    ).toBe('InvalidValue')
    expect(thrown(() => f.modifyMappingConstraints([99], [])).code).toBe('ConstraintNotFound')
    expect(f.match(EXAMPLE_E1).value).toBe(2)
    f.modifyMappingConstraints(
      [idb],
      [{ constraint_id: ida, constraint_expression: exp('TRUE'), value: 7 }]
    )
    expect(f.getMappingConstraints([ida])).toEqual([
      { constraint_id: ida, constraint_expression: exp('TRUE'), value: 7 }
    ])
    expect(f.match(EXAMPLE_E1).value).toBe(7)
    expect(thrown(() => f.getMappingConstraints([idb])).code).toBe('ConstraintNotFound')
    f.removeAllMappingConstraints()
    expect(f.match(EXAMPLE_E1)).toEqual({ matched: false, value: 0 })
  })

  it('after destroy yields the default and refuses other operations', () => {
    const f = new MappingFilter(1, 'EXTENDED_TCL', 0)
    f.addMappingConstraints([{ constraint_expression: exp('TRUE'), result_to_set: 1 }])
    f.destroy()
    expect(f.match(EXAMPLE_E1)).toEqual({ matched: false, value: 0 })
    expect(thrown(() => f.getAllMappingConstraints()).code).toBe('ObjectNotExist')
  })

  it.each<[JsonValue, string]>([
    [0, 'long'],
    [0.5, 'double'],
    ['x', 'string'],
    [true, 'boolean'],
    [null, 'null'],
    [[1], 'sequence'],
    [{ a: 1 }, 'struct'],
    [{ t: 'short', v: 1 }, 'short'],
    [{ t: 'any', v: 1.5 }, 'double'],
    [{ t: 'enum', type: 'State', v: 'UP' }, 'enum State'],
    [{ t: 'struct', name: 'P', members: [] }, 'struct P'],
    [{ t: 'union', name: 'U', disc: 1, v: 1 }, 'union U']
  ])('value type of %j is %s', (value, expected) => {
    expect(valueTypeOf(value)).toBe(expected)
  })

  it('lets plain JSON numbers fill typed numeric value types within range', () => {
    expect(isOfValueType(100, 'short')).toBe(true)
    expect(isOfValueType(-1, 'ushort')).toBe(false)
    expect(isOfValueType(3, 'double')).toBe(true)
    expect(isOfValueType({ t: 'short', v: 40_000 }, 'short')).toBe(false)
  })
})
