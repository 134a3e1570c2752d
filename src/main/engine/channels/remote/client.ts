import { curveClientOptions } from '../../zmq/curve'
import { Dealer } from 'zeromq'
import type {
  ClientKind,
  ClientRole,
  ConstraintExpJson,
  EventTypeJson,
  JsonValue,
  PropertyJson,
  ProxyRefJson
} from '@shared/contract/labs/channels'
import { SendQueue } from '../../zmq/send-queue'

/** A request without an answer within this time fails (the lab may be down). */
export const CLIENT_REQUEST_TIMEOUT_MS = 10_000
/** The client pings this often so the lab knows it is alive (the lab's timeout is longer). */
export const CLIENT_PING_INTERVAL_MS = 3_000
const CLIENT_SEND_QUEUE_MAX = 10_000

/** An error the lab answered with: `code` is the CORBA exception name (e.g. `AlreadyConnected`). */
export class RemoteChannelsError extends Error {
  readonly code: string
  /** Why the lab refused (IMP_LIMIT: `session-proxies`, `sessions-full`…; BAD_MESSAGE: `too-deep`…). */
  readonly reason: string | null
  constructor(code: string, message: string, reason: string | null = null) {
    super(`${code}: ${message}`)
    this.name = 'RemoteChannelsError'
    this.code = code
    this.reason = reason
  }
}

/** Pushed events for one of this client's consumer proxies; throw to refuse (nack). */
export type PushHandler = (proxy: ProxyRefJson, events: JsonValue[]) => void | Promise<void>
/** The channel polls one of this client's pull-supplier proxies: return 0..max events. */
export type PollHandler = (proxy: ProxyRefJson, max: number) => JsonValue[] | Promise<JsonValue[]>
/** offer_change / subscription_change / disconnected notices. */
export type NoticeHandler = (notice: {
  op: string
  proxy: ProxyRefJson
  [key: string]: unknown
}) => void

export interface ChannelsClientOptions {
  /** Shown in the lab's remote client list. */
  name?: string
  onPush?: PushHandler
  onPoll?: PollHandler
  onNotice?: NoticeHandler
  /**
   * The lab ended this client's session (`evicted` while idle, or `silent`); the client's next
   * request starts a new session, without the old one's proxies.
   */
  onSessionEnded?: (reason: string, message: string) => void
  requestTimeoutMs?: number
  pingIntervalMs?: number
  /** The lab's CURVE public key (Z85), when its endpoint uses CURVE; the client makes its own pair. */
  serverKey?: string
}

/**
 * A TypeScript client of the Channels remote protocol v1 (docs/CHANNELS-PROTOCOL.md): a supplier
 * or consumer in another process obtains proxies, connects, pushes, pulls and receives pushed
 * events. One DEALER socket, one receive loop, one bounded send queue.
 *
 * ```ts
 * const client = await ChannelsClient.open('tcp://127.0.0.1:5556', { name: 'ts', onPush })
 * const proxy = await client.obtain({ channel: 0, role: 'push-consumer' })
 * await client.connect(proxy)
 * ```
 */
export class ChannelsClient {
  readonly #socket: Dealer
  readonly #queue: SendQueue
  readonly #opts: ChannelsClientOptions
  readonly #pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >()
  #nextId = 1
  #ping: NodeJS.Timeout | null = null
  #closed = false
  /** Session id the lab gave this client. */
  session: string | null = null
  /** Set when the lab said it ended this client's session. */
  ended: { reason: string; message: string } | null = null

  private constructor(socket: Dealer, opts: ChannelsClientOptions) {
    this.#socket = socket
    this.#opts = opts
    this.#queue = new SendQueue(socket, CLIENT_SEND_QUEUE_MAX, () => undefined)
  }

  /**
   * Connects to the lab's endpoint and says hello.
   * @throws RemoteChannelsError when the lab refuses (IMP_LIMIT, reason `sessions-full`) or does
   *   not answer; the socket is closed then
   */
  static async open(endpoint: string, opts: ChannelsClientOptions = {}): Promise<ChannelsClient> {
    const socket = new Dealer({ linger: 0, ...curveClientOptions(opts.serverKey) })
    socket.connect(endpoint)
    const client = new ChannelsClient(socket, opts)
    void client.#receive()
    let hello: { session: string }
    try {
      hello = await client.request<{ session: string }>(
        'hello',
        opts.name ? { name: opts.name } : {}
      )
    } catch (err) {
      // Refused (e.g. IMP_LIMIT sessions-full) or no answer: nothing is left open.
      client.close()
      throw err
    }
    client.session = hello.session
    client.#ping = setInterval(
      () => void client.request('ping').catch(() => undefined),
      opts.pingIntervalMs ?? CLIENT_PING_INTERVAL_MS
    )
    client.#ping.unref()
    return client
  }

  /** Sends one request and waits for its answer. @throws RemoteChannelsError */
  request<T = unknown>(op: string, body: Record<string, unknown> = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('client closed'))
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(
          new RemoteChannelsError('TIMEOUT', `no answer to ${op} within ${this.#timeout()} ms`)
        )
      }, this.#timeout())
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.#send({ id, op, ...body })
    })
  }

  /** @returns the live channel ids */
  async channels(): Promise<number[]> {
    return (await this.request<{ channels: number[] }>('channels')).channels
  }

  async createChannel(qos: PropertyJson[] = [], admin: PropertyJson[] = []): Promise<number> {
    return (await this.request<{ channel: number }>('create_channel', { qos, admin })).channel
  }

  /** Obtains a proxy serving a client of `role` (from the client's point of view). */
  async obtain(opts: {
    channel: number
    role: ClientRole
    kind?: ClientKind
    admin?: number
    qos?: PropertyJson[]
  }): Promise<ProxyRefJson> {
    return (await this.request<{ proxy: ProxyRefJson }>('obtain', { ...opts })).proxy
  }

  async connect(proxy: ProxyRefJson): Promise<void> {
    await this.request('connect', { proxy })
  }

  /** Takes over a ConnectionReliability=Persistent proxy after a restart or a lost connection. */
  async reconnect(proxy: ProxyRefJson): Promise<{ queued: number }> {
    return this.request<{ queued: number }>('reconnect', { proxy })
  }

  async disconnect(proxy: ProxyRefJson): Promise<void> {
    await this.request('disconnect', { proxy })
  }

  async push(proxy: ProxyRefJson, events: JsonValue[]): Promise<number> {
    return (await this.request<{ accepted: number }>('push', { proxy, events })).accepted
  }

  async tryPull(proxy: ProxyRefJson, max = 1): Promise<JsonValue[]> {
    return (await this.request<{ events: JsonValue[] }>('try_pull', { proxy, max })).events
  }

  /** Blocking pull, answered when an event arrives or after `timeoutMs` (then `[]`). */
  async pull(
    proxy: ProxyRefJson,
    opts: { max?: number; timeoutMs?: number } = {}
  ): Promise<JsonValue[]> {
    const timeout = opts.timeoutMs ?? 10_000
    return (
      await this.request<{ events: JsonValue[] }>('pull', {
        proxy,
        max: opts.max ?? 1,
        timeout_ms: timeout
      })
    ).events
  }

  async addFilter(proxy: ProxyRefJson, constraints: Partial<ConstraintExpJson>[]): Promise<number> {
    const list = constraints.map((c) => ({
      event_types: c.event_types ?? [],
      constraint_expr: c.constraint_expr ?? ''
    }))
    return (await this.request<{ filter: number }>('add_filter', { proxy, constraints: list }))
      .filter
  }

  async suspend(proxy: ProxyRefJson): Promise<void> {
    await this.request('suspend', { proxy })
  }

  async resume(proxy: ProxyRefJson): Promise<void> {
    await this.request('resume', { proxy })
  }

  async offerChange(
    proxy: ProxyRefJson,
    added: EventTypeJson[],
    removed: EventTypeJson[] = []
  ): Promise<void> {
    await this.request('offer_change', { proxy, added, removed })
  }

  async subscriptionChange(
    proxy: ProxyRefJson,
    added: EventTypeJson[],
    removed: EventTypeJson[] = []
  ): Promise<void> {
    await this.request('subscription_change', { proxy, added, removed })
  }

  /** Tells the lab this client is leaving (persistent proxies wait for it), then closes. */
  async bye(): Promise<void> {
    await this.request('bye').catch(() => undefined)
    this.close()
  }

  /** Closes the socket without a word (as a crash would). Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#ping !== null) clearInterval(this.#ping)
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer)
      this.#pending.delete(id)
      p.reject(new Error('client closed'))
    }
    this.#queue.close()
    this.#socket.close()
  }

  #timeout(): number {
    return this.#opts.requestTimeoutMs ?? CLIENT_REQUEST_TIMEOUT_MS
  }

  #send(message: Record<string, unknown>): void {
    this.#queue.push(JSON.stringify({ v: 1, ...message }))
  }

  async #receive(): Promise<void> {
    try {
      for await (const [frame] of this.#socket) {
        if (frame === undefined) continue
        let msg: Record<string, unknown>
        try {
          msg = JSON.parse(frame.toString('utf8')) as Record<string, unknown>
        } catch {
          continue
        }
        void this.#handle(msg)
      }
    } catch {
      // socket closed
    }
  }

  async #handle(msg: Record<string, unknown>): Promise<void> {
    if (typeof msg.id === 'number' && 'ok' in msg) {
      const pending = this.#pending.get(msg.id)
      if (pending === undefined) return
      this.#pending.delete(msg.id)
      clearTimeout(pending.timer)
      if (msg.ok === true) pending.resolve(msg.result)
      else {
        const error = (msg.error ?? {}) as { code?: string; message?: string; reason?: string }
        pending.reject(
          new RemoteChannelsError(
            error.code ?? 'ERROR',
            error.message ?? 'failed',
            error.reason ?? null
          )
        )
      }
      return
    }
    if (msg.op === 'session_ended') {
      this.ended = { reason: String(msg.reason), message: String(msg.message) }
      this.#opts.onSessionEnded?.(this.ended.reason, this.ended.message)
      return
    }
    const proxy = msg.proxy as ProxyRefJson
    switch (msg.op) {
      case 'push': {
        const delivery = msg.delivery as number
        try {
          await this.#opts.onPush?.(proxy, (msg.events ?? []) as JsonValue[])
          this.#send({ op: 'ack', delivery })
        } catch (err) {
          const code = (err as { code?: unknown }).code
          this.#send({
            op: 'nack',
            delivery,
            error: { code: typeof code === 'string' ? code : 'TRANSIENT', message: String(err) }
          })
        }
        return
      }
      case 'try_pull': {
        let events: JsonValue[]
        try {
          events = (await this.#opts.onPoll?.(proxy, msg.max as number)) ?? []
        } catch {
          events = [] // a failing supplier has nothing to give this time
        }
        this.#send({ op: 'try_pull_result', request: msg.request as number, events })
        return
      }
      default:
        if (typeof msg.op === 'string') this.#opts.onNotice?.(msg as Parameters<NoticeHandler>[0])
    }
  }
}
