import { z } from 'zod'
import type { LabCommand, LabCommandInput } from './labs'
import {
  RedisKeysCommandType,
  RedisReadKeyResultSchema,
  RedisReadKeySchema,
  RedisScanKeysResultSchema,
  RedisScanKeysSchema
} from './redis-keys'
import {
  ScenarioCommandSchemas,
  ScenarioCommandType,
  ScenarioResultSchemas
} from './scenario/commands'

/**
 * The engine's own commands (domains `engine`, `redis`, `trace`), with their schemas; each lab's
 * commands live in its contract folder (`labs/<lab>/`). Both doors parse incoming commands with
 * `parseCommand` (validate.ts), which picks the schema by the domain before `:`; anything not
 * listed in a schema cannot cross a door. Names are `domain:verb`.
 */
export const CommandType = {
  EngineGetSnapshot: 'engine:getSnapshot',
  RedisKill: 'redis:kill',
  RedisRestart: 'redis:restart',
  RedisSetPersistence: 'redis:setPersistence',
  /** The key browser (redis-keys.ts): read-only, never queued behind a kill or restart. */
  RedisScanKeys: RedisKeysCommandType.ScanKeys,
  RedisReadKey: RedisKeysCommandType.ReadKey,
  TraceClear: 'trace:clear',
  /** Lessons (scenario/commands.ts): list, run, compare, stop. */
  ScenarioList: ScenarioCommandType.List,
  ScenarioRun: ScenarioCommandType.Run,
  ScenarioCompare: ScenarioCommandType.Compare,
  ScenarioStop: ScenarioCommandType.Stop,
  ScenarioExport: ScenarioCommandType.Export
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

/** The engine's own command domains; any other domain must be a lab id. */
export const CORE_DOMAINS = ['engine', 'redis', 'trace', 'scenario'] as const

export const CoreCommandSchema = z.discriminatedUnion('type', [
  EngineGetSnapshotSchema,
  RedisKillSchema,
  RedisRestartSchema,
  RedisSetPersistenceSchema,
  RedisScanKeysSchema,
  RedisReadKeySchema,
  TraceClearSchema,
  ...ScenarioCommandSchemas
])
export type CoreCommand = z.output<typeof CoreCommandSchema>

/**
 * Replies of the core commands. `engine:getSnapshot` is checked for its envelope only (the
 * snapshot is the engine's own bounded view, rebuilt ten times a second).
 */
export const CoreResultSchemas = {
  [CommandType.EngineGetSnapshot]: z.looseObject({
    tick: z.number(),
    at: z.number(),
    redis: z.looseObject({ status: z.string() }),
    labs: z.looseObject({}),
    problems: z.array(z.looseObject({ id: z.string() }))
  }),
  [CommandType.RedisKill]: z.null(),
  [CommandType.RedisRestart]: z.null(),
  [CommandType.RedisSetPersistence]: z.null(),
  [CommandType.RedisScanKeys]: RedisScanKeysResultSchema,
  [CommandType.RedisReadKey]: RedisReadKeyResultSchema,
  [CommandType.TraceClear]: z.null(),
  ...ScenarioResultSchemas
} as const

/** A command after validation, defaults applied (what the engine runs). */
export type Command = CoreCommand | LabCommand
/** A command as a sender writes it (defaults may be left out). */
export type CommandInput = z.input<typeof CoreCommandSchema> | LabCommandInput
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>
