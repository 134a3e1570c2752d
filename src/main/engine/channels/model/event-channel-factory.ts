import type { JsonValue, Property } from '../event'
import { EventChannel, type EventChannelOptions } from './event-channel'
import type { EventChannelFactoryInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import { DEFAULT_QOS, describePropertyErrors, validateQoS } from './qos'

/** Options of a factory: defaults for its channels. */
export interface EventChannelFactoryOptions extends EventChannelOptions {
  /**
   * Factory default QoS, overriding the digest's spec-ish defaults (validated like channel QoS);
   * the root of every channel's inheritance chain.
   */
  defaultQoS?: Property[]
}

/**
 * CosNotifyChannelAdmin::EventChannelFactory (digest §2.2): creates channels with validated initial
 * QoS and admin properties, lists them by ChannelID and finds them. ChannelIDs start at 0 and are
 * never reused.
 */
export class EventChannelFactory {
  readonly #options: EventChannelFactoryOptions
  readonly #defaults: Readonly<Record<string, JsonValue>>
  readonly #channels = new Map<number, EventChannel>()
  #nextId = 0
  #closing: Promise<void> | null = null

  /**
   * @param options - channel tunables shared by every channel, and factory default QoS
   * @throws NotifyError UnsupportedQoS when `defaultQoS` is invalid
   */
  constructor(options: EventChannelFactoryOptions = {}) {
    this.#options = options
    const defaults: Record<string, JsonValue> = { ...DEFAULT_QOS }
    const props = options.defaultQoS ?? []
    const errors = validateQoS(props, {
      level: 'channel',
      parentValue: (name) => DEFAULT_QOS[name] ?? null,
      currentValue: (name) => DEFAULT_QOS[name] ?? null,
      hasChildren: false
    })
    if (errors.length > 0) {
      throw new NotifyError(
        NotifyErrorCode.UNSUPPORTED_QOS,
        describePropertyErrors('bad factory default QoS', errors),
        {
          propertyErrors: errors
        }
      )
    }
    for (const { name, value } of props) defaults[name] = value
    this.#defaults = defaults
  }

  /**
   * Creates a channel. Both lists are validated first; nothing is created on error.
   * @param initial_qos - channel QoS; unspecified properties take the factory defaults
   * @param initial_admin - admin properties (MaxQueueLength, MaxConsumers, MaxSuppliers,
   *   RejectNewEvents)
   * @returns the channel; its ChannelID is `channel.id`
   * @throws NotifyError UnsupportedQoS{qos_err} / UnsupportedAdmin{admin_err}, OBJECT_NOT_EXIST
   *   once the factory is closed
   */
  create_channel(initial_qos: Property[] = [], initial_admin: Property[] = []): EventChannel {
    if (this.#closing !== null) {
      throw new NotifyError(NotifyErrorCode.OBJECT_NOT_EXIST, 'factory closed')
    }
    const channel = new EventChannel(
      this.#nextId,
      initial_qos,
      initial_admin,
      this.#options,
      this,
      this.#defaults
    )
    this.#nextId++
    this.#channels.set(channel.id, channel)
    return channel
  }

  /** @returns ChannelIDs of the live channels, ascending */
  get_all_channels(): number[] {
    return [...this.#channels.keys()].sort((a, b) => a - b)
  }

  /** @throws NotifyError ChannelNotFound (unknown or destroyed) */
  get_event_channel(id: number): EventChannel {
    const channel = this.#channels.get(id)
    if (channel === undefined) {
      throw new NotifyError(NotifyErrorCode.CHANNEL_NOT_FOUND, `no channel ${id}`)
    }
    return channel
  }

  /** @internal forgets a destroyed channel */
  removeChannel(channel: EventChannel): void {
    if (this.#channels.get(channel.id) === channel) this.#channels.delete(channel.id)
  }

  /**
   * Destroys every channel (clients are told) and closes the configured event stores. Idempotent:
   * later calls return the same promise. Every cleanup runs even if one fails; the first failure
   * is rethrown at the end.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  /** @returns a plain-JSON snapshot of every live channel */
  toInfo(): EventChannelFactoryInfo {
    return { kind: 'factory', channels: [...this.#channels.values()].map((c) => c.toInfo()) }
  }

  async #close(): Promise<void> {
    const failures: unknown[] = []
    for (const channel of [...this.#channels.values()]) {
      try {
        channel.destroyInternal()
      } catch (err) {
        failures.push(err)
      }
    }
    for (const store of [this.#options.bestEffortStore, this.#options.persistentStore]) {
      if (store === undefined) continue
      try {
        await store.close()
      } catch (err) {
        failures.push(err)
      }
    }
    if (failures.length > 0) throw failures[0]
  }
}
