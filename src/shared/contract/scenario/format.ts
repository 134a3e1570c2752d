import { z } from 'zod'

/**
 * The scenario file format, version 1 (docs/SCENARIOS.md): one lesson of the course as JSON — the
 * lab, its start settings, a fault schedule, a seed, the expected outcome, and the lesson text and
 * explanation in Markdown. This schema checks the shape; what depends on the lab (its settings,
 * the commands of the schedule, the names of its counts) is checked by the lab's scenario adapter
 * with the lab's own schemas (src/main/scenario/validate.ts). docs/scenario.schema.json is
 * generated from it (`scenarioJsonSchema`).
 */

export const SCENARIO_VERSION = 1

/** Scenario ids: `<lab>/<name>`, lower case, digits and `-`. */
export const SCENARIO_ID_PATTERN = /^[a-z0-9-]{1,40}\/[a-z0-9-]{1,64}$/
/** Most entries of a fault schedule or a script. */
export const SCENARIO_FAULTS_MAX = 64
export const SCENARIO_STEPS_MAX = 200
/** Most characters of the lesson text and of the explanation. */
export const SCENARIO_TEXT_MAX = 20_000

const count = z.number().int().min(0).max(100_000_000)

/** When a scheduled command runs: once this many epochs are acked, messages sent, or ms passed. */
export const ScenarioTriggerSchema = z.union([
  z.strictObject({ acked: count.describe('once this many messages are acknowledged') }),
  z.strictObject({ messages: count.describe('once this many messages were sent') }),
  z.strictObject({ ms: count.describe('this many ms after the run started') })
])
export type ScenarioTrigger = z.infer<typeof ScenarioTriggerSchema>

/** Any command of the contract (`<lab>:<verb>`, `redis:restart` …), checked by the command parser. */
const CommandShape = z
  .looseObject({ type: z.string().min(3).max(64) })
  .describe("a command of the contract, as a button sends it: { type: '<domain>:<verb>', … }")

export const ScenarioFaultSchema = z.strictObject({
  at: ScenarioTriggerSchema,
  command: CommandShape,
  /** Shown in the console's fault list and the CLI. */
  note: z.string().max(200).optional()
})
export type ScenarioFault = z.infer<typeof ScenarioFaultSchema>

/** A reference to a value an earlier step returned: `$name.field` (see ScenarioStepSchema). */
export const STEP_REF_PATTERN = /^\$([A-Za-z][A-Za-z0-9_]{0,31})\.([A-Za-z][A-Za-z0-9_.]{0,63})$/

/**
 * One step of a script (labs without a run of their own, e.g. channels): run a command, or wait
 * for an observation. A string `$name.field` anywhere in a later command is replaced with that
 * field of the value the step named `name` returned.
 */
export const ScenarioStepSchema = z.union([
  z.strictObject({
    do: CommandShape,
    /** Name the reply so later commands can use `$<as>.<field>`. */
    as: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/)
      .optional(),
    /** The command must fail with this error (its code, or the lab's `details.notifyCode`). */
    expectError: z.string().min(1).max(64).optional(),
    note: z.string().max(200).optional()
  }),
  z.strictObject({
    /** Waits until the observation holds (a count in range, or a fact equal to a text). */
    wait: z.union([
      z.strictObject({
        count: z.string().min(1).max(128),
        min: z.number().optional(),
        max: z.number().optional()
      }),
      z.strictObject({ fact: z.string().min(1).max(128), equals: z.string().max(1_000) })
    ]),
    /** Fails the scenario when it does not hold by then (default 10 000). */
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
    note: z.string().max(200).optional()
  })
])
export type ScenarioStep = z.output<typeof ScenarioStepSchema>

/** A count's expected value: exactly, or a range (both ends included). */
export const CountExpectationSchema = z.union([
  z.number(),
  z.strictObject({ min: z.number().optional(), max: z.number().optional() })
])
export type CountExpectation = z.infer<typeof CountExpectationSchema>

export const ScenarioExpectSchema = z.strictObject({
  /** The lab's verdict: `held` or `violated`. */
  verdict: z.enum(['held', 'violated']),
  /** Causes the checker must name at least once. */
  causes: z.array(z.string().min(1).max(64)).max(32).optional(),
  /** Causes the checker may name; with it, any other cause is a difference. */
  allowedCauses: z.array(z.string().min(1).max(64)).max(32).optional(),
  /** Counts of the lab's outcome (names per lab, docs/SCENARIOS.md). */
  counts: z.record(z.string().min(1).max(128), CountExpectationSchema).optional(),
  /** Facts (texts) of the outcome, e.g. the order a consumer received events in. */
  facts: z.record(z.string().min(1).max(128), z.string().max(1_000)).optional()
})
export type ScenarioExpect = z.infer<typeof ScenarioExpectSchema>

export const ScenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(SCENARIO_VERSION),
  id: z.string().regex(SCENARIO_ID_PATTERN, 'must look like <lab>/<name> (a-z, 0-9, -)'),
  title: z.string().min(1).max(120),
  /** The lab id (`dispatch`, `channels`, `cache` …). */
  lab: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  /** The settings of the lab's start command (see the lab's guide); `{}` for a lab without one. */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** Seed of the lab's probabilistic faults (same seed, same epochs hit). */
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
  /** Commands run during the run, each once, when its trigger is reached. */
  faults: z.array(ScenarioFaultSchema).max(SCENARIO_FAULTS_MAX).default([]),
  /** A script, for labs without a run of their own (channels). */
  steps: z.array(ScenarioStepSchema).max(SCENARIO_STEPS_MAX).optional(),
  expect: ScenarioExpectSchema,
  /** Shown before the run (Markdown). */
  lesson: z.string().min(1).max(SCENARIO_TEXT_MAX),
  /** Shown after the run (Markdown). */
  explanation: z.string().min(1).max(SCENARIO_TEXT_MAX),
  /** The id of the sibling scenario ("try next"). */
  next: z.string().regex(SCENARIO_ID_PATTERN).optional()
})
/** A scenario as written in a file. */
export type ScenarioInput = z.input<typeof ScenarioSchema>
/** A scenario with defaults applied. */
export type Scenario = z.output<typeof ScenarioSchema>
