import { keySlot } from './host/key-slot'

/** A primary and the slot ranges it owns (inclusive). */
export interface SlotOwner {
  id: string
  slots: ReadonlyArray<readonly [number, number]>
}

/** One partition of the topic: a stream whose hash tag puts it in a chosen primary's slots. */
export interface PartitionPlan {
  id: number
  /** The stream's key, `flowlab:<labId>:topic:{p<i>.<n>}`. */
  key: string
  slot: number
  /** The primary that owned the slot when the topic was laid out. */
  leader: string
}

/** Most tags tried per partition before giving up (a primary with a handful of slots is rare). */
const TAG_TRIES_MAX = 200_000

/**
 * Lays a topic of `count` partitions over the primaries, Kafka-style: partition i goes to the
 * (i mod P)-th primary in slot order, so each primary leads count/P of them. The hash tag
 * `{p<i>.<n>}` is the first n whose slot that primary owns.
 * @throws Error when there is no primary, or a primary owns no slot a tag reaches.
 */
export function planPartitions(
  labId: string,
  count: number,
  primaries: readonly SlotOwner[]
): PartitionPlan[] {
  const owners = primaries
    .filter((p) => p.slots.length > 0)
    .sort((a, b) => (a.slots[0]?.[0] ?? 0) - (b.slots[0]?.[0] ?? 0))
  if (owners.length === 0) throw new Error('the cluster has no primary that owns slots')
  const plans: PartitionPlan[] = []
  for (let i = 0; i < count; i++) {
    const owner = owners[i % owners.length] as SlotOwner
    const found = findTag(i, owner)
    if (!found) throw new Error(`no hash tag reaches the slots of primary ${owner.id}`)
    plans.push({
      id: i,
      key: `flowlab:${labId}:topic:{${found.tag}}`,
      slot: found.slot,
      leader: owner.id
    })
  }
  return plans
}

function findTag(partition: number, owner: SlotOwner): { tag: string; slot: number } | null {
  for (let n = 0; n < TAG_TRIES_MAX; n++) {
    const tag = `p${partition}.${n}`
    const slot = keySlot(tag)
    if (owner.slots.some(([from, to]) => slot >= from && slot <= to)) return { tag, slot }
  }
  return null
}

/** The primary that owns `slot`, if any. */
export function ownerOf(slot: number, primaries: readonly SlotOwner[]): string | null {
  for (const p of primaries) {
    if (p.slots.some(([from, to]) => slot >= from && slot <= to)) return p.id
  }
  return null
}

/** FNV-1a of a message key: the hash partitioner (stable across runs and machines). */
export function keyHash(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}
