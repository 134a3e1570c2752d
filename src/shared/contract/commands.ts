import { z } from 'zod'
import { ChannelsCommandSchema } from './channels'
import { DispatchCommandSchema } from './dispatch'

/**
 * Every command the UI (or a test, or the CLI) can send to the engine, with its schema. Both doors
 * parse incoming commands with {@link CommandSchema} before the engine sees them; anything not
 * listed here cannot cross a door. Names are `domain:verb`.
 */
export const CommandType = {
  EngineGetSnapshot: 'engine:getSnapshot',
  RedisKill: 'redis:kill',
  RedisRestart: 'redis:restart',
  RedisSetPersistence: 'redis:setPersistence',
  TraceClear: 'trace:clear'
} as const

export const EngineGetSnapshotSchema = z.strictObject({
  type: z.literal(CommandType.EngineGetSnapshot)
})
/** SIGKILL the managed redis-server, as a crash would. */
export const RedisKillSchema = z.strictObject({ type: z.literal(CommandType.RedisKill) })
/** Start the managed redis-server again (stopping it first if it runs), same port and password. */
export const RedisRestartSchema = z.strictObject({ type: z.literal(CommandType.RedisRestart) })
/** AOF persistence on or off; applies now and to every later restart. */
export const RedisSetPersistenceSchema = z.strictObject({
  type: z.literal(CommandType.RedisSetPersistence),
  enabled: z.boolean()
})
/** Forget the trace history kept by the engine (the renderer's copy too). */
export const TraceClearSchema = z.strictObject({ type: z.literal(CommandType.TraceClear) })

export const CommandSchema = z.discriminatedUnion('type', [
  EngineGetSnapshotSchema,
  RedisKillSchema,
  RedisRestartSchema,
  RedisSetPersistenceSchema,
  TraceClearSchema,
  ...DispatchCommandSchema.options,
  ...ChannelsCommandSchema.options
])
/** A command after validation, defaults applied (what the engine runs). */
export type Command = z.infer<typeof CommandSchema>
/** A command as a sender writes it (defaults may be left out). */
export type CommandInput = z.input<typeof CommandSchema>
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>
