import type { ReactNode } from 'react'
import type { ClusterRunInfo } from '@shared/contract/labs/cluster'
import { shortId } from './short-id'

/** Acknowledged and failed messages of the run's total, and what the run is doing now. */
export function RunProgress(props: { run: ClusterRunInfo }): ReactNode {
  const { progress, status, settings } = props.run
  const done = progress.acked + progress.failed
  const pct = progress.total > 0 ? Math.min(100, Math.round((done / progress.total) * 100)) : 0
  return (
    <div
      className="progress"
      title={`${progress.acked} acknowledged and ${progress.failed} failed of ${progress.total}`}
      data-testid="cluster-progress"
    >
      <div className="progress-bar" style={{ width: `${pct}%` }} />
      <span>
        {progress.acked}/{progress.total} acked
        {progress.failed > 0 ? ` · ${progress.failed} failed` : ''} · acks={settings.acks} ·{' '}
        {settings.partitions} partitions · {status}
        {status === 'checking' ? ': reading every partition from its leader…' : ''}
      </span>
    </div>
  )
}

/** The run's counters as the producers, the consumers and the checker counted them. */
export function Counts(props: { run: ClusterRunInfo }): ReactNode {
  const { counts, rates } = props.run
  const bad = (n: number): string | undefined => (n > 0 ? 'bad' : undefined)
  const cells: [string, number | string, string?][] = [
    ['produced', counts.produced],
    ['acked', counts.acked],
    ['failed', counts.failed, counts.failed > 0 ? 'warn' : undefined],
    ['lost acked', counts.lostAcked, bad(counts.lostAcked)],
    ['duplicates', counts.duplicates, counts.duplicates > 0 ? 'warn' : undefined],
    ['consumed', counts.consumed],
    ['gaps', counts.gaps, bad(counts.gaps)],
    ['out of order', counts.outOfOrder, bad(counts.outOfOrder)],
    ['consumed then lost', counts.consumedThenLost, bad(counts.consumedThenLost)],
    ['produce /s', Math.round(rates.producePerSec)],
    ['consume /s', Math.round(rates.consumePerSec)]
  ]
  return (
    <div className="cluster-counts" data-testid="cluster-counts">
      {cells.map(([label, value, tone]) => (
        <div key={label} className={`stat${tone ? ` stat-${tone}` : ''}`} data-counter={label}>
          <span className="stat-value">{value.toLocaleString()}</span>
          <span className="stat-label">{label}</span>
        </div>
      ))}
    </div>
  )
}

/** Each failover of the run: which broker failed, which replica took its partitions, how fast. */
export function Failovers(props: { run: ClusterRunInfo }): ReactNode {
  const { failovers } = props.run
  if (failovers.length === 0) return null
  return (
    <ul className="cluster-failovers" data-testid="cluster-failovers">
      {failovers.map((f, i) => (
        <li key={`${f.failedNode}-${i}`} data-failed={f.failedNode} data-promoted={f.promotedNode}>
          <span className="mono" title={f.failedNode}>
            {shortId(f.failedNode)}
          </span>{' '}
          →{' '}
          <span className="mono" title={f.promotedNode}>
            {shortId(f.promotedNode)}
          </span>{' '}
          in <strong>{Math.round(f.ms).toLocaleString()} ms</strong>
          {f.partitions.length > 0 ? (
            <span className="muted"> · {f.partitions.map((p) => `p${p}`).join(' ')}</span>
          ) : null}
        </li>
      ))}
    </ul>
  )
}
