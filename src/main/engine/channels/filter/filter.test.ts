import { describe, expect, it, vi } from 'vitest'
import type { EventType } from '../event'
import { ConstraintSyntaxError } from '../etcl/constraint-syntax-error'
import { EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3 } from '../etcl/example-events'
import type { ConstraintExp } from './constraint-exp'
import { Filter } from './filter'
import { FilterError } from './filter-error'

const ALL: EventType[] = [{ domain_name: '*', type_name: '*' }]
const exp = (constraint_expr: string, event_types: EventType[] = ALL): ConstraintExp => ({
  event_types,
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

const matches = (filter: Filter): boolean[] =>
  [EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3].map((e) => filter.match(e))

describe('Filter', () => {
  it('matches nothing without constraints', () => {
    expect(matches(new Filter(1, 'EXTENDED_TCL'))).toEqual([false, false, false])
  })

  it('ORs its constraints (§4.6 filter F1)', () => {
    const f1 = new Filter(1, 'EXTENDED_TCL')
    f1.addConstraints([
      exp('$severity > 3', [{ domain_name: 'Telecom', type_name: 'CommunicationsAlarm' }]),
      exp("$host == 'edge1'")
    ])
    expect(matches(f1)).toEqual([true, true, false])
  })

  it('applies constraint event types with globs, %ANY for untyped events', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    f.addConstraints([exp('$severity > 3', [{ domain_name: 'Telecom', type_name: '*Alarm' }])])
    expect(matches(f)).toEqual([true, false, false])
    const g = new Filter(2, 'EXTENDED_TCL')
    g.addConstraints([exp('$.age > 18', [{ domain_name: '', type_name: '%ANY' }])])
    expect(matches(g)).toEqual([false, false, true])
    const h = new Filter(3, 'EXTENDED_TCL')
    h.addConstraints([exp('TRUE', [])])
    expect(matches(h)).toEqual([true, true, true])
  })

  it('assigns unique ids, never reused', () => {
    const f = new Filter(1, 'ETCL')
    const [a, b] = f.addConstraints([exp('TRUE'), exp('FALSE')])
    f.removeAllConstraints()
    const [c] = f.addConstraints([exp('TRUE')])
    expect([a?.constraint_id, b?.constraint_id, c?.constraint_id]).toEqual([1, 2, 3])
    expect(f.getAllConstraints()).toEqual([
      { constraint_id: 3, constraint_expression: exp('TRUE') }
    ])
  })

  it('adds all or nothing, naming the offending expression and its column', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    const err = thrown(() => f.addConstraints([exp('TRUE'), exp('($x == 1 and')]))
    expect(err.code).toBe('InvalidConstraint')
    expect(err.details.constraint).toEqual(exp('($x == 1 and'))
    expect(err.details.cause).toBeInstanceOf(ConstraintSyntaxError)
    expect((err.details.cause as ConstraintSyntaxError).column).toBe(13)
    expect(f.getAllConstraints()).toEqual([])
    expect(thrown(() => f.addConstraints([exp("5 + 'al'")])).code).toBe('InvalidConstraint')
  })

  it('rejects malformed constraint shapes as InvalidConstraint', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    const bad = {
      event_types: [{ domain_name: 1 }],
      constraint_expr: 'TRUE'
    } as unknown as ConstraintExp
    expect(thrown(() => f.addConstraints([bad])).code).toBe('InvalidConstraint')
  })

  it('copies expressions in and out', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    const input = exp('TRUE')
    f.addConstraints([input])
    input.constraint_expr = 'FALSE'
    const [out] = f.getAllConstraints()
    if (out) out.constraint_expression.event_types.push({ domain_name: 'x', type_name: 'y' })
    expect(f.getAllConstraints()[0]?.constraint_expression).toEqual(exp('TRUE'))
  })

  describe('modifyConstraints', () => {
    function seeded(): Filter {
      const f = new Filter(1, 'EXTENDED_TCL')
      f.addConstraints([exp('$severity > 3'), exp("$host == 'edge1'"), exp('FALSE')])
      return f
    }

    it('deletes and replaces in place, keeping ids', () => {
      const f = seeded()
      f.modifyConstraints([3], [{ constraint_id: 1, constraint_expression: exp('$severity < 3') }])
      expect(
        f.getAllConstraints().map((c) => [c.constraint_id, c.constraint_expression.constraint_expr])
      ).toEqual([
        [1, '$severity < 3'],
        [2, "$host == 'edge1'"]
      ])
      expect(matches(f)).toEqual([false, true, false])
    })

    it.each<[string, number[], number[], string]>([
      ['an unknown id to delete', [9], [], 'ConstraintNotFound'],
      ['an unknown id to modify', [], [9], 'ConstraintNotFound'],
      ['an id both deleted and modified', [1], [1], 'ConstraintNotFound'],
      ['a bad expression', [3], [2], 'InvalidConstraint']
    ])('is atomic: %s leaves the filter unchanged', (_what, del, mod, code) => {
      const f = seeded()
      const before = f.getAllConstraints()
      const modifyList = mod.map((id) => ({
        constraint_id: id,
        constraint_expression: exp(code === 'InvalidConstraint' ? '$x ==' : 'TRUE')
      }))
      const err = thrown(() => f.modifyConstraints(del, modifyList))
      expect(err.code).toBe(code)
      expect(f.getAllConstraints()).toEqual(before)
    })
  })

  it('gets constraints by id, ConstraintNotFound for an unknown one', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    f.addConstraints([exp('TRUE'), exp('FALSE')])
    expect(f.getConstraints([2]).map((c) => c.constraint_id)).toEqual([2])
    const err = thrown(() => f.getConstraints([1, 7]))
    expect(err.code).toBe('ConstraintNotFound')
    expect(err.details.id).toBe(7)
  })

  it('explains its verdict constraint by constraint', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    f.addConstraints([
      exp('TRUE', [{ domain_name: 'Finance', type_name: '*' }]),
      exp('$nothing == 1'),
      exp('$severity == 2'),
      exp('TRUE')
    ])
    const verdict = f.explain(EXAMPLE_E2)
    expect(verdict.matched).toBe(true)
    expect(verdict.matchedBy).toBe(3)
    expect(
      verdict.constraints.map((c) => [c.constraint_id, c.typeMatched, c.outcome?.matched])
    ).toEqual([
      [1, false, undefined],
      [2, true, false],
      [3, true, true]
    ])
    expect(verdict.constraints[1]?.outcome?.failure?.kind).toBe('missing')
  })

  it('uses its clock for $curtime', () => {
    const f = new Filter(1, 'EXTENDED_TCL', { clock: () => 0 })
    f.addConstraints([exp('$curtime.time == 122192928000000000')])
    expect(f.match(EXAMPLE_E3)).toBe(true)
  })

  it('after destroy matches nothing and refuses every other operation', () => {
    const f = new Filter(1, 'EXTENDED_TCL')
    f.addConstraints([exp('TRUE')])
    f.destroy()
    f.destroy()
    expect(f.destroyed).toBe(true)
    expect(f.match(EXAMPLE_E1)).toBe(false)
    for (const op of [
      () => f.addConstraints([]),
      () => f.getAllConstraints(),
      () => f.getConstraints([1]),
      () => f.modifyConstraints([], []),
      () => f.removeAllConstraints(),
      () => f.attachCallback({ subscriptionChange: () => undefined }),
      () => f.detachCallback(1),
      () => f.getCallbacks()
    ]) {
      expect(thrown(op).code).toBe('ObjectNotExist')
    }
  })

  describe('callbacks', () => {
    it('reports added and removed event types on every change', () => {
      const f = new Filter(1, 'EXTENDED_TCL')
      const change = vi.fn()
      const id = f.attachCallback({ subscriptionChange: change })
      expect(f.getCallbacks()).toEqual([id])
      const telecom = { domain_name: 'Telecom', type_name: '*Alarm' }
      const [c] = f.addConstraints([exp('TRUE', [telecom]), exp('FALSE', [telecom])])
      expect(change).toHaveBeenLastCalledWith([telecom], [])
      f.addConstraints([exp('TRUE', [])])
      expect(change).toHaveBeenLastCalledWith([{ domain_name: '*', type_name: '%ALL' }], [])
      f.modifyConstraints(
        [],
        [
          {
            constraint_id: c?.constraint_id ?? 0,
            constraint_expression: exp('TRUE', [{ domain_name: '', type_name: '' }])
          }
        ]
      )
      expect(change).toHaveBeenCalledTimes(2)
      f.removeAllConstraints()
      expect(change).toHaveBeenLastCalledWith(
        [],
        [{ domain_name: '*', type_name: '%ALL' }, telecom]
      )
      f.detachCallback(id)
      f.addConstraints([exp('TRUE')])
      expect(change).toHaveBeenCalledTimes(3)
      expect(thrown(() => f.detachCallback(id)).code).toBe('CallbackNotFound')
    })

    it('isolates a failing callback', () => {
      const f = new Filter(1, 'EXTENDED_TCL')
      const good = vi.fn()
      f.attachCallback({
        subscriptionChange: () => {
          throw new Error('client gone')
        }
      })
      f.attachCallback({ subscriptionChange: good })
      expect(f.addConstraints([exp('TRUE')])).toHaveLength(1)
      expect(good).toHaveBeenCalledOnce()
      expect(f.callbackFailures).toBe(1)
    })
  })
})
