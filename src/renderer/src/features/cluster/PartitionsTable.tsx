import type { ReactNode } from 'react'
import {
  ClusterCommandType,
  type ClusterFaultActionInput,
  type PartitionInfo
} from '@shared/contract/labs/cluster'
import { useCommand } from '../../lib/use-command'
import { shortId } from './short-id'
import { useLeaderChanges } from './use-leader-changes'

/**
 * The topic's partitions: the stream key and its slot, the leader (marked for a few seconds when it
 * changed), the followers, the log end against what was acknowledged, the consumer lag, and the
 * under-replicated and leaderless badges. "Kill leader" kills whichever broker leads it now.
 */
export function PartitionsTable(props: {
  partitions: PartitionInfo[]
  /** Why process faults are off (an existing cluster), or null. */
  faultsOff: string | null
  /** The cluster is up: faults can be sent. */
  enabled: boolean
}): ReactNode {
  const { run, busy, error } = useCommand()
  const changed = useLeaderChanges(props.partitions)
  const fault = (f: ClusterFaultActionInput): void =>
    void run({ type: ClusterCommandType.Fault, fault: f })
  const off = busy || !props.enabled || props.faultsOff !== null
  const why = props.faultsOff ?? undefined
  const p0 = props.partitions.find((p) => p.id === 0)
  return (
    <>
      <div className="cluster-section-head">
        <h2>Partitions</h2>
        <button
          className="btn btn-danger"
          disabled={off || !p0 || p0.leader === null}
          title={why ?? `SIGKILL the broker leading partition 0 (${shortId(p0?.leader)})`}
          onClick={() => fault({ kind: 'kill-leader', partition: 0 })}
          data-testid="cluster-kill-leader"
        >
          Kill leader of p0
        </button>
      </div>
      {props.partitions.length === 0 ? (
        <p className="muted small">The topic's partitions show once a run has created them.</p>
      ) : (
        <div className="cluster-scroll">
          <table
            className="table compact cluster-partitions"
            data-testid="cluster-partitions-table"
          >
            <thead>
              <tr>
                <th>P</th>
                <th>Key</th>
                <th>Slot</th>
                <th>Leader</th>
                <th>Replicas</th>
                <th title="Entries in the stream (log end offset)">Log end</th>
                <th>Acked</th>
                <th title="Produced and not yet read by the consumer group">Lag</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {props.partitions.map((p) => (
                <tr
                  key={p.id}
                  data-testid={`partition-${p.id}`}
                  data-leader={p.leader ?? ''}
                  className={p.leaderless ? 'cluster-leaderless' : undefined}
                >
                  <td className="mono">p{p.id}</td>
                  <td className="mono small cluster-key" title={p.key}>
                    {p.key}
                  </td>
                  <td className="mono">{p.slot}</td>
                  <td
                    className={`mono${changed.has(p.id) ? ' leader-changed' : ''}`}
                    title={p.leader ?? 'no live primary owns the slot'}
                    data-testid={`partition-leader-${p.id}`}
                  >
                    {shortId(p.leader)}
                    {p.leaderless ? (
                      <span className="badge cluster-badge-bad">leaderless</span>
                    ) : null}
                  </td>
                  <td className="mono small cluster-replicas">
                    {p.replicas.map(shortId).join(' ') || '—'}
                    {p.underReplicated ? (
                      <span className="badge cluster-badge-warn">under-replicated</span>
                    ) : null}
                  </td>
                  <td className="mono">{p.logEnd.toLocaleString()}</td>
                  <td className="mono">{p.acked.toLocaleString()}</td>
                  <td className="mono">{p.consumerLag.toLocaleString()}</td>
                  <td>
                    <button
                      className="btn btn-danger btn-small"
                      disabled={off || p.leader === null}
                      title={why ?? 'SIGKILL the broker leading this partition now'}
                      onClick={() => fault({ kind: 'kill-leader', partition: p.id })}
                      data-testid={`partition-kill-leader-${p.id}`}
                    >
                      Kill leader
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error ? (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      ) : null}
    </>
  )
}
