import {
  CHANNEL_FLOW_STEPS_MAX,
  CHANNEL_FLOW_WINDOW,
  type ChannelFlowEvent,
  type ChannelFlowKind,
  type ChannelsInfo
} from '@shared/contract/labs/channels'
import type { EventNotice, ProxyRef } from '../model/channel-events'

/** Events whose stories are kept (the view shows the newest CHANNEL_FLOW_WINDOW). */
export const CHANNEL_FLOW_KEPT = 64
/** Above this many received events a second, only 1 in k is recorded (k a power of two). */
export const CHANNEL_FLOW_SAMPLED_PER_SEC = 100

function proxyName(ref: ProxyRef): string {
  return `${ref.side === 'supplier' ? 'S' : 'C'}${ref.adminId}/${ref.proxyId}`
}

/**
 * The Channels lab's message-flow recorder: for a bounded number of recent events, their whole
 * story — received by a supplier-side proxy, then per consumer-side proxy filtered, discarded
 * (with the reason), expired or delivered. Fed by the model's per-event notices.
 */
export class EventFlowLog {
  readonly #events = new Map<string, ChannelFlowEvent>()
  readonly #startedAt = Date.now()
  #sampleEvery = 1
  #windowStart = Date.now()
  #inWindow = 0

  /** One notice of a channel's event. */
  add(kind: ChannelFlowKind, notice: EventNotice, detail: string | null = null): void {
    if (notice.seq <= 0) return
    const key = `${notice.channelId}:${notice.seq}`
    let event = this.#events.get(key)
    if (kind === 'received') {
      this.#count()
      if (notice.seq % this.#sampleEvery !== 0) return
      event = {
        channelId: notice.channelId,
        seq: notice.seq,
        type: `${notice.eventType.domain_name}/${notice.eventType.type_name}`,
        steps: [],
        more: 0
      }
      this.#events.set(key, event)
      if (this.#events.size > CHANNEL_FLOW_KEPT) {
        const oldest = this.#events.keys().next().value
        if (oldest !== undefined) this.#events.delete(oldest)
      }
    }
    if (!event) return
    if (event.steps.length >= CHANNEL_FLOW_STEPS_MAX) {
      event.more++
      return
    }
    event.steps.push({
      kind,
      proxy: proxyName(notice.proxy),
      t: Date.now() - this.#startedAt,
      detail
    })
  }

  /** Forgets a destroyed channel's events. */
  forget(channelId: number): void {
    for (const [key, e] of this.#events) if (e.channelId === channelId) this.#events.delete(key)
  }

  toInfo(channelId: number | null): ChannelsInfo['flow'] {
    const all = [...this.#events.values()].filter(
      (e) => channelId === null || e.channelId === channelId
    )
    return {
      sampleEvery: this.#sampleEvery,
      events: all.slice(-CHANNEL_FLOW_WINDOW).map((e) => ({ ...e, steps: [...e.steps] }))
    }
  }

  #count(): void {
    const now = Date.now()
    if (now - this.#windowStart >= 1_000) {
      let k = 1
      while (this.#inWindow / k > CHANNEL_FLOW_SAMPLED_PER_SEC && k < 1 << 20) k *= 2
      this.#sampleEvery = k
      this.#windowStart = now
      this.#inWindow = 0
    }
    this.#inWindow++
  }
}
