import { z } from 'zod'

/**
 * The Dispatch lab's part of the contract: its settings, commands (with zod schemas the lead adds
 * to the command union), the bounded `DispatchInfo` the UI receives in every snapshot, and the
 * complete `DispatchReport` a run produces when it has settled.
 */

export const DispatchCommandType = {
  Start: 'dispatch:start',
  Stop: 'dispatch:stop',
  Fault: 'dispatch:fault',
  Worker: 'dispatch:worker',
  Page: 'dispatch:page'
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
  /** Sends per second; 0 = as fast as the window allows. */
  ratePerSec: z.number().min(0).max(1_000_000).default(0),
  /** Worker processes the lab starts; 0 = only external workers. */
  workers: z.number().int().min(0).max(64).default(4),
  /**
   * REP sockets per managed worker process (each lockstep). 1 is the seed's worker; more let a
   * process overlap Redis round trips (throughput runs). A crash takes all of a process's sockets.
   */
  workerConcurrency: z.number().int().min(1).max(64).default(1),
  /** Simulated work per message, in ms. */
  workMs: ms.default(0),
  /** A sent message without an ack after this many ms times out (re-sent or given up). */
  timeoutMs: z.number().int().min(5).max(3_600_000).default(1_000),
  /** Sends per epoch at most; 0 = unlimited. at-most-once always sends once. */
  maxAttempts: z.number().int().min(0).max(1_000_000).default(0),
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
  /** Lab id (Redis prefix `flowlab:<labId>:`); random when omitted. */
  labId: z.string().regex(LAB_ID_PATTERN, 'letters, digits, _ and - only (1-64)').optional(),
  /** Initial link rules per direction. */
  toWorker: LinkRuleSchema.optional(),
  toDispatcher: LinkRuleSchema.optional(),
  /** Every managed worker crashes at this point … */
  crashAt: CrashPointSchema.optional(),
  /** … on every Nth message it handles (then is restarted); 0 with crashAt = once. */
  crashEvery: z.number().int().min(0).max(1_000_000).default(0),
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

export const DispatchCommandSchema = z.discriminatedUnion('type', [
  DispatchStartSchema,
  DispatchStopSchema,
  DispatchFaultSchema,
  DispatchWorkerSchema,
  DispatchPageSchema
])
export type DispatchCommand = z.infer<typeof DispatchCommandSchema>

// ───────────────────────────── causes and verdicts ─────────────────────────────

/**
 * Why an epoch was executed 0 times (lost) or more than once (repeated). The checker picks the
 * most specific cause it has evidence for.
 */
export const VIOLATION_CAUSES = [
  // lost
  'dropped-to-worker',
  'ack-dropped-no-retry',
  'worker-crashed',
  'link-cut',
  'dispatcher-crashed',
  'max-attempts',
  // repeated
  'ack-lost-resent',
  'crash-after-work-before-mark',
  'concurrent-deliveries',
  'dedup-lost-redis-restart',
  'duplicated-by-link',
  'unexplained'
] as const
export type ViolationCause = (typeof VIOLATION_CAUSES)[number]

/** One sentence per cause, for people (CLI summary, verdict banner). */
export const VIOLATION_CAUSE_TEXT: Record<ViolationCause, string> = {
  'dropped-to-worker': 'the request was dropped on its way to the workers',
  'ack-dropped-no-retry': 'the ack was dropped and the mode never re-sends',
  'worker-crashed': 'the worker holding it crashed',
  'link-cut': 'the link was cut (partition)',
  'dispatcher-crashed': 'the dispatcher crashed and lost sent_msgs',
  'max-attempts': 'every attempt failed and max attempts was reached',
  'ack-lost-resent': 'the ack was lost or late, so the dispatcher re-sent it',
  'crash-after-work-before-mark': 'a worker crashed between work and mark, so a retry worked again',
  'concurrent-deliveries': 'two deliveries were in flight at once and both passed the check',
  'dedup-lost-redis-restart': 'Redis restarted without persistence and forgot the dedup mark',
  'duplicated-by-link': 'the link duplicated the request',
  unexplained: 'no recorded fault explains it'
}

export type Verdict = 'held' | 'violated'

export interface DispatchViolation {
  /** Epoch number, 1..messages. */
  epoch: number
  /** Executions per the effects hash (ground truth). */
  executions: number
  /** Deliveries to workers (telemetry; replies received when higher). */
  deliveries: number
  /** Sends by the dispatcher. */
  attempts: number
  cause: ViolationCause
}

/** Epochs executed 0, exactly 1 and more than 1 times. */
export interface ExecutionCounts {
  zero: number
  once: number
  many: number
}

// ───────────────────────────────── info (UI) ─────────────────────────────────

/** Most entries of each list in `DispatchInfo` (collections, epochs, dedup, violations). */
export const DISPATCH_INFO_LIST_MAX = 200
/** Most points of each chart series (one per second). */
export const DISPATCH_SERIES_MAX = 120
/** Most workers listed. */
export const DISPATCH_WORKERS_MAX = 64

export type DispatchStatus =
  'idle' | 'starting' | 'running' | 'settling' | 'done' | 'stopped' | 'error'
export type WorkerState = 'starting' | 'idle' | 'working' | 'paused' | 'crashed' | 'stopped'

export interface DispatchWorkerInfo {
  /** Stable id (w1, w2 …) kept across restarts. */
  id: string
  /** OS pid of the current process; null while it is down. */
  pid: number | null
  state: WorkerState
  /** Epoch being worked on when `state` is `working`. */
  epoch: number | null
  /** Messages received (all lives of this worker). */
  deliveries: number
  /** Executions it reported (effects it applied). */
  executions: number
  /** Deliveries it answered `duplicate`. */
  duplicates: number
  crashes: number
  restarts: number
  workMs: number
  crashAt: CrashPoint | null
  crashEvery: number
}

export interface LinkDirectionInfo {
  rule: LinkRule & {
    /** Messages still to drop by a drop-next fault. */
    dropNext: number
    /** True while the direction is cut (partition). */
    cut: boolean
  }
  counters: {
    forwarded: number
    dropped: number
    droppedNext: number
    droppedCut: number
    delayed: number
    duplicated: number
  }
}

export interface DispatchInfo {
  status: DispatchStatus
  /** Lab id; Redis keys start with `flowlab:<labId>:`. Null before the first run. */
  labId: string | null
  /** Public work endpoint external workers connect to. */
  endpoint: string | null
  /** Redis URL with the password hidden. */
  redisUrl: string | null
  /** The settings of the current or last run. */
  settings: DispatchSettings | null
  startedAt: number | null
  elapsedMs: number
  progress: {
    messages: number
    acked: number
    givenUp: number
    settled: number
    inFlight: number
  }
  /** The seed's three collections, as counts plus the first (most urgent) entries. */
  collections: {
    msgs: { count: number; items: { epoch: number; attempt: number }[] }
    sentMsgs: {
      count: number
      /** Ordered by deadline, earliest first. `deadline` is wall-clock ms. */
      items: { epoch: number; attempt: number; sentAt: number; deadline: number }[]
    }
    /** Newest first. */
    rcvdMsgs: {
      count: number
      items: { epoch: number; attempt: number; worker: string; latencyMs: number; at: number }[]
    }
  }
  dispatcher: {
    state: 'stopped' | 'running' | 'crashed'
    durable: boolean
    sends: number
    resends: number
    acks: number
    /** Replies for epochs no longer in `sent_msgs` (already acked, given up, or forgotten). */
    lateAcks: number
    crashes: number
  }
  workers: DispatchWorkerInfo[]
  link: {
    toWorker: LinkDirectionInfo
    toDispatcher: LinkDirectionInfo
    /** Frames that broke the wire protocol, by reason (frame-count, bad-json, version, lab, shape …). */
    rejected: { total: number; byReason: Record<string, number> }
  }
  /** A page of the per-epoch table. */
  epochs: {
    total: number
    from: number
    violationsOnly: boolean
    items: {
      epoch: number
      attempts: number
      deliveries: number
      executions: number
      state: 'queued' | 'sent' | 'acked' | 'given-up'
      ok: boolean
    }[]
  }
  /** A page of the dedup table (marks `done:<epoch>`), refreshed about twice a second. */
  dedup: { from: number; items: { epoch: number; worker: string; ttlMs: number }[] }
  /** One point per second, newest last, at most DISPATCH_SERIES_MAX. */
  series: { t: number; msgsPerSec: number; p50Ms: number; p99Ms: number }[]
  redis: { restarts: number; persistence: boolean | null }
  verdict: {
    state: 'pending' | Verdict
    /** The guarantee asserted, in words. */
    guarantee: string
    counts: ExecutionCounts
    /** First DISPATCH_INFO_LIST_MAX violations; `total` is the true count. */
    violations: { total: number; items: DispatchViolation[] }
    /** Violations per cause. */
    byCause: Partial<Record<ViolationCause, number>>
  }
}

// ───────────────────────────────── report ─────────────────────────────────

/** The complete result of a settled run (what `flowlab run --json` prints). */
export interface DispatchReport {
  semantics: Semantics
  messages: number
  labId: string
  verdict: Verdict
  guarantee: string
  counts: ExecutionCounts
  /** Deliveries to workers, all epochs. */
  deliveries: number
  /** Executions, all epochs (effects hash). */
  executions: number
  /** Every violation, in epoch order. */
  violations: DispatchViolation[]
  /** Violations per cause. */
  byCause: Partial<Record<ViolationCause, number>>
  /** Acked epochs per second, from the first send to the last ack. */
  throughput: number
  /** Latency first send → ack of acked epochs, ms. */
  latency: { p50: number; p99: number }
  durationMs: number
  /** Index i describes epoch i+1. */
  perEpoch: { deliveries: number[]; executions: number[]; attempts: number[] }
  dispatcher: DispatchInfo['dispatcher']
  link: DispatchInfo['link']
  workers: DispatchWorkerInfo[]
  redis: { restarts: number; persistence: boolean | null }
  /** Things worth knowing about the run (e.g. executions after settling). */
  notes: string[]
}
