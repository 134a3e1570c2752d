import {
  flowWindow,
  type DispatchInfo,
  type FlowEvent,
  type FlowEventKind
} from '@shared/contract/labs/dispatch'
import { preciseNow } from './telemetry'

/** Flow events kept in the ring (all epochs' events, oldest overwritten first). */
export const FLOW_EVENTS_MAX = 4_000
/** Above this many epochs sent per second, only 1 in k epochs is recorded (k a power of two). */
export const FLOW_SAMPLED_EPOCHS_PER_SEC = 100

/**
 * The message-flow recorder behind the sequence diagram: every send, re-send, link fault,
 * delivery (with its check / work / mark steps), reply, ack and crash of an epoch, with its time
 * and lane, in a bounded ring. Under high rates it samples whole epochs (epoch % k == 0) so each
 * recorded epoch keeps its whole story; the UI says when it samples.
 */
export class FlowLog {
  readonly #ring: (FlowEvent | undefined)[] = new Array<FlowEvent | undefined>(FLOW_EVENTS_MAX)
  #head = 0
  #size = 0
  #sampleEvery = 1
  #sendsThisSecond = 0
  readonly #startedAt: number

  constructor(startedAt = preciseNow()) {
    this.#startedAt = startedAt
  }

  get sampleEvery(): number {
    return this.#sampleEvery
  }

  /** Whether this epoch's events are recorded. */
  records(epoch: number): boolean {
    return epoch % this.#sampleEvery === 0
  }

  /**
   * Records one event. `at` is a preciseNow() time (workers report theirs on the same clock);
   * absent means now.
   */
  add(epoch: number, kind: FlowEventKind, lane: string, attempt: number, at?: number): void {
    if (kind === 'send') this.#sendsThisSecond++
    if (epoch <= 0 || !this.records(epoch)) return
    const t = Math.round(((at ?? preciseNow()) - this.#startedAt) * 10) / 10
    this.#ring[this.#head] = { epoch, t, kind, lane, attempt }
    this.#head = (this.#head + 1) % FLOW_EVENTS_MAX
    this.#size = Math.min(this.#size + 1, FLOW_EVENTS_MAX)
  }

  /** Once a second: adapts the sampling to the send rate. */
  tick(): void {
    const rate = this.#sendsThisSecond
    this.#sendsThisSecond = 0
    let k = 1
    while (rate / k > FLOW_SAMPLED_EPOCHS_PER_SEC && k < 1 << 20) k *= 2
    this.#sampleEvery = k
  }

  /** Every recorded event, oldest first (at most FLOW_EVENTS_MAX; a scenario export keeps them). */
  events(): FlowEvent[] {
    const out: FlowEvent[] = []
    const start = (this.#head - this.#size + FLOW_EVENTS_MAX) % FLOW_EVENTS_MAX
    for (let i = 0; i < this.#size; i++) {
      const e = this.#ring[(start + i) % FLOW_EVENTS_MAX]
      if (e) out.push(e)
    }
    return out
  }

  /**
   * The diagram's view: the events of the newest FLOW_WINDOW_EPOCHS epochs (by epoch number, or
   * the window ending at `until` when the user paused and scrolled), and the story of `selected`.
   */
  toInfo(selected: number | null, until: number | null): DispatchInfo['flow'] {
    return flowWindow(this.events(), this.#sampleEvery, selected, until)
  }
}
