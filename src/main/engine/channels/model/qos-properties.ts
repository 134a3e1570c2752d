import type { JsonValue, Property } from '../event'
import { NotifyError, NotifyErrorCode } from './notify-error'
import {
  availableQoS,
  DEFAULT_QOS,
  describePropertyErrors,
  type NamedPropertyRange,
  qosNamesAt,
  type QoSLevel,
  type QoSPropertyName,
  validateQoS
} from './qos'
import { parseTimeT } from './time'

/**
 * The QoS property set of one channel, admin or proxy, with live inheritance (digest §3.4 [rec]):
 * the effective value of a property is the nearest explicitly set value walking
 * proxy → admin → channel → factory default, read at the moment of use, so a parent's change is
 * seen by every child that did not override it.
 */
export class QoSProperties {
  readonly #level: QoSLevel
  readonly #parent: QoSProperties | null
  readonly #defaults: Readonly<Record<string, JsonValue>>
  readonly #explicit = new Map<QoSPropertyName, JsonValue>()

  /**
   * @param level - where this set lives (decides which properties are settable)
   * @param parent - the set to inherit from; null for a channel
   * @param defaults - factory defaults, consulted after the whole chain
   */
  constructor(
    level: QoSLevel,
    parent: QoSProperties | null,
    defaults: Readonly<Record<string, JsonValue>> = DEFAULT_QOS
  ) {
    this.#level = level
    this.#parent = parent
    this.#defaults = defaults
  }

  /** @returns the effective value of `name` */
  get(name: QoSPropertyName): JsonValue {
    if (this.#explicit.has(name)) return this.#explicit.get(name) as JsonValue
    if (this.#parent !== null) return this.#parent.get(name)
    return this.#defaults[name] ?? null
  }

  /** @returns the effective value of a numeric property (TimeT values as a number of units) */
  number(name: QoSPropertyName): number {
    const value = this.get(name)
    if (typeof value === 'number') return value
    const units = parseTimeT(value)
    return units === null ? 0 : Number(units)
  }

  /** @returns the effective value of a boolean property */
  flag(name: QoSPropertyName): boolean {
    return this.get(name) === true
  }

  /** @returns effective values of every property settable at this level (get_qos) */
  getAll(): Property[] {
    return qosNamesAt(this.#level).map((name) => ({ name, value: this.get(name) }))
  }

  /** @returns only the explicitly set properties, for persistence of the topology */
  getExplicit(): Property[] {
    return [...this.#explicit].map(([name, value]) => ({ name, value }))
  }

  /**
   * Validates without applying (validate_qos).
   * @param hasChildren - whether the owner already has children (freezes reliability)
   * @returns the properties still settable, with ranges
   * @throws NotifyError UnsupportedQoS with every PropertyError
   */
  validate(props: readonly Property[], hasChildren: boolean): NamedPropertyRange[] {
    const errors = validateQoS(props, {
      level: this.#level,
      parentValue: (name) =>
        this.#parent === null ? (this.#defaults[name] ?? null) : this.#parent.get(name),
      currentValue: (name) => this.get(name),
      hasChildren
    })
    if (errors.length > 0) {
      throw new NotifyError(
        NotifyErrorCode.UNSUPPORTED_QOS,
        describePropertyErrors('unsupported QoS', errors),
        {
          propertyErrors: errors
        }
      )
    }
    return availableQoS(this.#level, props)
  }

  /**
   * Atomically validates then applies (set_qos): on any error nothing changes.
   * @throws NotifyError UnsupportedQoS
   */
  set(props: readonly Property[], hasChildren: boolean): void {
    this.validate(props, hasChildren)
    for (const { name, value } of props) this.#explicit.set(name as QoSPropertyName, value)
  }
}
