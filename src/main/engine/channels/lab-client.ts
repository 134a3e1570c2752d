import {
  CHANNELS_INFO_RECEIVED_MAX,
  type ClientKind,
  type ClientRole,
  type EventPreviewInfo,
  type LabClientInfo,
  type ProxyRefJson
} from '@shared/contract/labs/channels'
import type { ChannelEvent, EventType, JsonValue, StructuredEvent } from './event'
import { previewEvent } from './event-json'
import { NotifyErrorCode } from './model'

/** Events a lab pull supplier holds for the channel's poll, at most (oldest dropped beyond). */
export const LAB_PULL_BUFFER_MAX = 10_000

/** An error a dead client raises: the channel treats the consumer as gone (digest §1.2). */
class ClientGone extends Error {
  readonly code = NotifyErrorCode.OBJECT_NOT_EXIST
}

/**
 * An in-process supplier or consumer the UI drives (one of the four roles, any/structured/sequence
 * events). It is the client object handed to the proxy's connect operation, so it implements the
 * CosEventComm/CosNotifyComm operations the channel calls: push*, try_pull*, disconnect_*,
 * offer_change and subscription_change. It keeps only bounded state: the last
 * CHANNELS_INFO_RECEIVED_MAX events it received and a bounded pull buffer.
 */
export class LabClient {
  readonly id: string
  readonly role: ClientRole
  readonly kind: ClientKind
  readonly label: string | null
  proxy: ProxyRefJson
  state: LabClientInfo['state'] = 'connected'
  supplied = 0
  received = 0
  notifications = 0
  pendingPulls = 0
  lastError: string | null = null
  readonly #last: LabClientInfo['lastReceived'] = []
  readonly #buffer: ChannelEvent[] = []
  #seen = 0
  /** Called with every event this consumer receives (tests, federation views). */
  onReceive: ((events: ChannelEvent[]) => void) | null = null

  constructor(
    id: string,
    role: ClientRole,
    kind: ClientKind,
    proxy: ProxyRefJson,
    label: string | null
  ) {
    this.id = id
    this.role = role
    this.kind = kind
    this.proxy = proxy
    this.label = label
  }

  /** Records events a consumer got (pushed to it or pulled by it). */
  record(events: ChannelEvent[]): void {
    const at = Date.now()
    for (const event of events) {
      this.received++
      const preview: EventPreviewInfo = previewEvent(event, ++this.#seen)
      this.#last.push({ ...preview, at, batch: events.length })
      if (this.#last.length > CHANNELS_INFO_RECEIVED_MAX) this.#last.shift()
    }
    this.onReceive?.(events)
  }

  /** Adds events to a pull supplier's buffer (oldest dropped beyond LAB_PULL_BUFFER_MAX). */
  buffer(events: ChannelEvent[]): void {
    for (const event of events) {
      this.#buffer.push(event)
      if (this.#buffer.length > LAB_PULL_BUFFER_MAX) this.#buffer.shift()
    }
  }

  // ---- consumer operations the channel calls ----

  push(data: JsonValue): void {
    this.#alive()
    this.record([{ kind: 'any', data }])
  }

  push_structured_event(event: StructuredEvent): void {
    this.#alive()
    this.record([{ kind: 'structured', event }])
  }

  push_structured_events(events: StructuredEvent[]): void {
    this.#alive()
    this.record(events.map((event) => ({ kind: 'structured', event })))
  }

  offer_change(_added: EventType[], _removed: EventType[]): void {
    this.notifications++
  }

  // ---- supplier operations the channel calls ----

  try_pull(): { has_event: true; event: JsonValue } | { has_event: false } {
    this.#alive()
    const event = this.#take()
    if (event === undefined) return { has_event: false }
    return { has_event: true, event: event.kind === 'any' ? event.data : (event.event as never) }
  }

  try_pull_structured_event(): { has_event: true; event: StructuredEvent } | { has_event: false } {
    this.#alive()
    const event = this.#take()
    if (event === undefined) return { has_event: false }
    if (event.kind === 'structured') return { has_event: true, event: event.event }
    return { has_event: false }
  }

  try_pull_structured_events(max: number): { has_event: boolean; events: StructuredEvent[] } {
    this.#alive()
    const events: StructuredEvent[] = []
    while (events.length < max) {
      const event = this.#take()
      if (event === undefined) break
      if (event.kind === 'structured') events.push(event.event)
    }
    return { has_event: events.length > 0, events }
  }

  subscription_change(_added: EventType[], _removed: EventType[]): void {
    this.notifications++
  }

  // ---- disconnect callbacks (every flavour) ----

  disconnect_push_consumer(): void {
    this.#ended()
  }
  disconnect_structured_push_consumer(): void {
    this.#ended()
  }
  disconnect_sequence_push_consumer(): void {
    this.#ended()
  }
  disconnect_pull_consumer(): void {
    this.#ended()
  }
  disconnect_structured_pull_consumer(): void {
    this.#ended()
  }
  disconnect_sequence_pull_consumer(): void {
    this.#ended()
  }
  disconnect_push_supplier(): void {
    this.#ended()
  }
  disconnect_structured_push_supplier(): void {
    this.#ended()
  }
  disconnect_sequence_push_supplier(): void {
    this.#ended()
  }
  disconnect_pull_supplier(): void {
    this.#ended()
  }
  disconnect_structured_pull_supplier(): void {
    this.#ended()
  }
  disconnect_sequence_pull_supplier(): void {
    this.#ended()
  }

  /** @returns the plain-JSON view */
  toInfo(): LabClientInfo {
    return {
      id: this.id,
      label: this.label,
      role: this.role,
      kind: this.kind,
      proxy: this.proxy,
      state: this.state,
      supplied: this.supplied,
      received: this.received,
      buffered: this.#buffer.length,
      pendingPulls: this.pendingPulls,
      lastReceived: this.#last.map((e) => ({ ...e })),
      notifications: this.notifications,
      lastError: this.lastError
    }
  }

  #take(): ChannelEvent | undefined {
    const event = this.#buffer.shift()
    if (event !== undefined) this.supplied++
    return event
  }

  #alive(): void {
    if (this.state === 'killed') throw new ClientGone('lab client was killed')
  }

  #ended(): void {
    // A killed client stays killed: it is dead, whatever the channel tells it.
    if (this.state !== 'killed') this.state = 'disconnected'
  }
}
