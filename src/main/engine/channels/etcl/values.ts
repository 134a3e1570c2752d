import type { ChannelEvent, JsonValue, Property, StructuredEvent } from '../event'

/**
 * Run-time values the evaluator sees (digest §4.5.6). Event data arrives as JSON (event.ts), where
 * integral numbers are `long` and others `double`. Values JSON cannot express — a `double` that
 * happens to be integral, enums, unions, structs with a type name, 64-bit integers — are written
 * as typed nodes, the digest's recommendation:
 *
 * - `{"t": "short" | "ushort" | "long" | "ulong" | "longlong" | "ulonglong" | "octet" | "TimeT",
 *   "v": 5}` (`v` may be a decimal string for values beyond 2^53)
 * - `{"t": "float" | "double", "v": 4}`, `{"t": "boolean", "v": true}`,
 *   `{"t": "char" | "wchar" | "string" | "wstring", "v": "x"}`
 * - `{"t": "enum", "v": "DOWN", "labels": ["UP", "DOWN"], "type": "State", "id": "IDL:…"}`
 * - `{"t": "struct", "members": [["name", "Ann"], …], "name": "Person", "id": "IDL:…"}`
 * - `{"t": "union", "disc": 2, "arm": "s", "v": "x", "labels": [2], "hasDefault": true,
 *   "defaultActive": false, "name": "Value", "id": "IDL:…"}` (`labels`: the case labels of the
 *   active arm, when it has several)
 * - `{"t": "seq" | "sequence" | "array", "v": […]}` and `{"t": "any", "v": …}` (unwrapped)
 *
 * An object is a typed node only when its `t` is one of these tags and its fields have the
 * listed types; any other object is a plain struct whose members are its keys in order.
 */
export type Value =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'string'; v: string }
  | { k: 'enum'; label: string; labels?: readonly string[]; typeName?: string; reposId?: string }
  | {
      k: 'struct'
      members: ReadonlyArray<readonly [string, JsonValue]>
      typeName?: string
      reposId?: string
    }
  | {
      k: 'union'
      disc: JsonValue
      arm?: string
      labels?: readonly JsonValue[]
      hasDefault: boolean
      defaultActive: boolean
      value: JsonValue
      typeName?: string
      reposId?: string
    }
  | { k: 'seq'; items: readonly JsonValue[]; typeName?: string; reposId?: string }

type JsonObject = { [key: string]: JsonValue }

const INTEGER_TAGS: ReadonlySet<string> = new Set([
  'short',
  'ushort',
  'long',
  'ulong',
  'longlong',
  'ulonglong',
  'octet',
  'TimeT'
])
const FLOAT_TAGS: ReadonlySet<string> = new Set(['float', 'double'])
const STRING_TAGS: ReadonlySet<string> = new Set(['char', 'wchar', 'string', 'wstring'])
const SEQUENCE_TAGS: ReadonlySet<string> = new Set(['seq', 'sequence', 'array'])

/** Inclusive ranges of the fixed-size CORBA integer kinds, for range checks on typed values. */
export const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  octet: [0n, 255n],
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  ushort: [0n, 2n ** 16n - 1n],
  long: [-(2n ** 31n), 2n ** 31n - 1n],
  ulong: [0n, 2n ** 32n - 1n],
  longlong: [-(2n ** 63n), 2n ** 63n - 1n],
  ulonglong: [0n, 2n ** 64n - 1n],
  TimeT: [0n, 2n ** 64n - 1n]
}

/** Repository ids of the standard structures, so `._repos_id` works on a structured event. */
const STANDARD_IDS = {
  StructuredEvent: 'IDL:omg.org/CosNotification/StructuredEvent:1.0',
  EventHeader: 'IDL:omg.org/CosNotification/EventHeader:1.0',
  FixedEventHeader: 'IDL:omg.org/CosNotification/FixedEventHeader:1.0',
  EventType: 'IDL:omg.org/CosNotification/EventType:1.0',
  PropertySeq: 'IDL:omg.org/CosNotification/PropertySeq:1.0',
  Property: 'IDL:omg.org/CosNotification/Property:1.0',
  UtcT: 'IDL:omg.org/TimeBase/UtcT:1.0'
} as const

/** 100 ns units between 1582-10-15 and the Unix epoch (digest notation section). */
export const UNIX_EPOCH_IN_UTC_TIME = 122_192_928_000_000_000n

function optionalString(obj: JsonObject, key: string): string | undefined | false {
  const value = obj[key]
  if (value === undefined) return undefined
  return typeof value === 'string' ? value : false
}

function toBigInt(json: JsonValue | undefined): bigint | undefined {
  if (typeof json === 'number' && Number.isInteger(json)) return BigInt(json)
  if (typeof json === 'string' && /^-?\d+$/.test(json)) return BigInt(json)
  return undefined
}

/** The struct members of a typed struct's `members` field, or undefined if malformed. */
function memberPairs(json: JsonValue | undefined): Array<readonly [string, JsonValue]> | undefined {
  if (!Array.isArray(json)) return undefined
  const pairs: Array<readonly [string, JsonValue]> = []
  for (const pair of json) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return undefined
    pairs.push([pair[0], pair[1] as JsonValue])
  }
  return pairs
}

function names(obj: JsonObject): { typeName?: string; reposId?: string } | undefined {
  const typeName = optionalString(obj, 'name')
  const reposId = optionalString(obj, 'id')
  if (typeName === false || reposId === false) return undefined
  return {
    ...(typeName !== undefined && { typeName }),
    ...(reposId !== undefined && { reposId })
  }
}

function optionalBoolean(obj: JsonObject, key: string): boolean | undefined {
  const value = obj[key]
  if (value === undefined) return false
  return typeof value === 'boolean' ? value : undefined
}

/** Reads a typed node (see Value), or returns undefined when `obj` is not a well-formed one. */
function typedNode(obj: JsonObject): Value | undefined {
  const tag = obj.t
  if (typeof tag !== 'string') return undefined
  const v = obj.v
  if (INTEGER_TAGS.has(tag)) {
    const n = toBigInt(v)
    return n === undefined ? undefined : { k: 'int', v: n }
  }
  if (FLOAT_TAGS.has(tag)) return typeof v === 'number' ? { k: 'float', v } : undefined
  if (STRING_TAGS.has(tag)) return typeof v === 'string' ? { k: 'string', v } : undefined
  if (tag === 'boolean') return typeof v === 'boolean' ? { k: 'bool', v } : undefined
  if (tag === 'any') return v === undefined ? undefined : fromJson(v)
  if (SEQUENCE_TAGS.has(tag)) {
    const n = names(obj)
    return Array.isArray(v) && n ? { k: 'seq', items: v, ...n } : undefined
  }
  if (tag === 'enum') {
    const labels = obj.labels
    const typeName = optionalString(obj, 'type')
    const reposId = optionalString(obj, 'id')
    const labelsOk =
      labels === undefined || (Array.isArray(labels) && labels.every((l) => typeof l === 'string'))
    if (typeof v !== 'string' || !labelsOk || typeName === false || reposId === false) {
      return undefined
    }
    return {
      k: 'enum',
      label: v,
      ...(labels !== undefined && { labels: labels as string[] }),
      ...(typeName !== undefined && { typeName }),
      ...(reposId !== undefined && { reposId })
    }
  }
  if (tag === 'struct') {
    const members = memberPairs(obj.members)
    const n = names(obj)
    return members && n ? { k: 'struct', members, ...n } : undefined
  }
  if (tag === 'union') {
    const n = names(obj)
    const hasDefault = optionalBoolean(obj, 'hasDefault')
    const defaultActive = optionalBoolean(obj, 'defaultActive')
    const arm = optionalString(obj, 'arm')
    const labels = obj.labels
    if (
      obj.disc === undefined ||
      v === undefined ||
      !n ||
      hasDefault === undefined ||
      defaultActive === undefined ||
      arm === false ||
      (labels !== undefined && !Array.isArray(labels))
    ) {
      return undefined
    }
    return {
      k: 'union',
      disc: obj.disc,
      value: v,
      hasDefault,
      defaultActive,
      ...(arm !== undefined && { arm }),
      ...(labels !== undefined && { labels: labels as JsonValue[] }),
      ...n
    }
  }
  return undefined
}

/**
 * Converts one level of JSON into a Value; nested members stay JSON until navigated into.
 * Integral JSON numbers are integers, others floating (§4.5.6 fallback for untyped JSON).
 */
export function fromJson(json: JsonValue): Value {
  if (json === null) return { k: 'null' }
  switch (typeof json) {
    case 'boolean':
      return { k: 'bool', v: json }
    case 'number':
      return Number.isInteger(json) ? { k: 'int', v: BigInt(json) } : { k: 'float', v: json }
    case 'string':
      return { k: 'string', v: json }
  }
  if (Array.isArray(json)) return { k: 'seq', items: json }
  return typedNode(json) ?? { k: 'struct', members: Object.entries(json) }
}

function typedStruct(
  name: keyof typeof STANDARD_IDS,
  members: Array<[string, JsonValue]>
): JsonValue {
  return { t: 'struct', name, id: STANDARD_IDS[name], members }
}

function propertySeq(properties: readonly Property[]): JsonValue {
  return {
    t: 'seq',
    name: 'PropertySeq',
    id: STANDARD_IDS.PropertySeq,
    v: properties.map((p) =>
      typedStruct('Property', [
        ['name', p.name],
        ['value', p.value]
      ])
    )
  }
}

// Built once per event object: an event is matched by many filters, and events are immutable
// once supplied.
const structuredCache = new WeakMap<StructuredEvent, JsonValue>()

/** The StructuredEvent as a typed struct, so `$.header…` paths and `._type_id` work on it. */
export function structuredEventJson(event: StructuredEvent): JsonValue {
  const cached = structuredCache.get(event)
  if (cached !== undefined) return cached
  const { fixed_header: fixed, variable_header: variable } = event.header
  const json = typedStruct('StructuredEvent', [
    [
      'header',
      typedStruct('EventHeader', [
        [
          'fixed_header',
          typedStruct('FixedEventHeader', [
            [
              'event_type',
              typedStruct('EventType', [
                ['domain_name', fixed.event_type.domain_name],
                ['type_name', fixed.event_type.type_name]
              ])
            ],
            ['event_name', fixed.event_name]
          ])
        ],
        ['variable_header', propertySeq(variable)]
      ])
    ],
    ['filterable_data', propertySeq(event.filterable_data)],
    ['remainder_of_body', event.remainder_of_body]
  ])
  structuredCache.set(event, json)
  return json
}

/** `$` of an event: the StructuredEvent itself, or the contents of an untyped any. */
export function rootJson(event: ChannelEvent): JsonValue {
  return event.kind === 'structured' ? structuredEventJson(event.event) : event.data
}

/** `$curtime`: a TimeBase::UtcT for `nowMs` (inaccuracy unknown, time-zone displacement 0). */
export function utcTimeJson(nowMs: number): JsonValue {
  const time = BigInt(Math.trunc(nowMs)) * 10_000n + UNIX_EPOCH_IN_UTC_TIME
  return typedStruct('UtcT', [
    ['time', { t: 'TimeT', v: time.toString() }],
    ['inacclo', { t: 'ulong', v: 0 }],
    ['inacchi', { t: 'ushort', v: 0 }],
    ['tdf', { t: 'short', v: 0 }]
  ])
}
