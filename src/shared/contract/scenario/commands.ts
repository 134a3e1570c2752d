import { z } from 'zod'
import { RunExportSchema } from './export'
import { SCENARIO_ID_PATTERN, ScenarioSchema, type Scenario } from './format'
import {
  AppliedCommandSchema,
  ScenarioResultSchema,
  type AppliedCommand,
  type ScenarioResult
} from './outcome'

/**
 * The engine's lessons (core domain `scenario`): list the packs, run one on the real lab, run two
 * one after the other for the Compare view. Lessons are not a lab: the engine serves them from its
 * scenario folder and runs them through each lab's scenario adapter.
 */
export const ScenarioCommandType = {
  List: 'scenario:list',
  Run: 'scenario:run',
  Compare: 'scenario:compare',
  Stop: 'scenario:stop',
  Export: 'scenario:export'
} as const

const id = z.string().regex(SCENARIO_ID_PATTERN, 'must look like <lab>/<name>')

/** Every valid scenario of the engine's packs, and the files it refused (with the field). */
export const ScenarioListSchema = z.strictObject({ type: z.literal(ScenarioCommandType.List) })
/**
 * Runs one scenario on the engine's lab (stopping a live run of that lab first). `settings`
 * replaces the file's (a student's change), checked by the lab's start-command schema.
 */
export const ScenarioRunSchema = z.strictObject({
  type: z.literal(ScenarioCommandType.Run),
  id,
  settings: z.record(z.string().max(64), z.unknown()).optional()
})
/** Runs `a`, then `b`, for the Compare view. */
export const ScenarioCompareSchema = z.strictObject({
  type: z.literal(ScenarioCommandType.Compare),
  a: id,
  b: id
})
/** Stops the scenario run (and the lab's run under it). */
export const ScenarioStopSchema = z.strictObject({ type: z.literal(ScenarioCommandType.Stop) })
/** The finished run `index` of the last run or compare (0, or 1 for compare's B) as an export. */
export const ScenarioExportSchema = z.strictObject({
  type: z.literal(ScenarioCommandType.Export),
  index: z.number().int().min(0).max(1).default(0)
})

export const ScenarioCommandSchemas = [
  ScenarioListSchema,
  ScenarioRunSchema,
  ScenarioCompareSchema,
  ScenarioStopSchema,
  ScenarioExportSchema
] as const

/** A file of the packs the engine refused. */
export interface InvalidScenarioFile {
  file: string
  path: string
  message: string
}

export const ScenarioListResultSchema = z.strictObject({
  scenarios: z.array(ScenarioSchema),
  invalid: z.array(z.strictObject({ file: z.string(), path: z.string(), message: z.string() }))
})
export interface ScenarioListResult {
  scenarios: Scenario[]
  invalid: InvalidScenarioFile[]
}

/** Most commands listed in ScenarioInfo.applied (a schedule has at most 64, a script 200). */
export const SCENARIO_APPLIED_MAX = 300

/** The scenario run in the snapshot (`snapshot.scenario`). */
export interface ScenarioInfo {
  status: 'idle' | 'running' | 'done' | 'error' | 'stopped'
  mode: 'single' | 'compare'
  /** The ids this run covers, in order (one; two for compare). */
  ids: string[]
  /** The id running now; null when none. */
  current: string | null
  /** The settings the current run was asked to use (the file's, or the student's). */
  settings: Record<string, unknown> | null
  /** Commands of the current scenario applied so far. */
  applied: AppliedCommand[]
  /** Finished scenarios of this run, in order. */
  results: ScenarioResult[]
  /** Why the run could not go on (a lab that refused to start). */
  error: string | null
  startedAt: number | null
}

export const ScenarioInfoSchema = z.strictObject({
  status: z.enum(['idle', 'running', 'done', 'error', 'stopped']),
  mode: z.enum(['single', 'compare']),
  ids: z.array(z.string()),
  current: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()).nullable(),
  applied: z.array(AppliedCommandSchema),
  results: z.array(ScenarioResultSchema),
  error: z.string().nullable(),
  startedAt: z.number().nullable()
})

export const ScenarioResultSchemas = {
  [ScenarioCommandType.List]: ScenarioListResultSchema,
  [ScenarioCommandType.Run]: z.null(),
  [ScenarioCommandType.Compare]: z.null(),
  [ScenarioCommandType.Stop]: z.null(),
  [ScenarioCommandType.Export]: RunExportSchema
} as const

export type { ScenarioResult }
