import type { LabContract, Problem, TraceData, TraceLevel } from '@shared/contract'
import type { ProcessRecorder } from './process-registry'
import type { RedisHost } from './redis/redis-host'

/**
 * The seam every lab plugs into (docs/ARCHITECTURE.md). The engine knows labs only through this
 * interface and the registry in `labs.ts`: it routes each command whose type starts with
 * `<lab id>:` to that lab, puts `toInfo()` under `snapshot.labs[<lab id>]` and shows
 * `problems()` in the problems bar. No lab imports another.
 */

/** Writes one trace event with the lab as its source. */
export type LabEmit = (type: string, level: TraceLevel, message: string, data?: TraceData) => void

/** What the engine hands a lab: everything shared, nothing of another lab. */
export interface LabContext {
  /** The engine's Redis (managed or REDIS_URL); labs open their own connections from its URL. */
  redis: RedisHost
  /** Trace events, tagged with the lab's id as source. */
  emit: LabEmit
  /** Folder for what the lab keeps on disk (its own subfolder of the engine's data dir). */
  dataDir: string
  /** Wall clock in ms; tests may pass a fake one. */
  now(): number
  /** The engine's per-lab settings (EngineConfig.labs[<lab id>]), unparsed; the lab owns its shape. */
  settings: Readonly<Record<string, unknown>>
  /** Records every process the lab starts, so the next start can end what a killed engine left. */
  processes: ProcessRecorder
}

/** A Redis fault the engine offers to the labs before it applies the fault itself. */
export type RedisFault = { kind: 'redis-kill' } | { kind: 'redis-restart' }

/** One lab, as the engine drives it. */
export interface Lab<Info = unknown, Command extends { type: string } = { type: string }> {
  /** The domain prefix of the lab's commands and its key under `snapshot.labs`. */
  readonly id: string
  /** Starts what the lab needs for its whole life (sockets, restored state). Called once. */
  start(): Promise<void>
  /** Stops everything the lab started; idempotent, never rejects. */
  close(): Promise<void>
  /** Runs one command, already validated against the lab's contract schema. */
  execute(command: Command): Promise<unknown>
  /** The lab's bounded view for the snapshot (plain JSON). */
  toInfo(): Info
  /** Ongoing conditions to show (ids prefixed with the lab id). */
  problems(): Problem[]
  /**
   * Offered every Redis kill/restart the user asks for, before the engine applies it itself. A
   * lab that must account for it (a live run whose checker explains repeats by a lost dedup
   * table) applies it and returns true; otherwise false.
   */
  takeRedisFault?(fault: RedisFault): Promise<boolean>
}

/** What a lab's typed accessor needs of the engine (kept here so lab folders never import it). */
export interface LabHost {
  /** The running lab with this id, if the engine runs one. */
  lab(id: string): Lab | undefined
}

/** How the registry makes a lab: one per engine. */
export interface LabDefinition<
  Info = unknown,
  Command extends { type: string } = { type: string }
> {
  readonly id: string
  /** Its half of the contract: the engine validates the lab's commands with it. */
  readonly contract: LabContract
  create(context: LabContext): Lab<Info, Command>
}
