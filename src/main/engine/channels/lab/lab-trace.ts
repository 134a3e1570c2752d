import type { TraceData, TraceLevel } from '@shared/contract'
import type { ChannelCountersInfo } from '@shared/contract/labs/channels'
import { diffCounters, zeroCounters } from './counters'

/** Lifecycle trace events (connect, destroy …) per second at most; the rest are counted. */
const NOTES_PER_SECOND_MAX = 20

type Emit = (type: string, level: TraceLevel, message: string, data?: TraceData) => void

/**
 * The lab's side of the trace, kept bounded: lifecycle notes are rate-limited (what is dropped is
 * counted and said), and traffic is summarised as counter deltas, never one event per message.
 */
export class LabTrace {
  readonly #emit: Emit
  #windowStart = 0
  #inWindow = 0
  #suppressed = 0
  #traced: ChannelCountersInfo = zeroCounters()

  /** @param emit - the lab's trace sink */
  constructor(emit: Emit) {
    this.#emit = emit
  }

  /** A lifecycle trace event, at most NOTES_PER_SECOND_MAX per second (the rest are counted). */
  note(type: string, level: TraceLevel, message: string, data?: TraceData): void {
    const now = Date.now()
    if (now - this.#windowStart >= 1_000) {
      this.#windowStart = now
      this.#inWindow = 0
    }
    if (this.#inWindow >= NOTES_PER_SECOND_MAX) {
      this.#suppressed++
      return
    }
    this.#inWindow++
    this.#emit(type, level, message, data)
  }

  /**
   * One summary of what moved through all channels since the last one, and how many notes were
   * not traced meanwhile.
   * @param totals - the lab's counters now (they only grow)
   */
  summarise(totals: ChannelCountersInfo): void {
    const delta = diffCounters(totals, this.#traced)
    this.#traced = totals
    if (this.#suppressed > 0) {
      this.#emit('suppressed', 'info', `${this.#suppressed} more channel events not traced`, {
        count: this.#suppressed
      })
      this.#suppressed = 0
    }
    const moved =
      delta.received +
      delta.delivered +
      delta.filteredOut +
      delta.discarded +
      delta.expired +
      delta.rejected
    if (moved === 0) return
    this.#emit(
      'traffic',
      delta.discarded + delta.expired + delta.rejected > 0 ? 'warn' : 'info',
      `${delta.received} received, ${delta.delivered} delivered, ${delta.filteredOut} filtered out, ` +
        `${delta.discarded} discarded, ${delta.expired} expired, ${delta.rejected} rejected`,
      {
        received: delta.received,
        delivered: delta.delivered,
        filteredOut: delta.filteredOut,
        discarded: delta.discarded,
        expired: delta.expired,
        rejected: delta.rejected
      }
    )
  }
}
