import { z } from 'zod'
import {
  FLOW_EVENT_KINDS,
  FLOW_SELECTED_EVENTS_MAX,
  FLOW_WINDOW_EPOCHS,
  VIOLATION_CAUSES,
  type DispatchInfo,
  type FlowEvent
} from './info'

/**
 * What an exported Dispatch run keeps beside its report (a lesson's export, docs/SCENARIOS.md):
 * the message-flow events the run recorded, the per-epoch counts and the violations, so the
 * console can redraw the diagram read-only. `flowWindow` is the diagram's view of those events,
 * used by the lab (live) and by the replay (exported).
 */

/** Most flow events a recording holds (the lab's ring keeps 4 000). */
export const DISPATCH_RECORDING_EVENTS_MAX = 10_000
/** Most epochs of per-epoch counts a recording holds. */
export const DISPATCH_RECORDING_EPOCHS_MAX = 100_000

const count = z.number().int().min(0)
const perEpoch = z.array(count).max(DISPATCH_RECORDING_EPOCHS_MAX)

export const FlowEventSchema = z.strictObject({
  epoch: z.number().int().min(1),
  t: z.number(),
  kind: z.enum(FLOW_EVENT_KINDS),
  lane: z.string().max(64),
  attempt: count
})

export const DispatchRecordingSchema = z.strictObject({
  sampleEvery: z.number().int().min(1),
  workers: z.array(z.string().max(64)).max(64),
  flow: z.array(FlowEventSchema).max(DISPATCH_RECORDING_EVENTS_MAX),
  perEpoch: z.strictObject({ deliveries: perEpoch, executions: perEpoch, attempts: perEpoch }),
  violations: z
    .array(
      z.strictObject({
        epoch: z.number().int().min(1),
        executions: count,
        deliveries: count,
        attempts: count,
        cause: z.enum(VIOLATION_CAUSES)
      })
    )
    .max(DISPATCH_RECORDING_EPOCHS_MAX)
})
export type DispatchRecording = z.infer<typeof DispatchRecordingSchema>

/**
 * The diagram's view of recorded events: the newest FLOW_WINDOW_EPOCHS epochs (or the window
 * ending at `until`), and the story of `selected`.
 */
export function flowWindow(
  all: readonly FlowEvent[],
  sampleEvery: number,
  selected: number | null,
  until: number | null
): DispatchInfo['flow'] {
  const seen = new Set<number>()
  for (const e of all) if (until === null || e.epoch <= until) seen.add(e.epoch)
  const epochs = [...seen].sort((a, b) => a - b).slice(-FLOW_WINDOW_EPOCHS)
  const shown = new Set(epochs)
  const story = selected === null ? [] : all.filter((e) => e.epoch === selected)
  return {
    sampleEvery,
    until,
    epochs,
    events: all.filter((e) => shown.has(e.epoch)),
    selected:
      selected === null
        ? null
        : {
            epoch: selected,
            events: story.slice(-FLOW_SELECTED_EVENTS_MAX),
            recorded: story.length > 0
          }
  }
}
