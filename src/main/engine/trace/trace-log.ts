import {
  TRACE_BUFFER_MAX,
  TRACE_DATA_MAX_FIELDS,
  TRACE_MESSAGE_MAX_BYTES,
  TRACE_STRING_MAX_BYTES,
  truncateUtf8,
  type TraceData,
  type TraceEvent
} from '@shared/contract'

type Listener = (event: TraceEvent) => void

/**
 * The engine's trace: a ring buffer of the most recent events plus live listeners. Memory is
 * bounded by `capacity` whatever the traffic; older events are evicted and counted. Each event is
 * cut to the contract's bounds (TRACE_MESSAGE_MAX_BYTES …) as it is recorded, and its JSON size is
 * kept beside it so frames can be filled to a byte budget without serialising twice.
 */
export class TraceLog {
  readonly #capacity: number
  readonly #ring: (TraceEvent | undefined)[]
  /** JSON size in bytes of the event in the same slot of #ring. */
  readonly #bytes: number[]
  #next = 0
  #size = 0
  #nextId = 1
  #total = 0
  #evicted = 0
  readonly #listeners = new Set<Listener>()

  constructor(capacity: number = TRACE_BUFFER_MAX) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1')
    this.#capacity = capacity
    this.#ring = new Array<TraceEvent | undefined>(capacity)
    this.#bytes = new Array<number>(capacity).fill(0)
  }

  /** Records an event (cut to the bounds), assigning its id and time, and tells every listener. */
  emit(event: Omit<TraceEvent, 'id' | 'at'> & { at?: number }): TraceEvent {
    const full: TraceEvent = {
      source: event.source,
      type: truncateUtf8(event.type, TRACE_STRING_MAX_BYTES),
      level: event.level,
      message: truncateUtf8(event.message, TRACE_MESSAGE_MAX_BYTES),
      ...(event.data ? { data: boundData(event.data) } : {}),
      id: this.#nextId++,
      at: event.at ?? Date.now()
    }
    if (this.#size === this.#capacity) this.#evicted++
    else this.#size++
    this.#ring[this.#next] = full
    this.#bytes[this.#next] = Buffer.byteLength(JSON.stringify(full))
    this.#next = (this.#next + 1) % this.#capacity
    this.#total++
    for (const listener of this.#listeners) listener(full)
    return full
  }

  /** The most recent `limit` events, oldest first. */
  recent(limit: number = this.#capacity): TraceEvent[] {
    const count = Math.min(limit, this.#size)
    const out: TraceEvent[] = []
    for (let i = count; i > 0; i--) {
      const event = this.#ring[(this.#next - i + this.#capacity) % this.#capacity]
      if (event) out.push(event)
    }
    return out
  }

  /**
   * Events with an id above `afterId`, oldest first: the newest ones, at most `limit` of them and at
   * most `maxBytes` of JSON together (array punctuation included), so the oldest are the ones left
   * out. `skipped` counts those that happened but are not returned: evicted from the ring, beyond
   * the limit or beyond the byte budget.
   */
  since(
    afterId: number,
    limit: number,
    maxBytes: number = Number.POSITIVE_INFINITY
  ): { events: TraceEvent[]; skipped: number } {
    const latest = this.#nextId - 1
    const wanted = Math.max(0, latest - afterId)
    const count = Math.min(wanted, limit, this.#size)
    const events: TraceEvent[] = []
    let bytes = 2 // []
    for (let i = 1; i <= count; i++) {
      const slot = (this.#next - i + this.#capacity) % this.#capacity
      const event = this.#ring[slot]
      if (!event || event.id <= afterId) break
      bytes += (this.#bytes[slot] ?? 0) + 1 // the comma
      if (bytes > maxBytes) break
      events.push(event)
    }
    events.reverse()
    return { events, skipped: wanted - events.length }
  }

  /** Id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.#nextId - 1
  }

  /** Forgets the history (ids keep increasing, so subscribers see no reuse). */
  clear(): void {
    this.#ring.fill(undefined)
    this.#bytes.fill(0)
    this.#size = 0
    this.#next = 0
    this.#total = 0
    this.#evicted = 0
  }

  onEvent(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get total(): number {
    return this.#total
  }

  get evicted(): number {
    return this.#evicted
  }
}

/** Event data within the bounds: keys and string values cut, fields beyond the maximum counted. */
function boundData(data: TraceData): TraceData {
  const out: TraceData = {}
  let fields = 0
  let dropped = 0
  for (const [key, value] of Object.entries(data)) {
    if (fields === TRACE_DATA_MAX_FIELDS) {
      dropped++
      continue
    }
    fields++
    out[truncateUtf8(key, TRACE_STRING_MAX_BYTES)] =
      typeof value === 'string' ? truncateUtf8(value, TRACE_STRING_MAX_BYTES) : value
  }
  if (dropped > 0) out.truncatedFields = dropped
  return out
}
