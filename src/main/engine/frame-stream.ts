import { FRAME_MAX_BYTES, FRAME_MAX_EVENTS, type Frame, type Snapshot } from '@shared/contract'
import type { TraceLog } from './trace/trace-log'

/**
 * If a client has not acknowledged a frame after this long, it gets the next one anyway: a lost ack
 * must not freeze a view forever. A hidden window that acks nothing thus costs one frame per period.
 */
export const FRAME_ACK_TIMEOUT_MS = 2_000
/** Room for a frame's fields around the snapshot and the events (`{"seq":…,"dropped":…}`), in bytes. */
const FRAME_ENVELOPE_BYTES = 256

/** JSON size of each snapshot, computed once: the engine offers the same object to every stream. */
const snapshotBytes = new WeakMap<Snapshot, number>()
function sizeOf(snapshot: Snapshot): number {
  let bytes = snapshotBytes.get(snapshot)
  if (bytes === undefined) {
    bytes = Buffer.byteLength(JSON.stringify(snapshot))
    snapshotBytes.set(snapshot, bytes)
  }
  return bytes
}

/**
 * One subscriber's frames: at most one in flight; the next is built only after `ack(seq)` (or the
 * ack timeout), so a slow client coalesces instead of queueing. Snapshots are latest-wins; trace
 * events are read from the engine's ring by id, capped per frame in number (FRAME_MAX_EVENTS) and
 * in bytes (FRAME_MAX_BYTES with the snapshot), and the rest counted as dropped.
 */
export class FrameStream {
  readonly #send: (frame: Frame) => void
  readonly #trace: TraceLog
  #seq = 0
  #lastEventId: number
  #awaitingSince: number | null = null
  #closed = false

  constructor(send: (frame: Frame) => void, trace: TraceLog) {
    this.#send = send
    this.#trace = trace
    // The first frame carries the recent history, so a new window shows what already happened.
    this.#lastEventId = Math.max(0, trace.lastId - FRAME_MAX_EVENTS)
  }

  /** Offers the latest snapshot; sends a frame unless one is still unacknowledged. */
  offer(snapshot: Snapshot, now: number = Date.now()): void {
    if (this.#closed) return
    if (this.#awaitingSince !== null && now - this.#awaitingSince < FRAME_ACK_TIMEOUT_MS) return
    const budget = FRAME_MAX_BYTES - FRAME_ENVELOPE_BYTES - sizeOf(snapshot)
    const { events, skipped } = this.#trace.since(
      this.#lastEventId,
      FRAME_MAX_EVENTS,
      Math.max(0, budget)
    )
    this.#lastEventId = this.#trace.lastId
    const frame: Frame = { seq: ++this.#seq, snapshot, events, dropped: skipped }
    this.#awaitingSince = now
    this.#send(frame)
  }

  /** The client rendered frame `seq`; the next may be sent. Stale acks are ignored. */
  ack(seq: number): void {
    if (seq === this.#seq) this.#awaitingSince = null
  }

  close(): void {
    this.#closed = true
  }
}
