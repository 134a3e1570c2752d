import type { ClientKind, ClientRole, ProxyRefJson } from '@shared/contract/labs/channels'
import type { ChannelEvent, EventType, JsonValue, StructuredEvent } from '../event'
import { channelEventFromJson } from '../event-json'
import type { ProxyBase } from '../model'
import { roleAndKind } from '../proxy-ops'
import type { Session } from './remote-sessions'

/** What an adapter needs of the server to reach its client. */
export interface RemoteLink {
  /** Pushes events to a remote consumer and waits for its ack. */
  deliver(session: Session, ref: ProxyRefJson, events: ChannelEvent[]): Promise<void>
  /** Asks a remote pull supplier for up to `max` events. */
  poll(session: Session, ref: ProxyRefJson, max: number): Promise<JsonValue[]>
  /** Queues one message to a session. @returns false when it cannot be sent */
  send(session: Session, message: Record<string, unknown>): boolean
}

/** Adapters by proxy, process-wide: restored proxies get theirs before the server binds. */
const ADAPTERS = new WeakMap<ProxyBase, RemoteAdapter>()

/** The adapter a proxy's remote client is represented by, if it has one. */
export function adapterOf(proxy: ProxyBase): RemoteAdapter | undefined {
  return ADAPTERS.get(proxy)
}

/**
 * The client object a remote supplier or consumer is represented by inside the channel: it
 * implements every CosEventComm/CosNotifyComm operation the channel may call and forwards them
 * over the session's socket. While its session is gone (`session === null`) it is "away":
 * a push proxy then stays suspended (ConnectionReliability=Persistent) and a poll finds nothing.
 */
export class RemoteAdapter {
  session: Session | null = null
  /** Suspended by the server because the client went away (resumed when it reconnects). */
  awaySuspended = false
  readonly name: string | null
  readonly role: ClientRole
  readonly kind: ClientKind
  readonly ref: ProxyRefJson
  #server: RemoteLink | null = null

  /** Creates the adapter and registers it as the one of `proxy`. */
  constructor(proxy: ProxyBase, name: string | null) {
    this.name = name
    const rk = roleAndKind(proxy)
    this.role = rk.role
    this.kind = rk.kind
    this.ref = proxy.ref
    ADAPTERS.set(proxy, this)
  }

  bind(server: RemoteLink | null): void {
    this.#server = server
  }

  push(data: JsonValue): Promise<void> {
    return this.#deliver([{ kind: 'any', data }])
  }
  push_structured_event(event: StructuredEvent): Promise<void> {
    return this.#deliver([{ kind: 'structured', event }])
  }
  push_structured_events(events: StructuredEvent[]): Promise<void> {
    return this.#deliver(events.map((event) => ({ kind: 'structured', event })))
  }

  async try_pull(): Promise<{ has_event: true; event: JsonValue } | { has_event: false }> {
    const events = await this.#poll(1)
    const first = events[0]
    if (first === undefined) return { has_event: false }
    return { has_event: true, event: first.kind === 'any' ? first.data : (first.event as never) }
  }
  async try_pull_structured_event(): Promise<
    { has_event: true; event: StructuredEvent } | { has_event: false }
  > {
    const first = (await this.#poll(1))[0]
    if (first === undefined || first.kind !== 'structured') return { has_event: false }
    return { has_event: true, event: first.event }
  }
  async try_pull_structured_events(
    max: number
  ): Promise<{ has_event: boolean; events: StructuredEvent[] }> {
    const events = (await this.#poll(max)).flatMap((e) =>
      e.kind === 'structured' ? [e.event] : []
    )
    return { has_event: events.length > 0, events }
  }

  offer_change(added: EventType[], removed: EventType[]): void {
    this.#notify({ op: 'offer_change', proxy: this.ref, added, removed })
  }
  subscription_change(added: EventType[], removed: EventType[]): void {
    this.#notify({ op: 'subscription_change', proxy: this.ref, added, removed })
  }

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

  async #deliver(events: ChannelEvent[]): Promise<void> {
    const server = this.#server
    const session = this.session
    if (server === null || session === null || session.gone) {
      // Not Disconnected: the client may come back (the channel retries, or the proxy waits).
      throw new Error('remote consumer is away')
    }
    await server.deliver(session, this.ref, events)
  }

  async #poll(max: number): Promise<ChannelEvent[]> {
    const server = this.#server
    const session = this.session
    if (server === null || session === null || session.gone) return []
    const json = await server.poll(session, this.ref, max)
    const out: ChannelEvent[] = []
    for (const j of json) {
      try {
        out.push(this.kind === 'any' ? { kind: 'any', data: j } : channelEventFromJson(j))
      } catch {
        // a malformed polled event is skipped; the supplier is told nothing (poll semantics)
      }
    }
    return out
  }

  #notify(message: Record<string, unknown>): void {
    const session = this.session
    if (this.#server !== null && session !== null && !session.gone)
      this.#server.send(session, message)
  }

  #ended(): void {
    this.#notify({ op: 'disconnected', proxy: this.ref })
  }
}
