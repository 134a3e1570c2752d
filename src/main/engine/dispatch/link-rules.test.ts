import { describe, expect, it } from 'vitest'
import { LinkRules, refreshDirection } from './link-rules'

function rulesWith(seed: number | null, dropP: number): LinkRules {
  const rules = new LinkRules(seed, () => undefined)
  const d = rules.dirs['to-worker']
  d.rule.dropP = dropP
  refreshDirection(d)
  return rules
}

describe('LinkRules', () => {
  it('unseeded dice never read the epoch except to report a fault', () => {
    const rules = rulesWith(null, 0.5)
    let reads = 0
    for (let i = 1; i <= 1_000; i++) {
      rules.decide('to-worker', () => {
        reads++
        return i
      })
    }
    const c = rules.dirs['to-worker'].counters
    expect(c.dropped + c.forwarded).toBe(1_000)
    expect(c.dropped).toBeGreaterThan(0)
    expect(reads).toBe(c.dropped)
  })

  it('seeded dice read the epoch of every message and drop the same epochs every time', () => {
    const dropped = (): number[] => {
      const rules = rulesWith(7, 0.3)
      const out: number[] = []
      for (let i = 1; i <= 500; i++) if (!rules.decide('to-worker', () => i)) out.push(i)
      return out
    }
    const first = dropped()
    expect(first.length).toBeGreaterThan(0)
    expect(dropped()).toEqual(first)
  })

  it('cut and drop-next drop before any dice, and drop-next runs out', () => {
    const rules = new LinkRules(null, () => undefined)
    const d = rules.dirs['to-dispatcher']
    d.rule.dropNext = 2
    refreshDirection(d)
    const passed = [1, 2, 3].map((e) => rules.decide('to-dispatcher', () => e) !== null)
    expect(passed).toEqual([false, false, true])
    expect(d.active).toBe(false)
    d.rule.cut = true
    refreshDirection(d)
    expect(rules.decide('to-dispatcher', () => 4)).toBeNull()
    expect(d.counters).toMatchObject({ droppedNext: 2, droppedCut: 1, forwarded: 1 })
  })
})
