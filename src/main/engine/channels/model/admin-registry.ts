import { InterFilterGroupOperator } from './constants'
import { ConsumerAdmin } from './consumer-admin'
import type { EventChannel } from './event-channel'
import type { ConsumerAdminInfo, SupplierAdminInfo } from './info'
import { NotifyError, NotifyErrorCode } from './notify-error'
import type { ProxySupplier } from './proxy-supplier'
import { SupplierAdmin } from './supplier-admin'

/**
 * The admins of one channel, by AdminID: the default admin 0 of each side (recreated on access
 * if it was destroyed, as JacORB does) and the numbered ones, whose ids are never reused. Also
 * the one place that walks every proxy of a side.
 */
export class AdminRegistry {
  readonly #channel: EventChannel
  readonly #defaultOperator: InterFilterGroupOperator
  readonly #consumerAdmins = new Map<number, ConsumerAdmin>()
  readonly #supplierAdmins = new Map<number, SupplierAdmin>()
  #nextConsumerAdminId = 1
  #nextSupplierAdminId = 1

  constructor(channel: EventChannel, defaultOperator: InterFilterGroupOperator) {
    this.#channel = channel
    this.#defaultOperator = defaultOperator
    this.#consumerAdmins.set(0, new ConsumerAdmin(channel, 0, defaultOperator))
    this.#supplierAdmins.set(0, new SupplierAdmin(channel, 0, defaultOperator))
  }

  /** The default ConsumerAdmin (id 0), recreated if it was destroyed. */
  defaultConsumerAdmin(): ConsumerAdmin {
    let admin = this.#consumerAdmins.get(0)
    if (admin === undefined) {
      admin = new ConsumerAdmin(this.#channel, 0, this.#defaultOperator)
      this.#consumerAdmins.set(0, admin)
    }
    return admin
  }

  /** The default SupplierAdmin (id 0), recreated if it was destroyed. */
  defaultSupplierAdmin(): SupplierAdmin {
    let admin = this.#supplierAdmins.get(0)
    if (admin === undefined) {
      admin = new SupplierAdmin(this.#channel, 0, this.#defaultOperator)
      this.#supplierAdmins.set(0, admin)
    }
    return admin
  }

  /** A new ConsumerAdmin with a fixed operator. @throws NotifyError BAD_PARAM (bad operator) */
  newConsumerAdmin(op: InterFilterGroupOperator): ConsumerAdmin {
    assertOperator(op)
    const admin = new ConsumerAdmin(this.#channel, this.#nextConsumerAdminId++, op)
    this.#consumerAdmins.set(admin.MyID, admin)
    return admin
  }

  /** A new SupplierAdmin with a fixed operator. @throws NotifyError BAD_PARAM (bad operator) */
  newSupplierAdmin(op: InterFilterGroupOperator): SupplierAdmin {
    assertOperator(op)
    const admin = new SupplierAdmin(this.#channel, this.#nextSupplierAdminId++, op)
    this.#supplierAdmins.set(admin.MyID, admin)
    return admin
  }

  /** @throws NotifyError AdminNotFound */
  consumerAdmin(id: number): ConsumerAdmin {
    const admin = id === 0 ? this.defaultConsumerAdmin() : this.#consumerAdmins.get(id)
    if (admin === undefined)
      throw new NotifyError(NotifyErrorCode.ADMIN_NOT_FOUND, `no admin ${id}`)
    return admin
  }

  /** @throws NotifyError AdminNotFound */
  supplierAdmin(id: number): SupplierAdmin {
    const admin = id === 0 ? this.defaultSupplierAdmin() : this.#supplierAdmins.get(id)
    if (admin === undefined)
      throw new NotifyError(NotifyErrorCode.ADMIN_NOT_FOUND, `no admin ${id}`)
    return admin
  }

  /** AdminIDs of the live ConsumerAdmins, ascending (including 0). */
  consumerAdminIds(): number[] {
    void this.defaultConsumerAdmin()
    return [...this.#consumerAdmins.keys()].sort((a, b) => a - b)
  }

  /** AdminIDs of the live SupplierAdmins, ascending (including 0). */
  supplierAdminIds(): number[] {
    void this.defaultSupplierAdmin()
    return [...this.#supplierAdmins.keys()].sort((a, b) => a - b)
  }

  /** Forgets a destroyed admin (unless another took its id since). */
  remove(admin: ConsumerAdmin | SupplierAdmin): void {
    if (admin instanceof ConsumerAdmin) {
      if (this.#consumerAdmins.get(admin.MyID) === admin) this.#consumerAdmins.delete(admin.MyID)
    } else if (this.#supplierAdmins.get(admin.MyID) === admin) {
      this.#supplierAdmins.delete(admin.MyID)
    }
  }

  /** Destroys every admin, suppliers' side first, and forgets them. */
  destroyAll(reason: string): void {
    for (const admin of [...this.#supplierAdmins.values()]) admin.destroyInternal(reason)
    for (const admin of [...this.#consumerAdmins.values()]) admin.destroyInternal(reason)
    this.#supplierAdmins.clear()
    this.#consumerAdmins.clear()
  }

  /** Every consumer-facing proxy of the channel. */
  proxySuppliers(): ProxySupplier[] {
    const all: ProxySupplier[] = []
    for (const admin of this.#consumerAdmins.values()) all.push(...admin.proxyList())
    return all
  }

  /** The live SupplierAdmins (a copy: callers may destroy while walking it). */
  supplierAdminList(): SupplierAdmin[] {
    return [...this.#supplierAdmins.values()]
  }

  /** Live proxies of one side (consumer: consumer-facing), connected or not. */
  proxyCount(side: 'consumer' | 'supplier'): number {
    return side === 'consumer'
      ? this.proxySuppliers().length
      : this.supplierAdminList().reduce((n, a) => n + a.proxyList().length, 0)
  }

  /** True when any proxy of either side exists. */
  hasProxies(): boolean {
    if (this.proxySuppliers().length > 0) return true
    return [...this.#supplierAdmins.values()].some((a) => a.proxyList().length > 0)
  }

  toInfo(): { consumerAdmins: ConsumerAdminInfo[]; supplierAdmins: SupplierAdminInfo[] } {
    return {
      consumerAdmins: [...this.#consumerAdmins.values()].map((a) => a.toInfo()),
      supplierAdmins: [...this.#supplierAdmins.values()].map((a) => a.toInfo())
    }
  }
}

function assertOperator(op: InterFilterGroupOperator): void {
  if (op !== InterFilterGroupOperator.AND_OP && op !== InterFilterGroupOperator.OR_OP) {
    throw new NotifyError(
      NotifyErrorCode.BAD_PARAM,
      `unknown InterFilterGroupOperator ${String(op)}`
    )
  }
}
