import type { LabInfos } from './labs'
import type { ScenarioInfo } from './scenario/commands'
import type { TraceEvent } from './trace'

/**
 * What the UI sees, as one coalesced, bounded value. The engine rebuilds it about ten times a
 * second; nothing in it grows with total traffic (lists are capped, counters are numbers).
 */

/** Overall state of the link between a door and the engine. */
export type Presence = 'connecting' | 'live' | 'reconnecting' | 'error'

/**
 * `starting`: the managed server is launching. `up`: answering. `reconnecting`: the client lost it
 * and is retrying. `down`: not running (killed or stopped). `missing`: no redis-server binary.
 * `error`: it failed to start; `lastError` says why.
 */
export type RedisStatus = 'starting' | 'up' | 'reconnecting' | 'down' | 'missing' | 'error'

export interface InstallHint {
  /** Platform name as people say it. */
  platform: string
  /** The command (or short instruction) that installs redis-server there. */
  command: string
}

export interface RedisInfo {
  status: RedisStatus
  /** True when Flowlab started this redis-server; false with REDIS_URL. */
  managed: boolean
  /** Connection URL with the password replaced by `***`; null before the first start. */
  url: string | null
  /** redis-server version once known. */
  version: string | null
  /** `used_memory` in bytes, refreshed about once a second; null while down. */
  usedMemoryBytes: number | null
  /** Number of keys in db 0; null while down. */
  keys: number | null
  /** AOF persistence on (managed) or as reported by the server (external). */
  persistence: boolean
  /** PID of the managed redis-server while it runs. */
  pid: number | null
  /** Last failure in plain words, with what to do next; null when all is well. */
  lastError: string | null
  /** How to install redis-server, present when status is `missing`. */
  install: InstallHint[] | null
}

/** A condition that lasts (Redis down, binary missing); shown until it goes away. */
export interface Problem {
  /** Stable id, e.g. `redis:missing`; one problem per id. */
  id: string
  severity: 'info' | 'warning' | 'error'
  message: string
  /** What to do about it. */
  hint?: string
}

export interface Snapshot {
  /** Engine tick number, +1 per snapshot built. */
  tick: number
  /** Wall-clock ms when built. */
  at: number
  /** Engine uptime in ms. */
  uptimeMs: number
  app: {
    version: string
    /**
     * Which door serves this UI: 'desktop' (Electron), 'browser' (flowlab console), or 'cli'
     * (a headless command such as `flowlab run`, which shows no UI).
     */
    door: 'desktop' | 'browser' | 'cli'
    /** Where Flowlab keeps its data (Redis data folder lives below it). */
    dataDir: string
  }
  redis: RedisInfo
  /**
   * Each lab's bounded view, by lab id (the registry in contract/labs/index.ts): e.g. `dispatch`
   * (DISPATCH_INFO_LIST_MAX entries per list at most), `channels` (at most CHANNELS_INFO_MAX_BYTES
   * serialised).
   */
  labs: LabInfos
  /** The lesson (scenario) run, when the engine serves lessons (absent otherwise). */
  scenario?: ScenarioInfo
  problems: Problem[]
  /** What the doors and the validator refused, and failures caught at the doors or in the engine. */
  inputs: {
    /** Inputs refused since start: over a limit (limits.ts), malformed, or an invalid command. */
    rejected: number
    /**
     * Unexpected failures (bugs) caught while running a command, building a snapshot or answering
     * a door; each was traced at level `error`, answered with an `internal` error, and the engine
     * kept running. Also shown as the problem `engine:internal-errors`.
     */
    internalErrors: number
  }
  trace: {
    /** Events emitted since start (or since trace:clear). */
    total: number
    /** Events the engine's ring buffer no longer holds. */
    evicted: number
  }
}

/**
 * One push to a subscriber: the latest snapshot plus the trace events since the previous frame.
 * `seq` increases by one per frame for that subscriber; a gap means the client must resync.
 * At most one frame is in flight per subscriber; the next is built after the client acks.
 */
export interface Frame {
  seq: number
  snapshot: Snapshot
  /** New trace events, oldest first, at most FRAME_MAX_EVENTS and within FRAME_MAX_BYTES. */
  events: TraceEvent[]
  /**
   * Events that happened but were left out of frames: the client was slow, or the frame's byte
   * budget was full (the oldest are left out first).
   */
  dropped: number
}

/** Most trace events in one frame; the rest are counted in `dropped`. */
export const FRAME_MAX_EVENTS = 500
/**
 * Largest frame in bytes of JSON (snapshot + events): events are left out, oldest first, to stay
 * below it. Half the gateway's send-buffer limit, so even a new console's first frame, which
 * carries the recent history, is always delivered.
 */
export const FRAME_MAX_BYTES = 4 * 1024 * 1024
/** The engine keeps this many recent trace events for late subscribers (the Trace panel). */
export const TRACE_BUFFER_MAX = 5_000
/** Target snapshot cadence. */
export const SNAPSHOT_INTERVAL_MS = 100
