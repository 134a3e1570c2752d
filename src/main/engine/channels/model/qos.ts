import type { JsonValue, Property } from '../event'
import {
  AnyOrder,
  BestEffort,
  DeadlineOrder,
  DefaultPriority,
  HighestPriority,
  LifoOrder,
  LowestPriority,
  Persistent,
  PriorityOrder,
  QoSErrorCode
} from './constants'
import type { PropertyError, PropertyRange } from './notify-error'
import { parseTimeT, parseUtcT } from './time'

/**
 * The QoS and admin property tables of digest §3.2 with the validation rules of §3.4. Pure
 * functions; the objects holding property sets live in qos-properties.ts.
 */

/** Where a QoS property is being set: channel (and factory defaults), admin, proxy, or one event. */
export type QoSLevel = 'channel' | 'admin' | 'proxy' | 'event'

type ValueKind = 'short' | 'long' | 'TimeT' | 'UtcT' | 'boolean'

interface PropertySpec {
  kind: ValueKind
  /** Inclusive numeric bounds (for TimeT: lower bound only). */
  min?: number
  max?: number
  levels: readonly QoSLevel[]
}

const LONG_MAX = 2_147_483_647

/** Names of every QoS property of the master table (§3.2). */
export const QOS_PROPERTY_NAMES = [
  'EventReliability',
  'ConnectionReliability',
  'Priority',
  'StartTime',
  'StopTime',
  'Timeout',
  'StartTimeSupported',
  'StopTimeSupported',
  'MaxEventsPerConsumer',
  'OrderPolicy',
  'DiscardPolicy',
  'MaximumBatchSize',
  'PacingInterval'
] as const
export type QoSPropertyName = (typeof QOS_PROPERTY_NAMES)[number]

const QOS_SPECS: Record<QoSPropertyName, PropertySpec> = {
  EventReliability: {
    kind: 'short',
    min: BestEffort,
    max: Persistent,
    levels: ['channel', 'event']
  },
  ConnectionReliability: {
    kind: 'short',
    min: BestEffort,
    max: Persistent,
    levels: ['channel', 'admin', 'proxy']
  },
  Priority: {
    kind: 'short',
    min: LowestPriority,
    max: HighestPriority,
    levels: ['channel', 'admin', 'proxy', 'event']
  },
  StartTime: { kind: 'UtcT', levels: ['event'] },
  StopTime: { kind: 'UtcT', levels: ['event'] },
  Timeout: { kind: 'TimeT', min: 0, levels: ['channel', 'admin', 'proxy', 'event'] },
  StartTimeSupported: { kind: 'boolean', levels: ['channel', 'admin', 'proxy'] },
  StopTimeSupported: { kind: 'boolean', levels: ['channel', 'admin', 'proxy'] },
  MaxEventsPerConsumer: {
    kind: 'long',
    min: 0,
    max: LONG_MAX,
    levels: ['channel', 'admin', 'proxy']
  },
  OrderPolicy: {
    kind: 'short',
    min: AnyOrder,
    max: DeadlineOrder,
    levels: ['channel', 'admin', 'proxy']
  },
  DiscardPolicy: {
    kind: 'short',
    min: AnyOrder,
    max: LifoOrder,
    levels: ['channel', 'admin', 'proxy']
  },
  MaximumBatchSize: { kind: 'long', min: 1, max: LONG_MAX, levels: ['channel', 'admin', 'proxy'] },
  PacingInterval: { kind: 'TimeT', min: 0, levels: ['channel', 'admin', 'proxy'] }
}

/**
 * Factory defaults of the settable (non per-event-only) QoS properties, i.e. the "spec-ish
 * default" column of §3.2: PriorityOrder delivery, AnyOrder (= drop oldest) discarding, unlimited
 * queues, batches of 1 without pacing, no expiry, StartTime/StopTime not honoured, BestEffort.
 */
export const DEFAULT_QOS: Readonly<Record<string, JsonValue>> = {
  EventReliability: BestEffort,
  ConnectionReliability: BestEffort,
  Priority: DefaultPriority,
  Timeout: 0,
  StartTimeSupported: false,
  StopTimeSupported: false,
  MaxEventsPerConsumer: 0,
  OrderPolicy: PriorityOrder,
  DiscardPolicy: AnyOrder,
  MaximumBatchSize: 1,
  PacingInterval: 0
}

/** Names of the admin properties (§3.2, channel only). */
export const ADMIN_PROPERTY_NAMES = [
  'MaxQueueLength',
  'MaxConsumers',
  'MaxSuppliers',
  'RejectNewEvents'
] as const
export type AdminPropertyName = (typeof ADMIN_PROPERTY_NAMES)[number]

/** Defaults of the admin properties: everything unlimited, discard rather than reject. */
export const DEFAULT_ADMIN: Readonly<Record<AdminPropertyName, JsonValue>> = {
  MaxQueueLength: 0,
  MaxConsumers: 0,
  MaxSuppliers: 0,
  RejectNewEvents: false
}

const ADMIN_SPECS: Record<AdminPropertyName, PropertySpec> = {
  MaxQueueLength: { kind: 'long', min: 0, max: LONG_MAX, levels: ['channel'] },
  MaxConsumers: { kind: 'long', min: 0, max: LONG_MAX, levels: ['channel'] },
  MaxSuppliers: { kind: 'long', min: 0, max: LONG_MAX, levels: ['channel'] },
  RejectNewEvents: { kind: 'boolean', levels: ['channel'] }
}

function isQoSName(name: string): name is QoSPropertyName {
  return Object.prototype.hasOwnProperty.call(QOS_SPECS, name)
}

function isAdminName(name: string): name is AdminPropertyName {
  return Object.prototype.hasOwnProperty.call(ADMIN_SPECS, name)
}

/** @returns the documented legal range of a property (bounds null where not numeric) */
function rangeOf(spec: PropertySpec): PropertyRange {
  switch (spec.kind) {
    case 'boolean':
      return { low_val: false, high_val: true }
    case 'UtcT':
      return { low_val: null, high_val: null }
    case 'TimeT':
      return { low_val: spec.min ?? 0, high_val: null }
    default:
      return { low_val: spec.min ?? null, high_val: spec.max ?? null }
  }
}

const NO_RANGE: PropertyRange = { low_val: null, high_val: null }

/** Type then range check of one value. @returns the error code, or null when valid */
function checkValue(spec: PropertySpec, value: JsonValue): QoSErrorCode | null {
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : QoSErrorCode.BAD_TYPE
    case 'short':
    case 'long': {
      // JSON has no short: any integral number is accepted as the right kind (§3.4 [rec]).
      if (typeof value !== 'number' || !Number.isInteger(value)) return QoSErrorCode.BAD_TYPE
      if (spec.min !== undefined && value < spec.min) return QoSErrorCode.BAD_VALUE
      if (spec.max !== undefined && value > spec.max) return QoSErrorCode.BAD_VALUE
      return null
    }
    case 'TimeT': {
      const units = parseTimeT(value)
      if (units === null) return QoSErrorCode.BAD_TYPE
      return units < 0n ? QoSErrorCode.BAD_VALUE : null
    }
    case 'UtcT': {
      const units = parseUtcT(value)
      if (units === null) return QoSErrorCode.BAD_TYPE
      return units < 0n ? QoSErrorCode.BAD_VALUE : null
    }
  }
}

/** Context of a QoS validation: the object's place in the hierarchy and its neighbours' values. */
export interface QoSValidationContext {
  /** Level of the object being changed. */
  level: QoSLevel
  /** Effective value at the object's parent (channel: the factory defaults). */
  parentValue(name: QoSPropertyName): JsonValue
  /** Current effective value at the object itself. */
  currentValue(name: QoSPropertyName): JsonValue
  /** True when the object already has children (admins/proxies), which freezes reliability. */
  hasChildren: boolean
}

/**
 * Validates a QoS PropertySeq for set_qos/validate_qos/create_channel (§3.4). Every problem is
 * reported (all-or-nothing callers apply nothing when the result is non-empty).
 * @returns the property errors; empty when the whole request is acceptable
 */
export function validateQoS(
  props: readonly Property[],
  ctx: QoSValidationContext
): PropertyError[] {
  const errors: PropertyError[] = []
  const proposed = new Map<string, JsonValue>()
  for (const { name, value } of props) {
    if (!isQoSName(name)) {
      errors.push({ code: QoSErrorCode.BAD_PROPERTY, name, available_range: NO_RANGE })
      continue
    }
    const spec = QOS_SPECS[name]
    if (!spec.levels.includes(ctx.level)) {
      errors.push({ code: QoSErrorCode.UNSUPPORTED_PROPERTY, name, available_range: NO_RANGE })
      continue
    }
    const code = checkValue(spec, value)
    if (code !== null) {
      errors.push({ code, name, available_range: rangeOf(spec) })
      continue
    }
    proposed.set(name, value)
  }
  if (ctx.level !== 'event') errors.push(...reliabilityConflicts(proposed, ctx))
  return errors
}

/** Reliability rules of §3.3/§3.4 (omniNotify's interpretation). */
function reliabilityConflicts(
  proposed: Map<string, JsonValue>,
  ctx: QoSValidationContext
): PropertyError[] {
  const errors: PropertyError[] = []
  const range = { low_val: BestEffort, high_val: Persistent }
  const value = (name: QoSPropertyName): JsonValue =>
    proposed.has(name) ? (proposed.get(name) as JsonValue) : ctx.currentValue(name)
  for (const name of ['EventReliability', 'ConnectionReliability'] as const) {
    if (!proposed.has(name)) continue
    if (ctx.hasChildren && proposed.get(name) !== ctx.currentValue(name)) {
      errors.push({ code: QoSErrorCode.UNAVAILABLE_VALUE, name, available_range: range })
    }
  }
  if (ctx.level === 'channel') {
    const touched = proposed.has('EventReliability') || proposed.has('ConnectionReliability')
    if (
      touched &&
      value('EventReliability') === Persistent &&
      value('ConnectionReliability') === BestEffort
    ) {
      const name = proposed.has('EventReliability') ? 'EventReliability' : 'ConnectionReliability'
      errors.push({ code: QoSErrorCode.UNAVAILABLE_VALUE, name, available_range: range })
    }
  } else if (proposed.has('ConnectionReliability')) {
    const requested = proposed.get('ConnectionReliability')
    const parent = ctx.parentValue('ConnectionReliability')
    if (requested === Persistent && parent === BestEffort) {
      // A Persistent child under a BestEffort parent cannot be honoured.
      errors.push({
        code: QoSErrorCode.UNAVAILABLE_VALUE,
        name: 'ConnectionReliability',
        available_range: { low_val: BestEffort, high_val: BestEffort }
      })
    } else if (requested === BestEffort && ctx.parentValue('EventReliability') === Persistent) {
      // Persistent events need persistent connections all the way down.
      errors.push({
        code: QoSErrorCode.UNAVAILABLE_PROPERTY,
        name: 'ConnectionReliability',
        available_range: range
      })
    }
  }
  return errors
}

/** Context of validate_event_qos: the proxy's effective settings. */
export interface EventQoSContext {
  startTimeSupported: boolean
  stopTimeSupported: boolean
  channelEventReliability: JsonValue
}

/**
 * Checks per-event QoS (validate_event_qos, §3.4): would this proxy honour these header values?
 * @returns property errors; empty when all would be honoured
 */
export function validateEventQoS(
  props: readonly Property[],
  ctx: EventQoSContext
): PropertyError[] {
  const errors = validateQoS(props, {
    level: 'event',
    parentValue: () => null,
    currentValue: () => null,
    hasChildren: false
  })
  const bad = new Set(errors.map((e) => e.name))
  for (const { name, value } of props) {
    if (bad.has(name)) continue
    if (name === 'StartTime' && !ctx.startTimeSupported) {
      errors.push({ code: QoSErrorCode.UNAVAILABLE_PROPERTY, name, available_range: NO_RANGE })
    } else if (name === 'StopTime' && !ctx.stopTimeSupported) {
      errors.push({ code: QoSErrorCode.UNAVAILABLE_PROPERTY, name, available_range: NO_RANGE })
    } else if (
      name === 'EventReliability' &&
      value === Persistent &&
      ctx.channelEventReliability !== Persistent
    ) {
      errors.push({
        code: QoSErrorCode.UNAVAILABLE_VALUE,
        name,
        available_range: { low_val: BestEffort, high_val: BestEffort }
      })
    }
  }
  return errors
}

/** One entry of validate_qos' `available` out parameter (CosNotification::NamedPropertyRange). */
export interface NamedPropertyRange {
  name: string
  range: PropertyRange
}

/**
 * The properties settable at `level` that the request did not mention, with their ranges
 * (validate_qos' `available`, §3.4).
 */
export function availableQoS(level: QoSLevel, required: readonly Property[]): NamedPropertyRange[] {
  const named = new Set(required.map((p) => p.name))
  return QOS_PROPERTY_NAMES.filter((n) => QOS_SPECS[n].levels.includes(level) && !named.has(n)).map(
    (name) => ({ name, range: rangeOf(QOS_SPECS[name]) })
  )
}

/** @returns the names of the QoS properties settable at `level` */
export function qosNamesAt(level: QoSLevel): QoSPropertyName[] {
  return QOS_PROPERTY_NAMES.filter((n) => QOS_SPECS[n].levels.includes(level))
}

/**
 * Validates an AdminProperties list (§3.2): unknown → BAD_PROPERTY, wrong type → BAD_TYPE,
 * negative → BAD_VALUE; all errors reported together.
 */
export function validateAdmin(props: readonly Property[]): PropertyError[] {
  const errors: PropertyError[] = []
  for (const { name, value } of props) {
    if (!isAdminName(name)) {
      errors.push({ code: QoSErrorCode.BAD_PROPERTY, name, available_range: NO_RANGE })
      continue
    }
    const spec = ADMIN_SPECS[name]
    const code = checkValue(spec, value)
    if (code !== null) errors.push({ code, name, available_range: rangeOf(spec) })
  }
  return errors
}

const QOS_ERROR_NAMES = [
  'UNSUPPORTED_PROPERTY',
  'UNAVAILABLE_PROPERTY',
  'UNSUPPORTED_VALUE',
  'UNAVAILABLE_VALUE',
  'BAD_PROPERTY',
  'BAD_TYPE',
  'BAD_VALUE'
] as const

/**
 * A message naming every refused property and why, e.g.
 * `unsupported QoS: Priority BAD_VALUE (allowed -32767..32767), Bogus BAD_PROPERTY`.
 */
export function describePropertyErrors(what: string, errors: readonly PropertyError[]): string {
  const parts = errors.map((e) => {
    const { low_val: low, high_val: high } = e.available_range
    const range =
      low === null && high === null ? '' : ` (allowed ${String(low ?? '')}..${String(high ?? '')})`
    return `${e.name} ${QOS_ERROR_NAMES[e.code] ?? e.code}${range}`
  })
  return `${what}: ${parts.join(', ')}`
}
