import type { ChannelEvent } from '../event'
import type { TimerHandle } from './clock'
import { PULL_POLL_MAX_EVENTS_PER_TICK } from './constants'
import type { RoutedEvent } from './federation'
import { isPermanentClientError, NotifyError, NotifyErrorCode } from './notify-error'
import { ProxyConsumer } from './proxy-consumer'
import type { PullProxySupplierBase } from './pull-proxy-supplier-base'
import type { SupplierAdmin } from './supplier-admin'

/**
 * Pull flavours of the supplier-facing proxy: the channel is the active party and polls the pull
 * supplier's `try_pull*` with a background task every `pollIntervalMs` (channel option, default
 * PULL_POLL_INTERVAL_MS), draining up to PULL_POLL_MAX_EVENTS_PER_TICK events per tick (digest
 * §1.3). Polling is skipped while the channel is full with RejectNewEvents (nothing could be
 * accepted) and stops on suspend_connection (§2.9). Disconnected / OBJECT_NOT_EXIST from the
 * supplier ends the connection; other errors are reported and polling goes on.
 */
export abstract class PullProxyConsumerBase extends ProxyConsumer {
  #suspended = false
  #pollTimer: TimerHandle | null = null
  #polling = false

  /** @see ProxyConsumer */
  protected constructor(admin: SupplierAdmin, id: number, cosEvent: boolean) {
    super(admin, id, cosEvent)
  }

  /** True while suspend_connection is in force. */
  override get isSuspended(): boolean {
    return this.#suspended
  }

  /**
   * Stops polling the supplier.
   * @throws NotifyError ConnectionAlreadyInactive, NotConnected, OBJECT_NOT_EXIST
   */
  suspend_connection(): void {
    this.assertAlive()
    if (!this.isConnected) throw new NotifyError(NotifyErrorCode.NOT_CONNECTED)
    if (this.#suspended) throw new NotifyError(NotifyErrorCode.CONNECTION_ALREADY_INACTIVE)
    this.#suspended = true
    this.#cancelPoll()
  }

  /**
   * Resumes polling at once.
   * @throws NotifyError ConnectionAlreadyActive, NotConnected, OBJECT_NOT_EXIST
   */
  resume_connection(): void {
    this.assertAlive()
    if (!this.isConnected) throw new NotifyError(NotifyErrorCode.NOT_CONNECTED)
    if (!this.#suspended) throw new NotifyError(NotifyErrorCode.CONNECTION_ALREADY_ACTIVE)
    this.#suspended = false
    this.#schedulePoll(0)
  }

  /** Calls the supplier's `try_pull*` once. @returns the events it had (possibly none) */
  protected abstract tryPullClient(client: object): Promise<ChannelEvent[]>

  /** Most events one `try_pull*` call may return (sequence flavour: MaximumBatchSize). */
  protected get pullBatchMax(): number {
    return 1
  }

  protected override onConnected(): void {
    this.#schedulePoll(0)
  }

  protected override onDestroyed(): void {
    this.#cancelPoll()
    super.onDestroyed()
  }

  get #canPoll(): boolean {
    return this.isConnected && !this.#suspended
  }

  #schedulePoll(delayMs: number): void {
    if (this.#polling || this.#pollTimer !== null || !this.#canPoll) return
    this.#pollTimer = this.channel.clock.setTimer(() => {
      this.#pollTimer = null
      void this.#poll()
    }, delayMs)
  }

  #cancelPoll(): void {
    if (this.#pollTimer !== null) this.channel.clock.clearTimer(this.#pollTimer)
    this.#pollTimer = null
  }

  async #poll(): Promise<void> {
    if (!this.#canPoll) return
    this.#polling = true
    try {
      for (let i = 0; i < PULL_POLL_MAX_EVENTS_PER_TICK; i++) {
        if (this.channel.isFullAndRejecting()) break
        const routed = await this.#pullOnce()
        if (!this.#canPoll || routed.length === 0) break
        this.acceptRouted(routed)
      }
    } catch (err) {
      if (isPermanentClientError(err) && this.isConnected) {
        this.#polling = false
        this.destroyProxy('channel', 'pull supplier is gone', true)
        return
      }
      // IMP_LIMIT (channel filled up meanwhile) is already counted as rejected by the channel.
      if ((err as { code?: unknown }).code !== NotifyErrorCode.IMP_LIMIT) {
        this.channel.reportError(err)
      }
    } finally {
      this.#polling = false
    }
    this.#schedulePoll(this.channel.options.pollIntervalMs)
  }

  async #pullOnce(): Promise<RoutedEvent[]> {
    const client = this.client
    const peer = this.peer
    if (peer !== null && peer === client && peer.side === 'consumer') {
      // Federation with a local channel's pull proxy: keep the path for loop prevention.
      return (peer as PullProxySupplierBase).pullRouted(this.pullBatchMax)
    }
    if (client === null) return []
    const events = await this.tryPullClient(client)
    return events.map((event) => ({ event, path: [] }))
  }
}
