import {
  CONSUMER_QUEUE_HARD_LIMIT_BYTES,
  CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
  DeadlineOrder,
  LifoOrder,
  PriorityOrder
} from './constants'

/** What the queue needs to know about an event to order, discard, hold and expire it. */
export interface QueueEntry {
  /** Channel-wide receive sequence number: smaller = received earlier. */
  readonly seq: number
  /** Effective priority for this consumer (header, mapping filter or QoS default). */
  readonly priority: number
  /** Absolute expiry in ms since the epoch (earliest of StopTime and Timeout), null = never. */
  readonly deadlineMs: number | null
  /** Absolute earliest delivery time in ms (StartTime), null = immediately. */
  readonly startMs: number | null
  /** What the event costs the queue, in bytes (its JSON size); 0 when not measured. */
  readonly bytes?: number
}

/** Limits and policies in force for one enqueue, read from the proxy's effective QoS. */
export interface QueuePolicy {
  /** MaxEventsPerConsumer; 0 = unlimited (the hard limit still applies). */
  maxEvents: number
  /** OrderPolicy value (AnyOrder..DeadlineOrder). */
  orderPolicy: number
  /** DiscardPolicy value (AnyOrder..LifoOrder). */
  discardPolicy: number
}

/** Which bound of the queue an event was dropped for: its event count or its byte budget. */
export type QueueLimit = 'events' | 'bytes'

/** Outcome of {@link ConsumerQueue.offer}. */
export interface OfferResult<T> {
  /** False when the incoming event itself was chosen as the victim. */
  accepted: boolean
  /** Every event dropped to make room, in drop order; contains the incoming one if not accepted. */
  discarded: T[]
  /** For each entry of `discarded` (same index), the bound that was reached. */
  limits: QueueLimit[]
}

const bytesOf = (e: QueueEntry): number => e.bytes ?? 0

const deadlineKey = (e: QueueEntry): number => e.deadlineMs ?? Number.POSITIVE_INFINITY

/**
 * The queued event a DiscardPolicy would drop first from `entries` (digest §3.3, §3.5), ignoring
 * any incoming event. AnyOrder/FifoOrder: the oldest; LifoOrder: the newest queued; PriorityOrder:
 * the lowest priority, among equals the newest (the one that would be delivered last);
 * DeadlineOrder: the soonest deadline, among equals the oldest, and the oldest when no queued event
 * has a deadline.
 */
export function queuedVictim<T extends QueueEntry>(
  entries: readonly T[],
  policy: number
): T | undefined {
  let best: T | undefined
  for (const e of entries) {
    if (best === undefined || isBetterVictim(policy, e, best)) best = e
  }
  return best
}

/** @returns true when `a` should be dropped before `b` under `policy` (both queued) */
export function isBetterVictim(policy: number, a: QueueEntry, b: QueueEntry): boolean {
  switch (policy) {
    case LifoOrder:
      return a.seq > b.seq
    case PriorityOrder:
      return a.priority < b.priority || (a.priority === b.priority && a.seq > b.seq)
    case DeadlineOrder: {
      const ka = deadlineKey(a)
      const kb = deadlineKey(b)
      return ka < kb || (ka === kb && a.seq < b.seq)
    }
    default:
      return a.seq < b.seq
  }
}

/**
 * Whether the incoming event is dropped instead of the best queued victim (§3.5): always under
 * LifoOrder (TAO reads "newest" as the incoming event); under PriorityOrder when the lowest queued
 * priority is ≥ the incoming one; under DeadlineOrder when the incoming deadline is strictly the
 * soonest; never under AnyOrder/FifoOrder.
 */
export function dropsIncoming(
  policy: number,
  incoming: QueueEntry,
  victim: QueueEntry | undefined
): boolean {
  if (victim === undefined) return true
  switch (policy) {
    case LifoOrder:
      return true
    case PriorityOrder:
      return victim.priority >= incoming.priority
    case DeadlineOrder:
      return deadlineKey(incoming) < deadlineKey(victim)
    default:
      return false
  }
}

/**
 * One consumer's queue of undelivered events (per proxy supplier), kept in delivery order as
 * chosen by OrderPolicy at insertion time and bounded by MaxEventsPerConsumer (or the hard limit
 * when that is 0) and by a byte budget (the sum of the entries' `bytes`). Pure data structure:
 * no timers, no I/O.
 */
export class ConsumerQueue<T extends QueueEntry> {
  readonly #hardLimit: number
  readonly #byteLimit: number
  #entries: T[] = []
  #bytes = 0

  /**
   * @param hardLimit - bound used when MaxEventsPerConsumer is 0 (unlimited), in events
   * @param byteLimit - bound of the sum of the entries' sizes, in bytes
   */
  constructor(
    hardLimit = CONSUMER_QUEUE_HARD_LIMIT_EVENTS,
    byteLimit = CONSUMER_QUEUE_HARD_LIMIT_BYTES
  ) {
    this.#hardLimit = hardLimit
    this.#byteLimit = byteLimit
  }

  /** Number of queued events (including held and not-yet-purged expired ones). */
  get length(): number {
    return this.#entries.length
  }

  /** Bytes the queued events take (sum of their `bytes`). */
  get bytes(): number {
    return this.#bytes
  }

  /** The byte budget, in bytes. */
  get byteCapacity(): number {
    return this.#byteLimit
  }

  /** The queued events in delivery order (read-only view). */
  entries(): readonly T[] {
    return this.#entries
  }

  /** The effective bound for a policy: MaxEventsPerConsumer capped by the hard limit. */
  capacity(policy: QueuePolicy): number {
    return policy.maxEvents > 0 ? Math.min(policy.maxEvents, this.#hardLimit) : this.#hardLimit
  }

  /**
   * Enqueues with the overflow algorithm of digest §3.5: while the queue is at capacity — in
   * events, or in bytes once the incoming event is added — pick the DiscardPolicy victim
   * (possibly the incoming event, which then is not queued) and drop it; then insert according
   * to OrderPolicy. An event larger than the whole byte budget is dropped at once.
   */
  offer(entry: T, policy: QueuePolicy): OfferResult<T> {
    const discarded: T[] = []
    const limits: QueueLimit[] = []
    const cap = this.capacity(policy)
    const size = bytesOf(entry)
    for (;;) {
      const limit: QueueLimit | null =
        this.#entries.length >= cap
          ? 'events'
          : this.#bytes + size > this.#byteLimit
            ? 'bytes'
            : null
      if (limit === null) break
      const victim = queuedVictim(this.#entries, policy.discardPolicy)
      if (
        victim === undefined ||
        size > this.#byteLimit ||
        dropsIncoming(policy.discardPolicy, entry, victim)
      ) {
        discarded.push(entry)
        limits.push(limit)
        return { accepted: false, discarded, limits }
      }
      this.remove(victim.seq)
      discarded.push(victim)
      limits.push(limit)
    }
    this.#insert(entry, policy.orderPolicy)
    this.#bytes += size
    return { accepted: true, discarded, limits }
  }

  /** Removes the event with this sequence number. @returns it, or undefined */
  remove(seq: number): T | undefined {
    const index = this.#entries.findIndex((e) => e.seq === seq)
    if (index < 0) return undefined
    const removed = this.#entries.splice(index, 1)[0]
    if (removed !== undefined) this.#bytes -= bytesOf(removed)
    return removed
  }

  /** Removes every event whose deadline has passed. @returns them, in queue order */
  purgeExpired(nowMs: number): T[] {
    const expired = this.#entries.filter((e) => e.deadlineMs !== null && e.deadlineMs <= nowMs)
    if (expired.length > 0) {
      this.#entries = this.#entries.filter((e) => !expired.includes(e))
      for (const e of expired) this.#bytes -= bytesOf(e)
    }
    return expired
  }

  /**
   * Takes up to `max` deliverable events in queue order (§3.5 dequeue): expired events are removed
   * and returned separately, events whose start time is in the future stay queued.
   */
  take(nowMs: number, max: number): { events: T[]; expired: T[] } {
    const expired = this.purgeExpired(nowMs)
    const events: T[] = []
    const kept: T[] = []
    for (const e of this.#entries) {
      if (events.length < max && (e.startMs === null || e.startMs <= nowMs)) events.push(e)
      else kept.push(e)
    }
    this.#entries = kept
    for (const e of events) this.#bytes -= bytesOf(e)
    return { events, expired }
  }

  /** @returns how many events are deliverable now (not held, not expired) */
  deliverableCount(nowMs: number): number {
    let n = 0
    for (const e of this.#entries) {
      const alive = e.deadlineMs === null || e.deadlineMs > nowMs
      if (alive && (e.startMs === null || e.startMs <= nowMs)) n++
    }
    return n
  }

  /** @returns the next time something changes by itself (a start time or a deadline), or null */
  nextWakeMs(nowMs: number): number | null {
    let next: number | null = null
    for (const e of this.#entries) {
      for (const t of [e.startMs, e.deadlineMs]) {
        if (t !== null && t > nowMs && (next === null || t < next)) next = t
      }
    }
    return next
  }

  /** Empties the queue. @returns what it held */
  clear(): T[] {
    const all = this.#entries
    this.#entries = []
    this.#bytes = 0
    return all
  }

  #insert(entry: T, orderPolicy: number): void {
    // AnyOrder (FIFO, as TAO) and FifoOrder append; the others insert before the first entry
    // that would be delivered later, which keeps FIFO among equals.
    let index = this.#entries.length
    if (orderPolicy === PriorityOrder) {
      const at = this.#entries.findIndex((e) => e.priority < entry.priority)
      if (at >= 0) index = at
    } else if (orderPolicy === DeadlineOrder) {
      const key = deadlineKey(entry)
      const at = this.#entries.findIndex((e) => deadlineKey(e) > key)
      if (at >= 0) index = at
    }
    this.#entries.splice(index, 0, entry)
  }
}
