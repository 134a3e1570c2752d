import { describe, expect, it } from 'vitest'
import { EXAMPLE_E1 } from '../etcl/example-events'
import { FilterError } from './filter-error'
import { FilterFactory } from './filter-factory'
import { groupPasses, hopPasses } from './filter-group'

describe('FilterFactory', () => {
  it.each(['EXTENDED_TCL', 'ETCL', 'TCL'])('creates %s filters', (grammar) => {
    const factory = new FilterFactory()
    expect(factory.createFilter(grammar).constraintGrammar).toBe(grammar)
    expect(factory.createMappingFilter(grammar, 0).constraintGrammar).toBe(grammar)
  })

  it.each(['FOO', 'extended_tcl', ''])('raises InvalidGrammar for %j', (grammar) => {
    const factory = new FilterFactory()
    for (const create of [
      () => factory.createFilter(grammar),
      () => factory.createMappingFilter(grammar, 0)
    ]) {
      try {
        create()
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(FilterError)
        expect((err as FilterError).code).toBe('InvalidGrammar')
      }
    }
  })

  it('numbers filters and mapping filters from one sequence', () => {
    const factory = new FilterFactory()
    expect([
      factory.createFilter('ETCL').id,
      factory.createMappingFilter('ETCL', 0).id,
      factory.createFilter('ETCL').id
    ]).toEqual([1, 2, 3])
  })

  it('hands its clock to the filters it creates', () => {
    const filter = new FilterFactory({ clock: () => 0 }).createFilter('EXTENDED_TCL')
    filter.addConstraints([
      { event_types: [], constraint_expr: '$curtime.time == 122192928000000000' }
    ])
    expect(filter.match(EXAMPLE_E1)).toBe(true)
  })
})

describe('filter groups (§4.2)', () => {
  const yes = { id: 1, match: (): boolean => true }
  const no = { id: 2, match: (): boolean => false }

  it('passes an empty group and needs one match otherwise', () => {
    expect(groupPasses([], EXAMPLE_E1)).toBe(true)
    expect(groupPasses([no, yes], EXAMPLE_E1)).toBe(true)
    expect(groupPasses([no], EXAMPLE_E1)).toBe(false)
  })

  it('combines admin and proxy groups by the operator', () => {
    expect(hopPasses('AND_OP', [], [no], EXAMPLE_E1)).toBe(false)
    expect(hopPasses('OR_OP', [], [no], EXAMPLE_E1)).toBe(true)
    expect(hopPasses('AND_OP', [yes], [yes], EXAMPLE_E1)).toBe(true)
    expect(hopPasses('OR_OP', [no], [no], EXAMPLE_E1)).toBe(false)
  })
})
