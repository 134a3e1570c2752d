import { describe, expect, it } from 'vitest'
import { keyPicker, seededRandom } from './prng'

describe('seededRandom and keyPicker', () => {
  it('the same seed gives the same sequence, in [0, 1)', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const xs = Array.from({ length: 100 }, () => a())
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(seededRandom(43)()).not.toBe(xs[0])
  })

  it('picks keys 1..K; Zipf makes key 1 the hottest', () => {
    const uniform = keyPicker(10, false, seededRandom(1))
    const zipf = keyPicker(10, true, seededRandom(1))
    const hits = new Array<number>(11).fill(0)
    for (let i = 0; i < 10_000; i++) {
      const u = uniform()
      expect(u >= 1 && u <= 10).toBe(true)
      const z = zipf()
      hits[z] = (hits[z] ?? 0) + 1
    }
    expect(hits[0]).toBe(0)
    expect(hits[1]).toBeGreaterThan(hits[10] as number)
    expect(hits[1]).toBeGreaterThan(2_500)
  })
})
