import { z } from 'zod'
import { LAB_CONTRACTS } from '../labs'
import type { LabContracts } from '../validate'
import { ScenarioSchema } from './format'
import { ScenarioResultSchema } from './outcome'

/**
 * One finished lesson run in one file, to hand in and re-open read-only: the scenario, the result
 * (outcome, settings, the fault schedule as applied, differences) and the lab's recording (the
 * diagram's events), checked by the lab contract's `recording` schema when it is re-opened.
 */

export const RUN_EXPORT_FORMAT = 'flowlab-run'
/** Largest export the console re-opens. */
export const RUN_EXPORT_MAX_BYTES = 8 * 1024 * 1024

export const RunExportSchema = z.strictObject({
  format: z.literal(RUN_EXPORT_FORMAT),
  version: z.literal(1),
  /** Wall-clock ms of the export. */
  exportedAt: z.number(),
  scenario: ScenarioSchema,
  result: ScenarioResultSchema,
  /** The lab's recording (see LabContract.recording); null when the lab keeps none. */
  recording: z.unknown()
})
export type RunExport = z.infer<typeof RunExportSchema>

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'file' : path.map(String).join('.')
}

/**
 * Checks an export's text (a file the user picked): JSON, the envelope, then the recording by
 * its lab's schema.
 * @returns the export, or a message that says what is wrong and where (`result.outcome.verdict`).
 */
export function parseRunExport(
  text: string,
  labs: LabContracts = LAB_CONTRACTS
): { ok: true; value: RunExport } | { ok: false; message: string } {
  if (text.length > RUN_EXPORT_MAX_BYTES) {
    return { ok: false, message: `the file is larger than ${RUN_EXPORT_MAX_BYTES} bytes` }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return {
      ok: false,
      message: `not a Flowlab run export: the file is not complete JSON (${(err as Error).message}); was it cut short?`
    }
  }
  const parsed = RunExportSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {
      ok: false,
      message: `not a Flowlab run export: ${issue ? `${pathOf(issue.path)}: ${issue.message}` : 'invalid'}`
    }
  }
  const value = parsed.data
  const schema = Object.hasOwn(labs, value.scenario.lab)
    ? labs[value.scenario.lab]?.recording
    : undefined
  if (schema && value.recording !== null) {
    const rec = schema.safeParse(value.recording)
    if (!rec.success) {
      const issue = rec.error.issues[0]
      return {
        ok: false,
        message: `the run's ${value.scenario.lab} recording is damaged: recording.${issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : 'invalid'}`
      }
    }
    return { ok: true, value: { ...value, recording: rec.data } }
  }
  return { ok: true, value }
}
