import { z } from 'zod'

/**
 * The Channels lab's event JSON (issue 4): a structured event is an object with a `header`; any
 * other JSON value is the contents of an untyped `any` event. Also the filter ConstraintExp.
 */

/** Any JSON value: the lab's stand-in for a CORBA `any`. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
export const JsonValueSchema: z.ZodType<JsonValue> = z.json() as z.ZodType<JsonValue>

/** CosNotification::EventType; `*` (or empty) is a wildcard in constraints and subscriptions. */
export const EventTypeSchema = z.strictObject({
  domain_name: z.string().max(256),
  type_name: z.string().max(256)
})
export type EventTypeJson = z.infer<typeof EventTypeSchema>

/** CosNotification::Property (QoS, admin properties, header fields, filterable data). */
export const PropertySchema = z.strictObject({
  name: z.string().min(1).max(128),
  value: JsonValueSchema
})
export type PropertyJson = z.infer<typeof PropertySchema>

/** A property list (QoS, admin properties, variable header), at most 64. */
export const PropertyListSchema = z.array(PropertySchema).max(64)
const properties = PropertyListSchema

/** A StructuredEvent in JSON (issue 4); missing lists default to empty, the body to null. */
export const StructuredEventSchema = z.strictObject({
  header: z.strictObject({
    fixed_header: z.strictObject({
      event_type: EventTypeSchema,
      event_name: z.string().max(256).default('')
    }),
    variable_header: properties.default([])
  }),
  filterable_data: z.array(PropertySchema).max(256).default([]),
  remainder_of_body: JsonValueSchema.default(null)
})
export type StructuredEventJson = z.output<typeof StructuredEventSchema>

/**
 * One event as the UI, the CLI and the remote protocol write it: an object with `header` is a
 * structured event (validated as such), any other JSON value is the contents of an `any` event.
 */
export const EventJsonSchema = JsonValueSchema.superRefine((value, ctx) => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'header' in value) {
    const parsed = StructuredEventSchema.safeParse(value)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
      }
    }
  }
})

/** CosNotifyFilter::ConstraintExp. */
export const ConstraintExpSchema = z.strictObject({
  /** Empty: all event types. */
  event_types: z.array(EventTypeSchema).max(32).default([]),
  /** ETCL text; empty = TRUE. */
  constraint_expr: z.string().max(4_096)
})
export type ConstraintExpJson = z.output<typeof ConstraintExpSchema>
