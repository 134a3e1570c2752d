import { describe, expect, it } from 'vitest'
import { ChanceSalt, LinkChance } from './link-chance'

function drops(seed: number, p: number): number[] {
  const chance = new LinkChance(seed)
  const out: number[] = []
  for (let epoch = 1; epoch <= 2_000; epoch++) {
    if (chance.roll('to-worker', epoch)(ChanceSalt.Drop) < p) out.push(epoch)
  }
  return out
}

describe('LinkChance', () => {
  it('drops the same epochs for the same seed, others for another, at the asked rate', () => {
    const a = drops(7, 0.2)
    expect(drops(7, 0.2)).toEqual(a)
    expect(drops(8, 0.2)).not.toEqual(a)
    expect(a.length / 2_000).toBeGreaterThan(0.15)
    expect(a.length / 2_000).toBeLessThan(0.25)
  })

  it('gives a re-send of an epoch its own roll (a dropped epoch is not dropped forever)', () => {
    const chance = new LinkChance(1)
    const rolls = Array.from({ length: 20 }, () => chance.roll('to-worker', 5)(ChanceSalt.Drop))
    expect(new Set(rolls).size).toBe(20)
    // The directions and the decisions are independent too.
    const c2 = new LinkChance(1)
    const r = c2.roll('to-dispatcher', 5)
    expect(r(ChanceSalt.Drop)).not.toBe(rolls[0])
    expect(r(ChanceSalt.Duplicate)).not.toBe(r(ChanceSalt.Drop))
  })
})
