import { useMemo, type ReactNode } from 'react'
import {
  DispatchCommandType,
  FLOW_WINDOW_EPOCHS,
  type DispatchInfo
} from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'
import { FLOW_H, LANE_W, layoutFlow, type FlowShape } from './flow-layout'

const KIND_TEXT: Record<string, string> = {
  send: 'sent',
  resend: 're-sent',
  'drop-request': 'request dropped by the link',
  'drop-reply': 'reply dropped by the link',
  duplicate: 'duplicated by the link',
  delay: 'delayed by the link',
  deliver: 'delivered',
  check: 'checked Redis: already executed?',
  work: 'did the work',
  mark: 'marked executed in Redis',
  reply: 'replied',
  crash: 'worker crashed holding it',
  ack: 'ack received',
  'give-up': 'given up'
}

function Shape(props: { s: FlowShape }): ReactNode {
  const { s } = props
  switch (s.type) {
    case 'arrow':
      return (
        <polyline
          className={`flow-arrow flow-${s.kind}${s.lost ? ' flow-lost' : ''}`}
          data-kind={s.kind}
          data-fate={s.fate}
          points={s.points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}
          fill="none"
          strokeDasharray={s.dashed ? '5 3' : undefined}
          markerEnd={s.lost ? undefined : 'url(#flow-head)'}
        />
      )
    case 'cross':
      return (
        <text className={`flow-cross flow-${s.kind}`} data-kind={s.kind} x={s.x} y={s.y + 4}>
          ✕
        </text>
      )
    case 'mark':
      return (
        <g data-kind={s.kind}>
          {s.redisX !== null ? (
            <line className="flow-redis" x1={s.x} x2={s.redisX} y1={s.y} y2={s.y} />
          ) : null}
          <circle className={`flow-dot flow-${s.kind}`} cx={s.x} cy={s.y} r={2.5} />
          <text className="flow-mark" x={s.x + 5} y={s.y - 3}>
            {s.label}
          </text>
        </g>
      )
    case 'label':
      return (
        <text className="flow-epoch" x={s.x} y={s.y + 3} textAnchor="end">
          {s.label}
        </text>
      )
  }
}

/**
 * The message-flow (sequence) diagram, the centre of the Dispatch view: the newest epochs' sends,
 * link faults, deliveries with check / work / mark, replies, acks and crashes, live; Pause holds
 * a window to scroll through older epochs. Clicking an epoch highlights its whole story and lists
 * its events; the per-epoch table and the verdict's violations select the same way.
 */
export function FlowDiagram(props: {
  info: Pick<DispatchInfo, 'flow'> & { workers: readonly { id: string }[] }
  /** A read-only replay moves its own window instead of the live lab's. */
  onView?: (view: { selected: number | null; until: number | null }) => void
}): ReactNode {
  const { flow, workers } = props.info
  const { run } = useCommand()
  // Paused or live as the engine holds it (a selection from the table pauses it too).
  const until = flow.until
  const workerIds = useMemo(() => workers.map((w) => w.id), [workers])
  const layout = useMemo(() => layoutFlow(flow, workerIds), [flow, workerIds])
  const selected = flow.selected?.epoch ?? null
  const view = (next: { selected?: number | null; until?: number | null }): void => {
    const u = next.until === undefined ? until : next.until
    const s = next.selected === undefined ? selected : next.selected
    if (props.onView) props.onView({ selected: s, until: u })
    else void run({ type: DispatchCommandType.Flow, selected: s, until: u })
  }
  const newest = flow.epochs.at(-1) ?? null
  const oldest = flow.epochs[0] ?? null
  return (
    <div
      className="msgflow"
      data-testid="flow-diagram"
      data-paused={until === null ? 'false' : 'true'}
    >
      <div className="toolbar">
        <strong>Message flow</strong>
        {until === null ? (
          <button
            className="btn"
            type="button"
            onClick={() => view({ until: newest })}
            data-testid="flow-pause"
          >
            Pause
          </button>
        ) : (
          <>
            <button
              className="btn"
              type="button"
              disabled={oldest === null || oldest <= 1}
              onClick={() => view({ until: Math.max(1, (oldest ?? 1) - 1) })}
            >
              ◀ Older
            </button>
            <button
              className="btn"
              type="button"
              onClick={() => view({ until: (newest ?? 0) + FLOW_WINDOW_EPOCHS })}
            >
              Newer ▶
            </button>
            <button
              className="btn"
              type="button"
              onClick={() => view({ until: null })}
              data-testid="flow-live"
            >
              Live
            </button>
          </>
        )}
        <span className="muted small msgflow-range">
          {flow.epochs.length > 0 ? `epochs #${oldest} – #${newest}` : 'no message yet'}
          {flow.sampleEvery > 1 ? ` · sampling 1 in ${flow.sampleEvery} epochs (high rate)` : ''}
        </span>
      </div>
      <svg
        className="flow-svg"
        viewBox={`0 0 ${layout.width} ${FLOW_H}`}
        preserveAspectRatio="xMidYMin meet"
        role="img"
        aria-label="Message flow: dispatcher, link, workers and Redis over time"
      >
        <defs>
          <marker
            id="flow-head"
            viewBox="0 0 8 8"
            refX="7"
            refY="4"
            markerWidth="6"
            markerHeight="6"
            orient="auto"
          >
            <path d="M0,0 L8,4 L0,8 z" className="flow-head" />
          </marker>
        </defs>
        {layout.lanes.map((lane, i) => {
          const lx = LANE_W / 2 + i * LANE_W
          return (
            <g key={lane} data-lane={lane}>
              <text className="flow-lane" x={lx} y={14} textAnchor="middle">
                {lane}
              </text>
              <line className="flow-lane-line" x1={lx} x2={lx} y1={22} y2={FLOW_H - 4} />
            </g>
          )
        })}
        {layout.epochs.map(({ epoch, shapes }) => (
          <g
            key={epoch}
            className={`flow-epoch-group${selected === null ? '' : selected === epoch ? ' selected' : ' faded'}`}
            data-flow-epoch={epoch}
            data-selected={selected === epoch ? 'true' : 'false'}
            onClick={() => view({ selected: selected === epoch ? null : epoch })}
          >
            {shapes.map((s, i) => (
              <Shape key={i} s={s} />
            ))}
          </g>
        ))}
      </svg>
      {flow.selected ? (
        <Story selected={flow.selected} onClose={() => view({ selected: null })} />
      ) : null}
    </div>
  )
}

function Story(props: {
  selected: NonNullable<DispatchInfo['flow']['selected']>
  onClose: () => void
}): ReactNode {
  const { selected } = props
  return (
    <div className="flow-story" data-testid="flow-story">
      <div className="toolbar">
        <strong>Epoch #{selected.epoch}</strong>
        <span className="spacer" />
        <button className="btn" type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {selected.recorded ? (
        <ol className="flow-events">
          {selected.events.map((e, i) => (
            <li key={i} data-kind={e.kind}>
              <span className="mono">{e.t.toFixed(1)} ms</span> · <strong>{e.lane}</strong> ·{' '}
              {KIND_TEXT[e.kind] ?? e.kind}
              {e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small">
          Not in the recorded window any more (or not sampled); the per-epoch table still has its
          counts.
        </p>
      )}
    </div>
  )
}
