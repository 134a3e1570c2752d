import { useState, type ReactNode } from 'react'
import {
  ClusterCommandType,
  type BrokerInfo,
  type PartitionInfo
} from '@shared/contract/labs/cluster'
import { useCommand } from '../../lib/use-command'
import { shortId } from './short-id'

/**
 * Grow the cluster: add an empty primary, and move a partition's slot (its stream goes with it) to
 * another live primary. Adding needs a process, so it is off on an existing cluster; moving a slot
 * works on any cluster.
 */
export function MoveControls(props: {
  brokers: BrokerInfo[]
  partitions: PartitionInfo[]
  faultsOff: string | null
  enabled: boolean
}): ReactNode {
  const { run, busy, error } = useCommand()
  const [partition, setPartition] = useState(0)
  const [target, setTarget] = useState('')
  const primaries = props.brokers.filter((b) => b.role === 'primary' && b.state === 'alive')
  const current = props.partitions.find((p) => p.id === partition)
  const targets = primaries.filter((b) => b.id !== current?.leader)
  // A choice that is gone (the node died or became the leader) falls back to the first target.
  const node = targets.some((b) => b.id === target) ? target : (targets[0]?.id ?? '')
  const off = busy || !props.enabled
  return (
    <div className="cluster-move">
      <div className="fault-row">
        <label>
          move
          <select
            value={partition}
            onChange={(e) => setPartition(Number(e.target.value))}
            disabled={off || props.partitions.length === 0}
            data-testid="cluster-move-partition"
          >
            {props.partitions.map((p) => (
              <option key={p.id} value={p.id}>
                p{p.id} (on {shortId(p.leader)})
              </option>
            ))}
          </select>
        </label>
        <label>
          to
          <select
            value={node}
            onChange={(e) => setTarget(e.target.value)}
            disabled={off || targets.length === 0}
            data-testid="cluster-move-target"
          >
            {targets.map((b) => (
              <option key={b.id} value={b.id}>
                {shortId(b.id)} :{b.port}
              </option>
            ))}
          </select>
        </label>
        <button
          className="btn"
          disabled={off || node === '' || !current}
          onClick={() =>
            void run({
              type: ClusterCommandType.Fault,
              fault: { kind: 'move-partition', partition, node }
            })
          }
          data-testid="cluster-move"
          title="Migrate the partition's slot; its stream moves with it"
        >
          Move partition
        </button>
        <button
          className="btn"
          disabled={off || props.faultsOff !== null}
          onClick={() =>
            void run({ type: ClusterCommandType.Fault, fault: { kind: 'add-broker' } })
          }
          data-testid="cluster-add-broker"
          title={props.faultsOff ?? 'Start one more broker, an empty primary'}
        >
          Add broker
        </button>
      </div>
      {error ? (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
