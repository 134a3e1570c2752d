import {
  CHANNELS_INFO_PREVIEW_CHARS,
  CHANNELS_INFO_PREVIEW_FIELDS_MAX,
  CHANNELS_INFO_PREVIEW_VALUE_CHARS,
  StructuredEventSchema,
  type EventPreviewInfo
} from '@shared/contract/labs/channels'
import type { ChannelEvent, JsonValue, StructuredEvent } from './event'

/**
 * The JSON event form of issue 4 (UI, remote protocol, CLI) turned into channel events, and the
 * bounded previews the UI shows.
 */

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * An object with a `header` is a structured event (validated; missing lists default to empty);
 * any other JSON value is the contents of an untyped any event.
 * @throws Error naming the malformed field
 */
export function channelEventFromJson(json: JsonValue): ChannelEvent {
  if (!isObject(json) || !('header' in json)) return { kind: 'any', data: json }
  return { kind: 'structured', event: structuredEventFromJson(json) }
}

/**
 * @returns the StructuredEvent of a JSON object in the issue's form
 * @throws Error naming the first malformed field
 */
export function structuredEventFromJson(json: JsonValue): StructuredEvent {
  const parsed = StructuredEventSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.join('.') ?? ''
    throw new Error(`malformed structured event${path ? ` at ${path}` : ''}: ${issue?.message}`)
  }
  return parsed.data as StructuredEvent
}

/** Cuts a JSON text to the preview bound (or `max` characters). */
export function previewText(value: unknown, max = CHANNELS_INFO_PREVIEW_CHARS): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? 'null'
  } catch {
    text = String(value)
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** A property list as bounded `[name, JSON text]` pairs. */
function previewFields(list: { name: string; value: unknown }[]): [string, string][] {
  return list
    .slice(0, CHANNELS_INFO_PREVIEW_FIELDS_MAX)
    .map((p) => [
      p.name.slice(0, CHANNELS_INFO_PREVIEW_VALUE_CHARS),
      previewText(p.value, CHANNELS_INFO_PREVIEW_VALUE_CHARS)
    ])
}

/** A bounded view of one event for the UI. */
export function previewEvent(event: ChannelEvent, seq: number): EventPreviewInfo {
  if (event.kind === 'any') {
    return { seq, eventType: '/%ANY', eventName: '', preview: previewText(event.data) }
  }
  const fixed = event.event.header.fixed_header
  return {
    seq,
    eventType: `${fixed.event_type.domain_name}/${fixed.event_type.type_name}`.slice(0, 120),
    eventName: fixed.event_name.slice(0, 120),
    preview: previewText(event.event),
    structured: {
      variableHeader: previewFields(event.event.header.variable_header),
      filterableData: previewFields(event.event.filterable_data),
      body: previewText(event.event.remainder_of_body)
    }
  }
}
