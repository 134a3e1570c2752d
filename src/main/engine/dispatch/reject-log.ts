import type { LabEmit } from '../lab'
import type { RejectReason } from './protocol'

/** Most distinct reject reasons counted (a hostile peer cannot grow the map). */
const REJECT_REASONS_MAX = 16

/** Why the lab dropped something a peer sent. */
/** `auth`: a peer failed the CURVE handshake (no server key, or a wrong one). */
export type RejectKind = RejectReason | 'handshake' | 'auth' | 'worker-rejected' | 'telemetry'

/**
 * Counts what the lab rejected (malformed frames, bad telemetry, requests workers refused) by
 * reason. Rejections are bursty, so the trace gets a summary at most once per `summarise()` tick
 * instead of one event each.
 */
export class RejectLog {
  readonly #emit: LabEmit
  readonly #byReason = new Map<string, number>()
  #total = 0
  #pending = 0
  #last = ''

  constructor(emit: LabEmit) {
    this.#emit = emit
  }

  add(reason: RejectKind, detail: string): void {
    this.#total++
    if (this.#byReason.has(reason) || this.#byReason.size < REJECT_REASONS_MAX) {
      this.#byReason.set(reason, (this.#byReason.get(reason) ?? 0) + 1)
    }
    this.#pending++
    this.#last = `${reason}: ${detail}`.slice(0, 200)
  }

  /** A new run counts from zero (what is still pending is summarised as usual). */
  clear(): void {
    this.#byReason.clear()
    this.#total = 0
  }

  toInfo(): { total: number; byReason: Record<string, number> } {
    return { total: this.#total, byReason: Object.fromEntries(this.#byReason) }
  }

  /** One trace event for everything rejected since the last call, if anything was. */
  summarise(): void {
    if (this.#pending === 0) return
    this.#emit(
      'rejected',
      'warn',
      `${this.#pending} malformed frame(s) rejected (last: ${this.#last})`,
      {
        count: this.#pending,
        total: this.#total
      }
    )
    this.#pending = 0
  }
}
