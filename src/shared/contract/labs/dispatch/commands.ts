import { z } from 'zod'

/**
 * The Dispatch lab's settings and commands (`dispatch:<verb>`), with their zod schemas, and the
 * constants they name (semantics, crash points, link directions, the default endpoint).
 */

/** Default most sends per epoch: high enough that no lab fault gives an epoch up by bad luck. */
export const DISPATCH_MAX_ATTEMPTS_DEFAULT = 50

export const DispatchCommandType = {
  Start: 'dispatch:start',
  Stop: 'dispatch:stop',
  Fault: 'dispatch:fault',
  Worker: 'dispatch:worker',
  Page: 'dispatch:page',
  Flow: 'dispatch:flow'
} as const

/** The four execution semantics; the checker asserts the guarantee of the run's mode. */
export const SEMANTICS = [
  'at-most-once',
  'at-least-once',
  'exactly-once-naive',
  'exactly-once-atomic'
] as const
export type Semantics = (typeof SEMANTICS)[number]
export const SemanticsSchema = z.enum(SEMANTICS)

/**
 * How managed workers take requests: `lockstep` is the seed's REP worker (protocol v1, one request
 * per message, any REP socket can serve); `pipelined` is a DEALER worker that takes batches of
 * epochs (protocol v2) and marks and applies a whole batch in one Lua call (the throughput tier).
 */
export const WORKER_MODES = ['lockstep', 'pipelined'] as const
export type WorkerMode = (typeof WORKER_MODES)[number]
export const WorkerModeSchema = z.enum(WORKER_MODES)

/** Where a worker can be made to crash while handling a message (the seed's worker steps). */
export const CRASH_POINTS = ['before-work', 'after-work', 'after-mark', 'before-reply'] as const
export type CrashPoint = (typeof CRASH_POINTS)[number]
export const CrashPointSchema = z.enum(CRASH_POINTS)

/** One direction of the FaultLink. `to-worker`: requests; `to-dispatcher`: replies (acks). */
export const LINK_DIRECTIONS = ['to-worker', 'to-dispatcher'] as const
export type LinkDirection = (typeof LINK_DIRECTIONS)[number]
export const LinkDirectionSchema = z.enum(LINK_DIRECTIONS)
/** A fault command may address one direction or both. */
export const LinkTargetSchema = z.enum(['to-worker', 'to-dispatcher', 'both'])
export type LinkTarget = z.infer<typeof LinkTargetSchema>

/** The default public work endpoint workers connect their REP sockets to. */
export const DISPATCH_DEFAULT_ENDPOINT = 'tcp://127.0.0.1:5555'
/** Lab ids become part of Redis keys and of the wire header: short, no separators. */
export const LAB_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

const probability = z.number().min(0).max(1)
const ms = z.number().int().min(0).max(3_600_000)

/** The standing rule of one link direction (what the UI's sliders set). */
export const LinkRuleSchema = z.strictObject({
  /** Probability 0..1 that a message is dropped. */
  dropP: probability.default(0),
  /** Added delay in ms (0 = none). */
  delayMs: ms.default(0),
  /** Delay varies uniformly by ± this many ms (never below 0). */
  jitterMs: ms.default(0),
  /** Probability 0..1 that a message is forwarded twice. */
  duplicateP: probability.default(0)
})
export type LinkRule = z.infer<typeof LinkRuleSchema>

/** Every setting of one run. Defaults are merged here and nowhere else. */
export const DispatchSettingsSchema = z.strictObject({
  semantics: SemanticsSchema.default('exactly-once-atomic'),
  /** Epochs to dispatch, numbered 1..messages. */
  messages: z.number().int().min(1).max(10_000_000).default(1_000),
  /**
   * Seed of the link's probabilistic faults (drop, duplicate, jitter): the same seed hurts the
   * same epochs in every run, whatever the timing. Absent: random.
   */
  seed: z.number().int().min(0).max(4_294_967_295).optional(),
  /** Sends per second; 0 = as fast as the window allows. */
  ratePerSec: z.number().min(0).max(1_000_000).default(0),
  /** Worker processes the lab starts; 0 = only external workers. */
  workers: z.number().int().min(0).max(64).default(4),
  /**
   * REP sockets per managed worker process (each lockstep). 1 is the seed's worker; more let a
   * process overlap Redis round trips (throughput runs). A crash takes all of a process's sockets.
   */
  workerConcurrency: z.number().int().min(1).max(64).default(1),
  /** Lockstep (protocol v1) or pipelined (protocol v2, batches); every worker must speak it. */
  workerMode: WorkerModeSchema.default('lockstep'),
  /** Simulated work per message, in ms. */
  workMs: ms.default(0),
  /** A sent message without an ack after this many ms times out (re-sent or given up). */
  timeoutMs: z.number().int().min(5).max(3_600_000).default(1_000),
  /**
   * Sends per epoch at most; 0 = unlimited. at-most-once always sends once. The default ends a
   * run whose acks cannot arrive (say an ack timeout below the work time) instead of re-sending
   * without end.
   */
  maxAttempts: z.number().int().min(0).max(1_000_000).default(DISPATCH_MAX_ATTEMPTS_DEFAULT),
  /** Most messages in flight (in `sent_msgs`) at once. */
  window: z.number().int().min(1).max(100_000).default(64),
  /** TTL of a dedup mark `done:<epoch>`, in ms. */
  dedupTtlMs: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3_600_000)
    .default(3_600_000),
  /** Keep `sent_msgs` in Redis so a dispatcher crash loses nothing. */
  durableDispatcher: z.boolean().default(false),
  /** Public work endpoint (`tcp://host:port`) the FaultLink binds for workers. */
  endpoint: z
    .string()
    .regex(/^(tcp:\/\/[^\s:]+:\d{1,5}|ipc:\/\/\S+)$/, 'must look like tcp://HOST:PORT')
    .default(DISPATCH_DEFAULT_ENDPOINT),
  /**
   * ZeroMQ CURVE on the work endpoint: workers must know the engine's public key. Absent = on for
   * a non-loopback endpoint and off on loopback; `false` with a non-loopback endpoint is refused.
   */
  curve: z.boolean().optional(),
  /** Lab id (Redis prefix `flowlab:<labId>:`); random when omitted. */
  labId: z.string().regex(LAB_ID_PATTERN, 'letters, digits, _ and - only (1-64)').optional(),
  /** Initial link rules per direction. */
  toWorker: LinkRuleSchema.optional(),
  toDispatcher: LinkRuleSchema.optional(),
  /** Every managed worker crashes at this point … */
  crashAt: CrashPointSchema.optional(),
  /** … on every Nth message it handles (then is restarted); 0 with crashAt = once. */
  crashEvery: z.number().int().min(0).max(1_000_000).default(0),
  /**
   * Crash the dispatcher once this many epochs are acked, then restart it (0/absent = never): the
   * scripted form of the dispatcher-crash and dispatcher-restart faults, for headless runs.
   */
  dispatcherCrashAtAcks: z.number().int().min(0).max(10_000_000).optional(),
  /** Restart the managed Redis after this many acks (0/absent = never). */
  redisRestartAtAcks: z.number().int().min(0).optional(),
  /** AOF persistence of the managed Redis for this run (absent = leave as is). */
  persistence: z.boolean().optional()
})
/** Settings as given (defaults optional). */
export type DispatchSettingsInput = z.input<typeof DispatchSettingsSchema>
/** Settings with every default applied. */
export type DispatchSettings = z.output<typeof DispatchSettingsSchema>

/** Start a run with these settings (any previous run must have been stopped). */
export const DispatchStartSchema = z.strictObject({
  type: z.literal(DispatchCommandType.Start),
  settings: DispatchSettingsSchema
})
/** Stop the run: the dispatcher stops, workers are killed, the verdict is computed. */
export const DispatchStopSchema = z.strictObject({ type: z.literal(DispatchCommandType.Stop) })

/** Faults on the link, on Redis and on the dispatcher. */
export const DispatchFaultActionSchema = z.discriminatedUnion('kind', [
  /** Set the standing rule (drop p, delay ± jitter, duplicate p) of one or both directions. */
  z.strictObject({
    kind: z.literal('rule'),
    direction: LinkTargetSchema,
    dropP: probability.optional(),
    delayMs: ms.optional(),
    jitterMs: ms.optional(),
    duplicateP: probability.optional()
  }),
  /** Drop exactly the next N messages in that direction. */
  z.strictObject({
    kind: z.literal('drop-next'),
    direction: LinkTargetSchema,
    count: z.number().int().min(1).max(1_000_000)
  }),
  /** Partition: drop everything in that direction until healed. */
  z.strictObject({ kind: z.literal('cut'), direction: LinkTargetSchema.default('both') }),
  /** End a partition. */
  z.strictObject({ kind: z.literal('heal'), direction: LinkTargetSchema.default('both') }),
  /** Reset every rule (and pending drop-next) of that direction. */
  z.strictObject({ kind: z.literal('clear'), direction: LinkTargetSchema.default('both') }),
  /** SIGKILL the managed Redis. */
  z.strictObject({ kind: z.literal('redis-kill') }),
  /** Restart the managed Redis; `persistence` first sets AOF on or off. */
  z.strictObject({ kind: z.literal('redis-restart'), persistence: z.boolean().optional() }),
  /** Crash the dispatcher: its socket and (unless durable) `sent_msgs` are lost. */
  z.strictObject({ kind: z.literal('dispatcher-crash') }),
  /** Start the crashed dispatcher again (reloading `sent_msgs` from Redis when durable). */
  z.strictObject({ kind: z.literal('dispatcher-restart') })
])
export type DispatchFaultAction = z.infer<typeof DispatchFaultActionSchema>
export const DispatchFaultSchema = z.strictObject({
  type: z.literal(DispatchCommandType.Fault),
  fault: DispatchFaultActionSchema
})

const workerId = z.string().min(1).max(64)
/** Actions on managed workers. */
export const DispatchWorkerActionSchema = z.discriminatedUnion('action', [
  /** SIGKILL now. */
  z.strictObject({ action: z.literal('crash'), workerId }),
  /** Crash at a point: on the next message (`every` 0) or on every Nth (restarted each time). */
  z.strictObject({
    action: z.literal('crash-at'),
    workerId: workerId.optional(),
    point: CrashPointSchema.nullable(),
    every: z.number().int().min(0).max(1_000_000).default(0)
  }),
  /** SIGSTOP. */
  z.strictObject({ action: z.literal('pause'), workerId }),
  /** SIGCONT. */
  z.strictObject({ action: z.literal('resume'), workerId }),
  /** Change the work time of one worker (or all). */
  z.strictObject({ action: z.literal('slow'), workerId: workerId.optional(), workMs: ms }),
  /** Kill (if alive) and start again under the same id. */
  z.strictObject({ action: z.literal('restart'), workerId }),
  /** Start more workers. */
  z.strictObject({ action: z.literal('add'), count: z.number().int().min(1).max(16).default(1) }),
  /** Stop one worker gracefully and forget it. */
  z.strictObject({ action: z.literal('remove'), workerId })
])
export type DispatchWorkerAction = z.infer<typeof DispatchWorkerActionSchema>
export const DispatchWorkerSchema = z.strictObject({
  type: z.literal(DispatchCommandType.Worker),
  worker: DispatchWorkerActionSchema
})

/** Which page of the per-epoch and dedup tables `DispatchInfo` carries (UI scrolling, search). */
export const DispatchPageSchema = z.strictObject({
  type: z.literal(DispatchCommandType.Page),
  /** First epoch of the per-epoch page (1-based). */
  epochFrom: z.number().int().min(1).default(1),
  /** Only epochs that violate the guarantee. */
  violationsOnly: z.boolean().default(false),
  /** First epoch of the dedup page; a search by epoch sets it to that epoch. */
  dedupFrom: z.number().int().min(1).default(1)
})
export type DispatchPage = z.infer<typeof DispatchPageSchema>

/**
 * What the message-flow diagram shows: the epoch whose story is highlighted (null: none), and the
 * newest epoch of a paused window the user scrolled to (null: live, the newest epochs).
 */
export const DispatchFlowSchema = z.strictObject({
  type: z.literal(DispatchCommandType.Flow),
  selected: z.number().int().min(1).nullable().default(null),
  until: z.number().int().min(1).nullable().default(null)
})
export type DispatchFlowView = z.infer<typeof DispatchFlowSchema>

export const DispatchCommandSchema = z.discriminatedUnion('type', [
  DispatchStartSchema,
  DispatchStopSchema,
  DispatchFaultSchema,
  DispatchWorkerSchema,
  DispatchPageSchema,
  DispatchFlowSchema
])
export type DispatchCommand = z.infer<typeof DispatchCommandSchema>
