import { TRACE_BUFFER_MAX, type TraceEvent } from '@shared/contract'

type Listener = (event: TraceEvent) => void

/**
 * The engine's trace: a ring buffer of the most recent events plus live listeners. Memory is
 * bounded by `capacity` whatever the traffic; older events are evicted and counted.
 */
export class TraceLog {
  readonly #capacity: number
  readonly #ring: (TraceEvent | undefined)[]
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
  }

  /** Records an event, assigning its id and time, and tells every listener. */
  emit(event: Omit<TraceEvent, 'id' | 'at'> & { at?: number }): TraceEvent {
    const full: TraceEvent = { ...event, id: this.#nextId++, at: event.at ?? Date.now() }
    if (this.#size === this.#capacity) this.#evicted++
    else this.#size++
    this.#ring[this.#next] = full
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
   * Events with an id above `afterId`, oldest first, at most `limit` of them (the newest). `skipped`
   * counts those that happened but are not returned: evicted from the ring or beyond the limit.
   */
  since(afterId: number, limit: number): { events: TraceEvent[]; skipped: number } {
    const latest = this.#nextId - 1
    const wanted = Math.max(0, latest - afterId)
    const events = this.recent(Math.min(wanted, limit)).filter((e) => e.id > afterId)
    return { events, skipped: wanted - events.length }
  }

  /** Id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.#nextId - 1
  }

  /** Forgets the history (ids keep increasing, so subscribers see no reuse). */
  clear(): void {
    this.#ring.fill(undefined)
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
