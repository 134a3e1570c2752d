import type { JsonValue, PropertyJson, StructuredEventJson } from '@shared/contract/labs/channels'
import { RELIABILITY_NAMES } from './qos-names'

/** The type a filterable-data field is sent as (what the constraint language compares). */
export const DATA_TYPES = ['number', 'string', 'boolean'] as const
export type DataType = (typeof DATA_TYPES)[number]

export interface DataField {
  name: string
  type: DataType
  value: string
}

/** What the structured-event editor holds; empty optional fields are left out of the event. */
export interface EventForm {
  domain: string
  type: string
  name: string
  /** Header Priority (short); '' = none (the supplier-side Priority QoS applies). */
  priority: string
  /** Header Timeout in TimeT (100 ns); '' = none. */
  timeout: string
  /** Header EventReliability; '' = none (the channel's). */
  reliability: '' | 'BestEffort' | 'Persistent'
  data: DataField[]
  /** remainder_of_body: JSON, or plain text carried as a string; '' = null. */
  body: string
}

export const DEFAULT_EVENT_FORM: EventForm = {
  domain: 'Telecom',
  type: 'Alarm',
  name: 'event',
  priority: '3',
  timeout: '',
  reliability: '',
  data: [
    { name: 'severity', type: 'number', value: '4' },
    { name: 'host', type: 'string', value: 'router7' }
  ],
  body: ''
}

/** A field's value as its type, or an error naming the field. */
export function typedValue(field: DataField): JsonValue | { error: string } {
  if (field.type === 'string') return field.value
  if (field.type === 'boolean') {
    if (field.value === 'TRUE' || field.value === 'true') return true
    if (field.value === 'FALSE' || field.value === 'false') return false
    return { error: `${field.name}: a boolean is TRUE or FALSE` }
  }
  const n = Number(field.value)
  if (field.value.trim() === '' || !Number.isFinite(n))
    return { error: `${field.name}: '${field.value}' is not a number` }
  return n
}

function isError(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'error' in v
}

function integer(text: string, what: string): number | { error: string } {
  const n = Number(text)
  return Number.isInteger(n) ? n : { error: `${what} must be a whole number` }
}

/**
 * The StructuredEvent the form describes; with `count > 1` the name gets `-1`, `-2`… by `index`.
 * @returns the event, or `{ error }` saying which field is wrong
 */
export function buildEvent(
  form: EventForm,
  index = 0,
  count = 1
): StructuredEventJson | { error: string } {
  const variable: PropertyJson[] = []
  if (form.priority.trim() !== '') {
    const p = integer(form.priority, 'Priority')
    if (isError(p)) return p
    variable.push({ name: 'Priority', value: p })
  }
  if (form.timeout.trim() !== '') {
    const t = integer(form.timeout, 'Timeout')
    if (isError(t)) return t
    variable.push({ name: 'Timeout', value: t })
  }
  if (form.reliability !== '') {
    variable.push({ name: 'EventReliability', value: RELIABILITY_NAMES.indexOf(form.reliability) })
  }
  const data: PropertyJson[] = []
  for (const field of form.data) {
    if (field.name.trim() === '') continue
    const value = typedValue(field)
    if (isError(value)) return value
    data.push({ name: field.name.trim(), value })
  }
  let body: JsonValue = null
  if (form.body.trim() !== '') {
    try {
      body = JSON.parse(form.body) as JsonValue
    } catch {
      body = form.body
    }
  }
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: form.domain, type_name: form.type },
        event_name: count > 1 ? `${form.name}-${index + 1}` : form.name
      },
      variable_header: variable
    },
    filterable_data: data,
    remainder_of_body: body
  }
}

/** `count` events of the form, or the first error. */
export function buildEvents(
  form: EventForm,
  count: number
): StructuredEventJson[] | { error: string } {
  const n = Math.max(1, Math.floor(count) || 1)
  const events: StructuredEventJson[] = []
  for (let i = 0; i < n; i++) {
    const e = buildEvent(form, i, n)
    if ('error' in e) return e
    events.push(e)
  }
  return events
}

/** "Telecom/Alarm, Telecom/*" → event types; `*` alone = every type. */
export function parseEventTypes(text: string): { domain_name: string; type_name: string }[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const [domain = '', type = '*'] = t.includes('/') ? t.split('/', 2) : ['*', t]
      return { domain_name: domain.trim(), type_name: type.trim() }
    })
}
