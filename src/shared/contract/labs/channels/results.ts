import { z } from 'zod'
import { ChannelsCommandType, ProxyRefSchema, type ProxyRefJson } from './commands'
import { JsonValueSchema } from './events'

/**
 * What each Channels command answers, as types for the engine and as schemas for the renderer's
 * transport, which checks every reply against them (a reply that does not match is a bug, shown
 * as such, never rendered as if it were data).
 */

/** Result of `channels:connect`. */
export interface ChannelsConnectResult {
  clientId: string
  proxy: ProxyRefJson
}

/** Result of `channels:evaluate` for one sample event. */
export interface EvaluationResultJson {
  /** The sample was not a valid event (message says why); nothing evaluated. */
  invalid?: string
  /** Whether the event's type is covered by the event types (false: not evaluated). */
  typeMatched: boolean
  /** The constraint matched (type matched and expression TRUE). */
  matched: boolean
  /** Why evaluation failed (missing component, type mismatch, arithmetic). */
  failure?: { kind: 'missing' | 'type' | 'arithmetic'; message: string; column: number }
}

/** Result of `channels:evaluate`. */
export type ChannelsEvaluateResult =
  | {
      ok: true
      /** The canonical text of the parsed constraint. */
      canonical: string
      results: EvaluationResultJson[]
    }
  | {
      ok: false
      error: {
        kind: 'syntax' | 'type'
        /** 1-based column of the offending token or operator. */
        column: number
        /** What the grammar allowed there (syntax errors). */
        expected: string | null
        /** What was found instead (syntax errors). */
        found: string | null
        /** What is wrong, without the column (the caller shows `column` itself). */
        message: string
      }
    }
const id = z.number().int().min(0)
const countsSchema = z.strictObject({
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0)
})
const constraintInfoSchema = z.looseObject({ constraint_id: z.number().int() })

export const EvaluationResultSchema = z.strictObject({
  invalid: z.string().optional(),
  typeMatched: z.boolean(),
  matched: z.boolean(),
  failure: z
    .strictObject({
      kind: z.enum(['missing', 'type', 'arithmetic']),
      message: z.string(),
      column: z.number()
    })
    .optional()
})

export const ChannelsEvaluateResultSchema = z.union([
  z.strictObject({
    ok: z.literal(true),
    canonical: z.string(),
    results: z.array(EvaluationResultSchema)
  }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({
      kind: z.enum(['syntax', 'type']),
      column: z.number(),
      expected: z.string().nullable(),
      found: z.string().nullable(),
      message: z.string()
    })
  })
])

const count = z.number().int().min(0)
/** What `channels:restart` found (ChannelsInfo.persistence.lastRestart). */
const LastRestartSchema = z
  .strictObject({
    at: z.number(),
    channelsRestored: count,
    proxiesRestored: count,
    eventsRestored: count,
    bestEffortLost: count,
    unclean: z.boolean()
  })
  .nullable()

const T = ChannelsCommandType
/** The reply schema of every Channels command, by command type. */
export const ChannelsResultSchemas = {
  [T.Create]: z.strictObject({ channelId: id }),
  [T.Destroy]: z.null(),
  [T.SetAdmin]: z.null(),
  [T.NewAdmin]: z.strictObject({ adminId: id }),
  [T.DestroyAdmin]: z.null(),
  [T.Connect]: z.strictObject({ clientId: z.string(), proxy: ProxyRefSchema }),
  [T.Disconnect]: z.null(),
  [T.DestroyProxy]: z.null(),
  [T.Kill]: z.null(),
  [T.Revive]: z.null(),
  [T.Suspend]: z.null(),
  [T.Resume]: z.null(),
  [T.Push]: countsSchema,
  [T.Pull]: z.strictObject({
    hasEvent: z.boolean(),
    events: z.array(JsonValueSchema),
    pending: z.boolean()
  }),
  [T.AddFilter]: z.strictObject({ filterId: id, attachmentId: id }),
  [T.AttachFilter]: z.strictObject({ attachmentId: id }),
  [T.ModifyFilter]: z.strictObject({
    added: z.array(constraintInfoSchema),
    constraints: z.array(constraintInfoSchema)
  }),
  [T.RemoveFilter]: z.null(),
  [T.SetMappingFilter]: z.strictObject({ filterId: id.nullable() }),
  [T.SetQoS]: z.null(),
  [T.Federate]: z.strictObject({ upstream: ProxyRefSchema, downstream: ProxyRefSchema }),
  [T.OfferChange]: z.null(),
  [T.SubscriptionChange]: z.null(),
  [T.Flood]: countsSchema,
  [T.Evaluate]: ChannelsEvaluateResultSchema,
  [T.View]: z.null(),
  [T.Restart]: LastRestartSchema
} as const
