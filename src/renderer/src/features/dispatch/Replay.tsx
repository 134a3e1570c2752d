import { useMemo, useState, type ReactNode } from 'react'
import {
  DispatchRecordingSchema,
  flowWindow,
  VIOLATION_CAUSE_TEXT
} from '@shared/contract/labs/dispatch'
import { FlowDiagram } from './FlowDiagram'

/** Violations listed under the replayed diagram at most. */
const LISTED = 30

/**
 * An exported Dispatch run, read-only: the message-flow diagram redrawn from the recorded events
 * (its Pause/Older/Newer and the epoch stories work on the file, not on the live lab), and the
 * violations, each selecting its epoch.
 */
export function DispatchReplay(props: { recording: unknown }): ReactNode {
  const parsed = useMemo(
    () => DispatchRecordingSchema.safeParse(props.recording),
    [props.recording]
  )
  const [view, setView] = useState<{ selected: number | null; until: number | null }>({
    selected: null,
    until: null
  })
  if (!parsed.success) {
    return <p className="callout callout-bad small">The run&apos;s recording is damaged.</p>
  }
  const r = parsed.data
  const flow = flowWindow(r.flow, r.sampleEvery, view.selected, view.until)
  const workers = r.workers.map((id) => ({ id }))
  return (
    <div data-testid="dispatch-replay">
      <FlowDiagram info={{ flow, workers }} onView={setView} />
      {r.violations.length > 0 ? (
        <ul className="causes small" data-testid="replay-violations">
          {r.violations.slice(0, LISTED).map((v) => (
            <li key={v.epoch}>
              <button
                type="button"
                className="lesson-link"
                onClick={() => setView({ selected: v.epoch, until: v.epoch })}
              >
                epoch {v.epoch}: executed {v.executions}× — {VIOLATION_CAUSE_TEXT[v.cause]}
              </button>
            </li>
          ))}
          {r.violations.length > LISTED ? <li>… and {r.violations.length - LISTED} more</li> : null}
        </ul>
      ) : null}
    </div>
  )
}
