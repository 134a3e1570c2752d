import { z } from 'zod'

/**
 * What a scenario run produced and how it compares with the expectation: the lab's outcome in a
 * lab-neutral shape (verdict, causes, counts, facts), the schedule as it was applied, and the
 * differences found. The CLI prints it, the console shows it, an export holds it.
 */

export const ScenarioOutcomeSchema = z.strictObject({
  verdict: z.enum(['held', 'violated']),
  /** The guarantee in words (the lab's). */
  guarantee: z.string().max(500),
  /** Violations (or errors met) per cause. */
  causes: z.record(z.string(), z.number()),
  /** The lab's counts by name. */
  counts: z.record(z.string(), z.number()),
  /** The lab's facts by name (texts). */
  facts: z.record(z.string(), z.string()),
  /** The lab's notes (and the runner's). */
  notes: z.array(z.string())
})
export type ScenarioOutcome = z.infer<typeof ScenarioOutcomeSchema>

/** One scheduled command (fault or step) as it was applied. */
export const AppliedCommandSchema = z.strictObject({
  /** `faults.3` or `steps.5`. */
  where: z.string(),
  type: z.string(),
  /** ms after the run started. */
  atMs: z.number(),
  /** The trigger's value when it fired (acked or sent count), or null. */
  progress: z.strictObject({ acked: z.number(), messages: z.number() }).nullable(),
  ok: z.boolean(),
  /** The error code (or the lab's notifyCode) when it failed. */
  error: z.string().nullable()
})
export type AppliedCommand = z.infer<typeof AppliedCommandSchema>

export const ScenarioResultSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  lab: z.string(),
  /** True when the outcome matched the expectation. */
  passed: z.boolean(),
  outcome: ScenarioOutcomeSchema,
  /** Each difference in words: "verdict: expected violated, got held". */
  differences: z.array(z.string()),
  applied: z.array(AppliedCommandSchema),
  durationMs: z.number(),
  /** The settings the run started with (defaults applied by the lab, seed merged). */
  settings: z.record(z.string(), z.unknown())
})
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>
