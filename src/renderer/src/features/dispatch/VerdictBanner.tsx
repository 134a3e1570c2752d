import type { ReactNode } from 'react'
import {
  DispatchCommandType,
  FLOW_WINDOW_EPOCHS,
  VIOLATION_CAUSE_TEXT,
  type DispatchInfo,
  type ViolationCause
} from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'

/** The checker's word on the run: which guarantee, whether it held, and every cause of a breach. */
export function VerdictBanner(props: { info: DispatchInfo }): ReactNode {
  const { verdict, status, progress } = props.info
  const { run } = useCommand()
  if (status === 'idle') return null
  const tone = verdict.state === 'held' ? 'ok' : verdict.state === 'violated' ? 'bad' : 'pending'
  const causes = Object.entries(verdict.byCause) as [ViolationCause, number][]
  return (
    <div
      className={`verdict verdict-${tone}`}
      data-testid="dispatch-verdict"
      data-verdict={verdict.state}
    >
      <div className="verdict-head">
        <strong>
          {verdict.state === 'pending'
            ? `Checking: ${verdict.guarantee}`
            : verdict.state === 'held'
              ? `Held: ${verdict.guarantee}`
              : `Violated: ${verdict.guarantee}`}
        </strong>
        <span className="muted">
          {progress.settled}/{progress.messages} settled · executed 0×: {verdict.counts.zero} · 1×:{' '}
          {verdict.counts.once} · &gt;1×: {verdict.counts.many}
        </span>
      </div>
      {causes.length > 0 ? (
        <ul className="causes">
          {causes.map(([cause, count]) => (
            <li key={cause} data-cause={cause}>
              <strong>{count}</strong> {count === 1 ? 'epoch' : 'epochs'}:{' '}
              {VIOLATION_CAUSE_TEXT[cause]}
            </li>
          ))}
        </ul>
      ) : null}
      {verdict.stopped && verdict.stopped.notSent + verdict.stopped.unsettled > 0 ? (
        <p className="muted small" data-testid="dispatch-stopped-apart">
          Run stopped: {verdict.stopped.notSent} epochs not sent
          {verdict.stopped.unsettled > 0
            ? `, ${verdict.stopped.unsettled} still owed a re-send`
            : ''}{' '}
          — set apart, not judged.
        </p>
      ) : null}
      {verdict.violations.items.length > 0 ? (
        <p className="muted small">
          First violations:{' '}
          {verdict.violations.items.slice(0, 12).map((v, i) => (
            <span key={v.epoch}>
              {i > 0 ? ', ' : ''}
              <button
                type="button"
                className="btn-link"
                title="Show this epoch's story in the message-flow diagram"
                onClick={() =>
                  void run({
                    type: DispatchCommandType.Flow,
                    selected: v.epoch,
                    until: v.epoch + FLOW_WINDOW_EPOCHS / 2
                  })
                }
              >
                #{v.epoch}
              </button>{' '}
              ({v.executions}×)
            </span>
          ))}
          {verdict.violations.total > 12 ? ` … ${verdict.violations.total} in all` : ''}
        </p>
      ) : null}
    </div>
  )
}
