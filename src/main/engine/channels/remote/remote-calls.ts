import type { ProxyRefJson } from '@shared/contract/labs/channels'
import type { ChannelEvent, JsonValue } from '../event'
import type { Answer } from './protocol'
import type { Session } from './remote-sessions'

/** A push to a remote consumer not acknowledged within this time fails (the channel retries). */
export const REMOTE_PUSH_ACK_TIMEOUT_MS = 5_000
/** A poll of a remote pull supplier not answered within this time counts as "no event". */
export const REMOTE_TRY_PULL_TIMEOUT_MS = 2_000

type Send = (session: Session, message: Record<string, unknown>) => boolean

interface PendingPush {
  session: Session
  resolve(): void
  reject(err: Error): void
  timer: NodeJS.Timeout
}

interface PendingPoll {
  resolve(events: JsonValue[]): void
  timer: NodeJS.Timeout
}

/**
 * The calls the server makes to remote clients (push to a consumer, poll a pull supplier) and
 * waits on: each gets a number, a timeout, and is settled by the matching ack, nack or
 * try_pull_result — or fails when its session goes away.
 */
export class RemoteCalls {
  readonly #send: Send
  readonly #pushes = new Map<number, PendingPush>()
  readonly #polls = new Map<number, PendingPoll>()
  #next = 1

  constructor(send: Send) {
    this.#send = send
  }

  /** Pushes events to a remote consumer and waits for its ack. */
  deliver(session: Session, ref: ProxyRefJson, events: ChannelEvent[]): Promise<void> {
    const delivery = this.#next++
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pushes.delete(delivery)
        reject(new Error(`no ack from remote consumer within ${REMOTE_PUSH_ACK_TIMEOUT_MS} ms`))
      }, REMOTE_PUSH_ACK_TIMEOUT_MS)
      this.#pushes.set(delivery, {
        session,
        resolve: () => {
          session.delivered += events.length
          resolve()
        },
        reject,
        timer
      })
      const sent = this.#send(session, {
        op: 'push',
        delivery,
        proxy: ref,
        events: events.map(eventJson)
      })
      if (!sent) {
        clearTimeout(timer)
        this.#pushes.delete(delivery)
        reject(new Error('remote consumer unreachable'))
      }
    })
  }

  /** Asks a remote pull supplier for up to `max` events; none when it does not answer in time. */
  poll(session: Session, ref: ProxyRefJson, max: number): Promise<JsonValue[]> {
    const request = this.#next++
    return new Promise<JsonValue[]>((resolve) => {
      const timer = setTimeout(() => {
        this.#polls.delete(request)
        resolve([])
      }, REMOTE_TRY_PULL_TIMEOUT_MS)
      this.#polls.set(request, { resolve, timer })
      if (!this.#send(session, { op: 'try_pull', request, proxy: ref, max })) {
        clearTimeout(timer)
        this.#polls.delete(request)
        resolve([])
      }
    })
  }

  /** Settles the call an answer refers to; answers to unknown or expired calls are ignored. */
  answer(message: Answer): void {
    switch (message.op) {
      case 'ack': {
        const pending = this.#takePush(message.delivery)
        pending?.resolve()
        return
      }
      case 'nack': {
        const pending = this.#takePush(message.delivery)
        if (pending === undefined) return
        const err = new Error(
          message.error?.message ?? 'remote consumer refused the push'
        ) as Error & {
          code?: string
        }
        if (message.error?.code !== undefined) err.code = message.error.code
        pending.reject(err)
        return
      }
      case 'try_pull_result': {
        const pending = this.#polls.get(message.request)
        if (pending === undefined) return
        this.#polls.delete(message.request)
        clearTimeout(pending.timer)
        pending.resolve(message.events as JsonValue[])
        return
      }
    }
  }

  /** The session went away: its unacknowledged pushes fail now instead of at their timeout. */
  failSession(session: Session): void {
    for (const [delivery, pending] of this.#pushes) {
      if (pending.session !== session) continue
      clearTimeout(pending.timer)
      this.#pushes.delete(delivery)
      pending.reject(new Error('remote consumer went away'))
    }
  }

  #takePush(delivery: number): PendingPush | undefined {
    const pending = this.#pushes.get(delivery)
    if (pending === undefined) return undefined
    this.#pushes.delete(delivery)
    clearTimeout(pending.timer)
    return pending
  }
}

/** An event as it travels on the wire: the bare value for `any`, the structured event otherwise. */
export function eventJson(event: ChannelEvent): JsonValue {
  return event.kind === 'any' ? event.data : (event.event as unknown as JsonValue)
}
