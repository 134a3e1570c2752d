/** A seeded PRNG (mulberry32): the same seed gives the same sequence, in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * Picks key numbers 1..K: uniformly, or Zipf with s = 1 (key n with weight 1/n, so a few keys are
 * hot) by binary search over the cumulative weights.
 */
export function keyPicker(keys: number, zipf: boolean, random: () => number): () => number {
  if (!zipf) return () => 1 + Math.floor(random() * keys)
  const cdf = new Float64Array(keys)
  let sum = 0
  for (let n = 1; n <= keys; n++) cdf[n - 1] = sum += 1 / n
  return (): number => {
    const target = random() * sum
    let lo = 0
    let hi = keys - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((cdf[mid] as number) < target) lo = mid + 1
      else hi = mid
    }
    return lo + 1
  }
}
