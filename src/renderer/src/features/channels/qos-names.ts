import type {
  AdminInfoJson,
  ChannelInfoJson,
  JsonValue,
  PropertyJson,
  ProxyInfoBase
} from '@shared/contract/labs/channels'

/** The spec's policy constants (digest §3.1): the QoS value is the number, the UI shows the name. */
export const POLICY_NAMES = ['AnyOrder', 'FifoOrder', 'PriorityOrder', 'DeadlineOrder', 'LifoOrder']
/** OrderPolicy allows AnyOrder..DeadlineOrder; DiscardPolicy also LifoOrder (§3.2). */
export const ORDER_POLICIES = POLICY_NAMES.slice(0, 4)
export const DISCARD_POLICIES = POLICY_NAMES
/** EventReliability / ConnectionReliability values 0 and 1. */
export const RELIABILITY_NAMES = ['BestEffort', 'Persistent']
/** Factory defaults (digest §3.2 "spec-ish default"), as the engine applies them. */
export const DEFAULT_ORDER_POLICY = 'PriorityOrder'
export const DEFAULT_DISCARD_POLICY = 'AnyOrder'

/** 100 ns units per second (CORBA TimeT). */
export const TIMET_PER_SECOND = 10_000_000

export type QoSKind = 'order' | 'discard' | 'reliability' | 'boolean' | 'count' | 'timeT' | 'short'

/** Every settable QoS property, how its value is edited, and where it may be set (§3.2). */
export const QOS_FIELDS: {
  name: string
  kind: QoSKind
  levels: ('channel' | 'admin' | 'proxy')[]
}[] = [
  { name: 'OrderPolicy', kind: 'order', levels: ['channel', 'admin', 'proxy'] },
  { name: 'DiscardPolicy', kind: 'discard', levels: ['channel', 'admin', 'proxy'] },
  { name: 'MaxEventsPerConsumer', kind: 'count', levels: ['channel', 'admin', 'proxy'] },
  { name: 'Priority', kind: 'short', levels: ['channel', 'admin', 'proxy'] },
  { name: 'Timeout', kind: 'timeT', levels: ['channel', 'admin', 'proxy'] },
  { name: 'MaximumBatchSize', kind: 'count', levels: ['channel', 'admin', 'proxy'] },
  { name: 'PacingInterval', kind: 'timeT', levels: ['channel', 'admin', 'proxy'] },
  { name: 'StartTimeSupported', kind: 'boolean', levels: ['channel', 'admin', 'proxy'] },
  { name: 'StopTimeSupported', kind: 'boolean', levels: ['channel', 'admin', 'proxy'] },
  { name: 'ConnectionReliability', kind: 'reliability', levels: ['channel', 'admin', 'proxy'] },
  { name: 'EventReliability', kind: 'reliability', levels: ['channel'] }
]

/** Properties whose 0 means "no limit". */
const ZERO_IS_INFINITE = new Set([
  'MaxEventsPerConsumer',
  'MaxQueueLength',
  'MaxConsumers',
  'MaxSuppliers',
  'Timeout'
])

/** "∞" for 0 (the spec's "no limit"), the number otherwise. */
export function limitText(n: number): string {
  return n === 0 ? '∞' : String(n)
}

/** A TimeT as seconds: 20000000 → "2 s". */
export function timeTText(units: number): string {
  return `${units / TIMET_PER_SECOND} s`
}

/** One QoS or admin property value as a student reads it: policies and reliabilities by name. */
export function qosValueText(name: string, value: JsonValue): string {
  if (typeof value !== 'number') return String(value)
  if (name === 'OrderPolicy' || name === 'DiscardPolicy')
    return POLICY_NAMES[value] ?? String(value)
  if (name === 'EventReliability' || name === 'ConnectionReliability')
    return RELIABILITY_NAMES[value] ?? String(value)
  if (ZERO_IS_INFINITE.has(name) && value === 0) return '∞'
  if (name === 'Timeout' || name === 'PacingInterval') return value === 0 ? '0' : timeTText(value)
  return String(value)
}

/** "OrderPolicy=PriorityOrder · MaxEventsPerConsumer=∞". */
export function propertiesText(list: PropertyJson[]): string {
  return list.map((p) => `${p.name}=${qosValueText(p.name, p.value)}`).join(' · ')
}

/** A QoS property's value in force at a proxy: its own, else its admin's, else the channel's. */
export function effectiveQoS(
  name: string,
  channel: ChannelInfoJson,
  admin: AdminInfoJson | undefined,
  proxy: ProxyInfoBase | undefined
): JsonValue | undefined {
  for (const list of [proxy?.qos, admin?.qos, channel.qos]) {
    const found = list?.find((p) => p.name === name)
    if (found) return found.value
  }
  return undefined
}
