import { describe, expect, it } from 'vitest'
import type { EventType } from '../event'
import { EXAMPLE_E1, EXAMPLE_E3 } from '../etcl/example-events'
import {
  eventTypeMatches,
  eventTypeOf,
  eventTypesMatch,
  globMatches,
  isAllEventTypes,
  normalizeEventType
} from './event-type-match'

const type = (domain_name: string, type_name: string): EventType => ({ domain_name, type_name })

describe('event type matching (§2.7)', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['Tele*', 'Telecom', true],
    ['Tele*', 'Tel', false],
    ['*Alarm', 'CommunicationsAlarm', true],
    ['*Alarm', 'AlarmX', false],
    ['C*s*Alarm', 'CommunicationsAlarm', true],
    ['a*b*c', 'abxbxc', true],
    ['a*b*c', 'abxbx', false],
    ['**', 'x', true],
    ['Telecom', 'Telecom', true],
    ['Telecom', 'telecom', false],
    ['x.y', 'xzy', false],
    ['%ANY', '%ANY', true]
  ])('glob %s vs %s → %s', (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected)
  })

  it('treats an empty field like *', () => {
    expect(eventTypeMatches(type('', ''), type('Telecom', 'Alarm'))).toBe(true)
    expect(eventTypeMatches(type('', 'Alarm'), type('Finance', 'Alarm'))).toBe(true)
    expect(eventTypeMatches(type('Telecom', ''), type('Telecom', 'X'))).toBe(true)
  })

  it('treats %ALL as every type name', () => {
    expect(eventTypeMatches(type('*', '%ALL'), type('Telecom', 'Alarm'))).toBe(true)
    expect(eventTypeMatches(type('', '%ALL'), type('', '%ANY'))).toBe(true)
    expect(eventTypeMatches(type('Telecom', '%ALL'), type('Finance', 'Alarm'))).toBe(false)
  })

  it('matches case-sensitively on both fields', () => {
    expect(eventTypeMatches(type('Telecom', '*Alarm'), type('Telecom', 'QoSAlarm'))).toBe(true)
    expect(eventTypeMatches(type('Telecom', '*Alarm'), type('Telecom', 'QoSalarm'))).toBe(false)
    expect(eventTypeMatches(type('telecom', '*'), type('Telecom', 'X'))).toBe(false)
  })

  it('gives untyped events the type ("", "%ANY")', () => {
    expect(eventTypeOf(EXAMPLE_E3)).toEqual(type('', '%ANY'))
    expect(eventTypeOf(EXAMPLE_E1)).toEqual(type('Telecom', 'CommunicationsAlarm'))
    expect(eventTypeMatches(type('Telecom', '*Alarm'), eventTypeOf(EXAMPLE_E3))).toBe(false)
  })

  it('reads an empty EventTypeSeq as all types', () => {
    expect(eventTypesMatch([], type('x', 'y'))).toBe(true)
    expect(eventTypesMatch([type('a', 'b'), type('x', '*')], type('x', 'y'))).toBe(true)
    expect(eventTypesMatch([type('a', 'b')], type('x', 'y'))).toBe(false)
  })

  it("normalises every fully wild pair to ('*', '%ALL') like TAO", () => {
    for (const wild of [type('', ''), type('*', '*'), type('', '%ALL'), type('*', '')]) {
      expect(isAllEventTypes(wild)).toBe(true)
      expect(normalizeEventType(wild)).toEqual(type('*', '%ALL'))
    }
    expect(normalizeEventType(type('Telecom', '*'))).toEqual(type('Telecom', '*'))
  })
})
