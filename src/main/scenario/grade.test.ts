import { describe, expect, it } from 'vitest'
import type { ScenarioOutcome } from '@shared/contract/scenario'
import { countHolds, grade } from './grade'

const outcome: ScenarioOutcome = {
  verdict: 'violated',
  guarantee: 'g',
  causes: { 'crash-after-work-before-mark': 3, 'concurrent-deliveries': 1 },
  counts: { zero: 0, many: 4 },
  facts: { lost: '' },
  notes: []
}

describe('grading an outcome against the expectation', () => {
  it('passes when everything matches', () => {
    expect(
      grade(
        {
          verdict: 'violated',
          causes: ['crash-after-work-before-mark'],
          allowedCauses: ['concurrent-deliveries'],
          counts: { zero: 0, many: { min: 1, max: 5 } },
          facts: { lost: '' }
        },
        outcome
      )
    ).toEqual([])
  })

  it('names every difference: expected X, got Y', () => {
    expect(
      grade(
        {
          verdict: 'held',
          causes: ['dedup-lost-redis-restart'],
          allowedCauses: [],
          counts: { zero: { min: 1 }, many: 3, missing: 1 },
          facts: { lost: '1,2' }
        },
        outcome
      )
    ).toEqual([
      'verdict: expected held, got violated',
      'causes: expected dedup-lost-redis-restart to be named, got crash-after-work-before-mark, concurrent-deliveries',
      'causes: crash-after-work-before-mark (×3) is not among the allowed dedup-lost-redis-restart',
      'causes: concurrent-deliveries (×1) is not among the allowed dedup-lost-redis-restart',
      'counts.zero: expected at least 1, got 0',
      'counts.many: expected 3, got 4',
      'counts.missing: expected 1, got nothing',
      'facts.lost: expected "1,2", got ""'
    ])
  })

  it('checks a wait range with open ends', () => {
    expect(countHolds(3, 1)).toBe(true)
    expect(countHolds(3, undefined, 2)).toBe(false)
    expect(countHolds(undefined, 0)).toBe(false)
  })
})
