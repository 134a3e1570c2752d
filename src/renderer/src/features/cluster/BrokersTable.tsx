import type { ReactNode } from 'react'
import {
  ClusterCommandType,
  type BrokerInfo,
  type BrokerState,
  type ClusterFaultActionInput
} from '@shared/contract/labs/cluster'
import { formatBytes } from '../../lib/format'
import { useCommand } from '../../lib/use-command'
import { shortId } from './short-id'

const STATE_TONE: Record<BrokerState, string> = { alive: 'ok', paused: 'warn', dead: 'bad' }

/** Primaries first (by port), each followed by its replicas, so a leader sits above its followers. */
function ordered(brokers: BrokerInfo[]): BrokerInfo[] {
  const byPort = [...brokers].sort((a, b) => a.port - b.port)
  const out: BrokerInfo[] = []
  for (const p of byPort.filter((b) => b.role === 'primary')) {
    out.push(p, ...byPort.filter((b) => b.role === 'replica' && b.primaryId === p.id))
  }
  return [...out, ...byPort.filter((b) => !out.includes(b))]
}

/**
 * Every broker (redis-server node): role, slots, state, replication offset and a replica's lag,
 * the partitions it leads, and its faults. Faults that need the process (kill, pause, restart)
 * are off on an existing cluster, with the reason as the tooltip; a manual failover works anywhere.
 */
export function BrokersTable(props: {
  brokers: BrokerInfo[]
  /** Why process faults are off (an existing cluster), or null. */
  faultsOff: string | null
  /** The cluster is up: faults can be sent. */
  enabled: boolean
}): ReactNode {
  const { run, busy, error } = useCommand()
  const fault = (f: ClusterFaultActionInput): void =>
    void run({ type: ClusterCommandType.Fault, fault: f })
  const off = busy || !props.enabled
  const processOff = off || props.faultsOff !== null
  const why = props.faultsOff ?? undefined
  return (
    <div className="cluster-scroll">
      <table className="table compact cluster-brokers" data-testid="cluster-brokers-table">
        <thead>
          <tr>
            <th>Broker</th>
            <th>Role</th>
            <th>Slots</th>
            <th>State</th>
            <th title="master_repl_offset (primary) or slave_repl_offset (replica)">Offset</th>
            <th title="A replica's lag behind its primary">Lag</th>
            <th>Leads</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {ordered(props.brokers).map((b) => {
            const id = shortId(b.id)
            return (
              <tr
                key={b.id}
                data-testid={`broker-${id}`}
                data-role={b.role}
                data-state={b.state}
                className={b.state === 'dead' ? 'cluster-dead' : undefined}
              >
                <td className="mono" title={b.id}>
                  {id} <span className="muted">:{b.port}</span>
                </td>
                <td>
                  {b.role === 'primary' ? (
                    <strong>primary</strong>
                  ) : (
                    <span className="mono" title={`replica of ${b.primaryId ?? 'no primary'}`}>
                      → {shortId(b.primaryId)}
                    </span>
                  )}
                </td>
                <td className="mono small">
                  {b.slotCount > 0 ? (
                    <>
                      {b.slots} <span className="muted">({b.slotCount})</span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <span className={`pill pill-${STATE_TONE[b.state]}`}>{b.state}</span>
                </td>
                <td className="mono">{b.replOffset.toLocaleString()}</td>
                <td className="mono">{b.role === 'replica' ? formatBytes(b.lagBytes) : ''}</td>
                <td className="mono" data-testid={`broker-leads-${id}`}>
                  {b.leads.length > 0 ? b.leads.map((p) => `p${p}`).join(' ') : ''}
                </td>
                <td>
                  <div className="cluster-actions">
                    {b.state !== 'dead' ? (
                      <button
                        className="btn btn-danger btn-small"
                        disabled={processOff}
                        title={why ?? 'SIGKILL this broker'}
                        onClick={() => fault({ kind: 'kill-broker', node: b.id })}
                        data-testid={`broker-kill-${id}`}
                      >
                        Kill
                      </button>
                    ) : (
                      <button
                        className="btn btn-small"
                        disabled={processOff}
                        title={why ?? 'Start it again; it rejoins as a replica'}
                        onClick={() => fault({ kind: 'restart-broker', node: b.id })}
                        data-testid={`broker-restart-${id}`}
                      >
                        Restart
                      </button>
                    )}
                    {b.state === 'alive' ? (
                      <button
                        className="btn btn-small"
                        disabled={processOff}
                        title={why ?? 'SIGSTOP until Resume'}
                        onClick={() => fault({ kind: 'pause-broker', node: b.id, ms: 0 })}
                        data-testid={`broker-pause-${id}`}
                      >
                        Pause
                      </button>
                    ) : null}
                    {b.state === 'paused' ? (
                      <button
                        className="btn btn-small btn-on"
                        disabled={processOff}
                        title={why ?? 'SIGCONT'}
                        onClick={() => fault({ kind: 'resume-broker', node: b.id })}
                        data-testid={`broker-resume-${id}`}
                      >
                        Resume
                      </button>
                    ) : null}
                    {b.role === 'replica' && b.state === 'alive' ? (
                      <button
                        className="btn btn-small"
                        disabled={off}
                        title="CLUSTER FAILOVER: this replica takes over its primary's slots"
                        onClick={() => fault({ kind: 'failover', node: b.id })}
                        data-testid={`broker-failover-${id}`}
                      >
                        Failover
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {error ? (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
