import type { ReactNode } from 'react'
import type { DispatchInfo, LinkDirectionInfo } from '@shared/contract/labs/dispatch'

function faultMarks(dir: LinkDirectionInfo): string[] {
  const marks: string[] = []
  if (dir.rule.cut) marks.push('CUT')
  if (dir.rule.dropP > 0) marks.push(`drop ${Math.round(dir.rule.dropP * 100)}%`)
  if (dir.rule.dropNext > 0) marks.push(`drop next ${dir.rule.dropNext}`)
  if (dir.rule.duplicateP > 0) marks.push(`dup ${Math.round(dir.rule.duplicateP * 100)}%`)
  if (dir.rule.delayMs > 0) marks.push(`+${dir.rule.delayMs}±${dir.rule.jitterMs} ms`)
  return marks
}

function Lane(props: { label: string; dir: LinkDirectionInfo; testId: string }): ReactNode {
  const marks = faultMarks(props.dir)
  const c = props.dir.counters
  return (
    <div className={`lane${props.dir.rule.cut ? ' lane-cut' : ''}`} data-testid={props.testId}>
      <span className="lane-label">{props.label}</span>
      <span className="lane-line" aria-hidden="true">
        <span className="flow" />
      </span>
      <span className="lane-counts">
        {c.forwarded} fwd · {c.dropped + c.droppedNext + c.droppedCut} dropped · {c.duplicated} dup
      </span>
      {marks.map((m) => (
        <span key={m} className="fault-mark">
          {m}
        </span>
      ))}
    </div>
  )
}

/** dispatcher → FaultLink → workers, with live counts and the faults in force on each lane. */
export function Topology(props: { info: DispatchInfo }): ReactNode {
  const { dispatcher, link, workers } = props.info
  return (
    <div className="topology" data-testid="dispatch-topology">
      <div className={`node node-${dispatcher.state}`}>
        <strong>Dispatcher</strong>
        <span>DEALER · {dispatcher.state}</span>
        <span className="muted small">
          {dispatcher.sends} sent · {dispatcher.resends} re-sent · {dispatcher.acks} acks
        </span>
      </div>
      <div className="lanes">
        <Lane label="requests →" dir={link.toWorker} testId="lane-to-worker" />
        <div className="node node-link">
          <strong>FaultLink</strong>
          <span className="muted small">{props.info.endpoint ?? '—'}</span>
          {link.rejected.total > 0 ? (
            <span
              className="fault-mark"
              data-testid="rejected-frames"
              title={Object.entries(link.rejected.byReason)
                .map(([reason, n]) => `${n} ${reason}`)
                .join(', ')}
            >
              {link.rejected.total} malformed frames rejected
            </span>
          ) : null}
        </div>
        <Lane label="← acks" dir={link.toDispatcher} testId="lane-to-dispatcher" />
      </div>
      <div className="worker-nodes">
        {workers.length === 0 ? (
          <span className="muted">no workers (waiting for external ones)</span>
        ) : null}
        {workers.map((w) => (
          <div
            key={w.id}
            className={`node node-worker state-${w.state}`}
            data-worker={w.id}
            data-state={w.state}
          >
            <strong>{w.id}</strong>
            <span>
              {w.state}
              {w.state === 'working' && w.epoch !== null ? ` #${w.epoch}` : ''}
            </span>
          </div>
        ))}
      </div>
    </div>
  )
}
