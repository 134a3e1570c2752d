import type { CrashPoint, DispatchSettings, LinkRule, Semantics } from './commands'

/**
 * What the Dispatch lab shows and reports: violation causes and verdicts, the bounded
 * `DispatchInfo` the UI receives in every snapshot (`snapshot.labs.dispatch`), and the complete
 * `DispatchReport` a run produces when it has settled.
 */

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

// ───────────────────────────────── message flow ─────────────────────────────────

/** Epochs the message-flow diagram shows at once (the newest, or a window the user scrolled to). */
export const FLOW_WINDOW_EPOCHS = 12
/** Most events of the selected epoch's story. */
export const FLOW_SELECTED_EVENTS_MAX = 64

/** What happened to an epoch, as the sequence diagram draws it. */
export const FLOW_EVENT_KINDS = [
  /** dispatcher: first send, and each re-send after an ack timeout */
  'send',
  'resend',
  /** link: a request or reply dropped (rule, drop-next or cut), duplicated or delayed */
  'drop-request',
  'drop-reply',
  'duplicate',
  'delay',
  /** worker: received it, asked Redis "already executed?", did the work, marked it, replied */
  'deliver',
  'check',
  'work',
  'mark',
  'reply',
  /** worker: crashed holding it */
  'crash',
  /** dispatcher: the ack arrived; gave the epoch up (at-most-once, max attempts) */
  'ack',
  'give-up'
] as const
export type FlowEventKind = (typeof FLOW_EVENT_KINDS)[number]

/** One event of the diagram. */
export interface FlowEvent {
  epoch: number
  /** ms since the run began (sub-ms, one decimal). */
  t: number
  kind: FlowEventKind
  /** `dispatcher`, `link`, a worker id, or `redis`. */
  lane: string
  /** Which send of the epoch (1 = first). */
  attempt: number
}

/** How the per-epoch table judges an epoch. */
export type EpochVerdict = 'ok' | 'violation' | 'not-sent' | 'unsettled'

/**
 * Epochs a stop set apart: never sent ("not sent: run stopped"), and epochs a re-sending mode still
 * owed a re-send when it was stopped ("unsettled: run stopped"). Neither counts as a violation.
 */
export interface StoppedEpochs {
  notSent: number
  unsettled: number
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
  /**
   * The engine's CURVE public key (Z85, 40 characters) when the work endpoint uses CURVE: workers
   * need it (`flowlab worker --server-key`, `worker.py --server-key`). Null when it is plain.
   */
  curveServerKey: string | null
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
      /** False only for a violation (an epoch set apart by a stop is not one). */
      ok: boolean
      /** ok, a violation, or set apart by a stop: never sent, or still owed a re-send. */
      verdict: EpochVerdict
      /** The checker's cause when `verdict` is 'violation'. */
      cause: ViolationCause | null
    }[]
  }
  /**
   * The message-flow diagram: the events of the newest FLOW_WINDOW_EPOCHS recorded epochs, and
   * the selected epoch's story. Bounded whatever the traffic.
   */
  flow: {
    /** 1 = every epoch recorded; k > 1 = only epochs divisible by k (high rate). */
    sampleEvery: number
    /** The newest epoch of the paused window the user asked for; null while live. */
    until: number | null
    /** The epochs shown, ascending. */
    epochs: number[]
    events: FlowEvent[]
    /** The epoch the user picked; `recorded` false when the ring no longer holds it. */
    selected: { epoch: number; events: FlowEvent[]; recorded: boolean } | null
  }
  /** A page of the dedup table (marks `done:<epoch>`), refreshed about twice a second. */
  dedup: { from: number; items: { epoch: number; worker: string; ttlMs: number }[] }
  /** One point per second, newest last, at most DISPATCH_SERIES_MAX. */
  series: {
    t: number
    msgsPerSec: number
    /** Null for a second without acks. */
    p50Ms: number | null
    p99Ms: number | null
    /** A fault was applied, or a fault rule was standing, during this second. */
    fault: boolean
  }[]
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
    /** A stopped run's epochs set apart (not judged); null unless the run was stopped. */
    stopped: StoppedEpochs | null
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
  /** A stopped run's epochs set apart (not judged); null unless the run was stopped. */
  stopped: StoppedEpochs | null
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
