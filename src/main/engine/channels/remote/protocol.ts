import { z } from 'zod'
import {
  ClientKindSchema,
  ClientRoleSchema,
  ConstraintExpSchema,
  EventTypeSchema,
  JsonValueSchema,
  PropertySchema,
  ProxyRefSchema
} from '@shared/contract/labs/channels'
import { scanJson } from './json-guard'

/**
 * Channels remote protocol v1 (docs/CHANNELS-PROTOCOL.md): one UTF-8 JSON object per message,
 * client DEALER (or REQ) ↔ lab ROUTER. Requests carry `id`; the reply echoes it. The lab sends
 * `push`, `try_pull`, `offer_change`, `subscription_change` and `disconnected` on its own.
 */
export const PROTOCOL_VERSION = 1

/** Largest message accepted, in bytes (also the ROUTER's maxMessageSize). */
export const REMOTE_MAX_MESSAGE_BYTES = 1_048_576

/**
 * Deepest nesting of objects and arrays accepted in one message, in levels (a structured event in
 * a push is 6 deep; its values may nest ~58 more). Checked on the bytes before parsing.
 */
export const REMOTE_MAX_JSON_DEPTH = 64

/** Why a frame was rejected (counted and shown in ChannelsInfo.remote.rejected). */
export type RejectReason =
  'frame-count' | 'too-large' | 'too-deep' | 'bad-json' | 'version' | 'shape' | 'unknown-op'

const requestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const proxy = ProxyRefSchema
const channelId = z.number().int().min(0)
const events = z.array(JsonValueSchema).min(1).max(1_000)
const types = z.array(EventTypeSchema).max(64).default([])

/** Client → lab requests, by `op`. */
export const RequestSchema = z.discriminatedUnion('op', [
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('hello'),
    name: z.string().max(64).optional()
  }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('ping') }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('bye') }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('channels') }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('create_channel'),
    qos: z.array(PropertySchema).max(64).default([]),
    admin: z.array(PropertySchema).max(64).default([])
  }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('obtain'),
    channel: channelId,
    admin: z.number().int().min(0).default(0),
    role: ClientRoleSchema,
    kind: ClientKindSchema.default('structured'),
    qos: z.array(PropertySchema).max(64).default([])
  }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('connect'), proxy }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('reconnect'), proxy }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('disconnect'), proxy }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('push'), proxy, events }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('pull'),
    proxy,
    max: z.number().int().min(1).max(1_000).default(1),
    timeout_ms: z.number().int().min(0).max(60_000).default(10_000)
  }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('try_pull'),
    proxy,
    max: z.number().int().min(1).max(1_000).default(1)
  }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('add_filter'),
    proxy,
    constraints: z.array(ConstraintExpSchema).max(32)
  }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('suspend'), proxy }),
  z.strictObject({ v: z.literal(1), id: requestId, op: z.literal('resume'), proxy }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('offer_change'),
    proxy,
    added: types,
    removed: types
  }),
  z.strictObject({
    v: z.literal(1),
    id: requestId,
    op: z.literal('subscription_change'),
    proxy,
    added: types,
    removed: types
  })
])
export type Request = z.output<typeof RequestSchema>

/** Client → lab answers to what the lab sent (no reply to these). */
export const AnswerSchema = z.discriminatedUnion('op', [
  z.strictObject({ v: z.literal(1), op: z.literal('ack'), delivery: requestId }),
  z.strictObject({
    v: z.literal(1),
    op: z.literal('nack'),
    delivery: requestId,
    error: z
      .strictObject({ code: z.string().max(64), message: z.string().max(1_024).optional() })
      .optional()
  }),
  z.strictObject({
    v: z.literal(1),
    op: z.literal('try_pull_result'),
    request: requestId,
    events: z.array(JsonValueSchema).max(1_000).default([])
  })
])
export type Answer = z.output<typeof AnswerSchema>

export const REQUEST_OPS: ReadonlySet<string> = new Set(
  RequestSchema.options.map((o) => o.shape.op.value)
)
export const ANSWER_OPS: ReadonlySet<string> = new Set(
  AnswerSchema.options.map((o) => o.shape.op.value)
)

/** Parses one message. @returns the request/answer or why it is rejected */
export function parseMessage(
  buf: Buffer
):
  | { ok: true; message: Request | Answer; id: number | null }
  | { ok: false; reason: RejectReason; id: number | null; detail: string } {
  if (buf.length > REMOTE_MAX_MESSAGE_BYTES)
    return { ok: false, reason: 'too-large', id: null, detail: 'message too large' }
  const scan = scanJson(buf)
  if (scan.depth > REMOTE_MAX_JSON_DEPTH) {
    return {
      ok: false,
      reason: 'too-deep',
      id: scan.id,
      detail: `nested ${scan.depth} levels deep (at most ${REMOTE_MAX_JSON_DEPTH})`
    }
  }
  let json: unknown
  try {
    json = JSON.parse(buf.toString('utf8'))
  } catch {
    return { ok: false, reason: 'bad-json', id: null, detail: 'not JSON' }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'shape', id: null, detail: 'not a JSON object' }
  }
  const obj = json as Record<string, unknown>
  const id = typeof obj.id === 'number' && Number.isInteger(obj.id) ? obj.id : null
  if (obj.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: 'version',
      id,
      detail: `unsupported protocol version ${String(obj.v)} (this lab speaks 1)`
    }
  }
  const op = typeof obj.op === 'string' ? obj.op : ''
  const schema = REQUEST_OPS.has(op) ? RequestSchema : ANSWER_OPS.has(op) ? AnswerSchema : null
  if (schema === null)
    return { ok: false, reason: 'unknown-op', id, detail: `unknown op '${op.slice(0, 32)}'` }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {
      ok: false,
      reason: 'shape',
      id,
      detail: `${issue?.path.join('.') || op}: ${issue?.message ?? 'invalid'}`
    }
  }
  return { ok: true, message: parsed.data, id }
}
