import type { LinkDirection } from '@shared/contract/labs/dispatch'

/** What a roll decides, mixed into the hash so the three decisions of a message are independent. */
export const ChanceSalt = { Drop: 1, Duplicate: 2, Jitter: 3 } as const

/** murmur3's finalizer: a good 32-bit mix. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/**
 * The link's dice. Unseeded, Math.random. Seeded, each decision is a hash of (seed, direction,
 * epoch, how many times this epoch crossed this direction before, what is decided), so the same
 * seed drops, duplicates and delays the same epochs (and the same re-sends of them) in every run,
 * whatever the timing. The per-epoch counts grow with the run's epochs only (bounded by it).
 */
export class LinkChance {
  readonly #seed: number | null
  readonly #seen: Record<LinkDirection, Map<number, number>> = {
    'to-worker': new Map(),
    'to-dispatcher': new Map()
  }

  constructor(seed: number | null) {
    this.#seed = seed
  }

  /** The dice for one message of `epoch` (negative: unknown, then unseeded). */
  roll(direction: LinkDirection, epoch: number): (salt: number) => number {
    const seed = this.#seed
    if (seed === null || epoch < 0) return () => Math.random()
    const seen = this.#seen[direction]
    const n = seen.get(epoch) ?? 0
    seen.set(epoch, n + 1)
    const base = mix(mix(mix(seed ^ 0x9e3779b9) ^ (direction === 'to-worker' ? 1 : 2)) ^ epoch)
    return (salt) => mix(mix(base ^ n) ^ salt) / 0x1_0000_0000
  }
}
