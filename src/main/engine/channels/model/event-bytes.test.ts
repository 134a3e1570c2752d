import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../event'
import { eventBytes } from './event-bytes'

describe('eventBytes', () => {
  it('is close to the JSON length of the event (within 25% for a typical structured event)', () => {
    const event = {
      header: {
        fixed_header: { event_type: { domain_name: 'Lab', type_name: 'Reading' }, event_name: 'r' },
        variable_header: [{ name: 'Priority', value: 3 }]
      },
      filterable_data: [{ name: 'host', value: 'router7' }],
      remainder_of_body: { text: 'x'.repeat(500) }
    }
    const json = JSON.stringify(event).length
    const bytes = eventBytes({ kind: 'structured', event } as never)
    expect(bytes).toBeGreaterThanOrEqual(json * 0.75)
    expect(bytes).toBeLessThanOrEqual(json * 1.25)
    expect(eventBytes({ kind: 'any', data: 'y'.repeat(100_000) })).toBeGreaterThanOrEqual(100_000)
  })

  it('walks any depth without recursion, and stops once past stopAbove', () => {
    let deep: JsonValue = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(eventBytes({ kind: 'any', data: deep })).toBeGreaterThan(100_000)
    const wide = Array.from({ length: 100_000 }, () => 'abcdefgh')
    // In full it would be 1.3 MB; the walk stops after the array itself and a few strings.
    expect(eventBytes({ kind: 'any', data: wide }, 1_000)).toBeLessThan(110_000)
  })
})
