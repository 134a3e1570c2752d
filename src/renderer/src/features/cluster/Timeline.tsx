import type { ReactNode } from 'react'
import type { ClusterEvent, ClusterEventKind } from '@shared/contract/labs/cluster'
import { formatTime } from '../../lib/format'
import { shortId } from './short-id'

const TONE: Partial<Record<ClusterEventKind, string>> = {
  killed: 'bad',
  paused: 'warn',
  'fail-detected': 'bad',
  elected: 'ok',
  rejoined: 'ok',
  restarted: 'ok',
  resumed: 'ok'
}

/** "+1.234 s" after the first event shown. */
function since(at: number, first: number): string {
  return `+${((at - first) / 1000).toFixed(3)} s`
}

/**
 * The election timeline, newest first (as the engine keeps it, bounded): the wall-clock time and
 * the time since the oldest event shown, what happened, and for an election how long it took.
 */
export function Timeline(props: { events: ClusterEvent[] }): ReactNode {
  const { events } = props
  if (events.length === 0) {
    return (
      <p className="muted small" data-testid="cluster-timeline">
        Kills, pauses, elections and moves show here as they happen.
      </p>
    )
  }
  const first = Math.min(...events.map((e) => e.at))
  return (
    <ol className="cluster-timeline" data-testid="cluster-timeline">
      {events.map((e, i) => (
        <li key={`${e.at}-${e.kind}-${i}`} data-kind={e.kind} data-node={e.node}>
          <span className="mono small" title={since(e.at, first)}>
            {formatTime(e.at)}
          </span>
          <span className={`cluster-kind cluster-kind-${TONE[e.kind] ?? 'idle'}`}>{e.kind}</span>
          <span className="small">
            {e.text}
            {e.kind === 'elected' && e.ms !== undefined ? (
              <strong className="mono"> {Math.round(e.ms)} ms</strong>
            ) : null}
          </span>
          <span className="mono small muted" title={e.node}>
            {shortId(e.node)}
          </span>
        </li>
      ))}
    </ol>
  )
}
