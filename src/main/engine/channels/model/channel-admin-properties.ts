import type { JsonValue, Property } from '../event'
import { NotifyError, NotifyErrorCode } from './notify-error'
import {
  ADMIN_PROPERTY_NAMES,
  type AdminPropertyName,
  DEFAULT_ADMIN,
  describePropertyErrors,
  validateAdmin
} from './qos'

/**
 * The admin properties of one channel (MaxQueueLength, MaxConsumers, MaxSuppliers,
 * RejectNewEvents): validated as a whole, applied atomically, read by the limits they set.
 */
export class ChannelAdminProperties {
  readonly #values = new Map<AdminPropertyName, JsonValue>()

  /** @throws NotifyError UnsupportedAdmin when `initial` is invalid */
  constructor(initial: Property[]) {
    ChannelAdminProperties.validate(initial)
    for (const name of ADMIN_PROPERTY_NAMES) this.#values.set(name, DEFAULT_ADMIN[name])
    for (const { name, value } of initial) this.#values.set(name as AdminPropertyName, value)
  }

  /** @throws NotifyError UnsupportedAdmin with every PropertyError */
  static validate(props: Property[]): void {
    const errors = validateAdmin(props)
    if (errors.length > 0) {
      throw new NotifyError(
        NotifyErrorCode.UNSUPPORTED_ADMIN,
        describePropertyErrors('unsupported admin properties', errors),
        {
          propertyErrors: errors
        }
      )
    }
  }

  /** Every admin property with its value. */
  getAll(): Property[] {
    return [...this.#values].map(([name, value]) => ({ name, value }))
  }

  /** Validates, then applies all of `props` (nothing when one is invalid). @throws NotifyError */
  set(props: Property[]): void {
    ChannelAdminProperties.validate(props)
    for (const { name, value } of props) this.#values.set(name as AdminPropertyName, value)
  }

  /** A numeric admin property (0 when not a number). */
  number(name: AdminPropertyName): number {
    const value = this.#values.get(name)
    return typeof value === 'number' ? value : 0
  }

  /** True when a full channel rejects new events instead of discarding queued ones. */
  get rejectNewEvents(): boolean {
    return this.#values.get('RejectNewEvents') === true
  }

  /**
   * MaxConsumers / MaxSuppliers: throws when `count()` live proxies of that side already reach
   * the limit (counted only when a limit is set).
   * @throws NotifyError AdminLimitExceeded
   */
  assertRoomFor(side: 'consumer' | 'supplier', count: () => number): void {
    const name = side === 'consumer' ? 'MaxConsumers' : 'MaxSuppliers'
    const limit = this.number(name)
    if (limit <= 0) return
    if (count() >= limit) {
      throw new NotifyError(NotifyErrorCode.ADMIN_LIMIT_EXCEEDED, `${name} (${limit}) reached`, {
        adminLimit: { name, value: limit }
      })
    }
  }
}
