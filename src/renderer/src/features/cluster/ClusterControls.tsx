import { useState, type ReactNode } from 'react'
import {
  CLUSTER_PRIMARIES_MAX,
  CLUSTER_REPLICAS_MAX,
  ClusterCommandType,
  type ClusterInfo
} from '@shared/contract/labs/cluster'
import { NumberField } from '../../components/fields'
import { useCommand } from '../../lib/use-command'
import { ConfirmButton } from '../../components/ConfirmButton'

/** The contract's defaults (ClusterUpSchema): three primaries with one replica each. */
const PRIMARIES_DEFAULT = 3
const REPLICAS_DEFAULT = 1

/**
 * Bring the cluster up (a managed one of P primaries × R replicas, or an existing one by URL) or
 * down. Stopping asks first: a managed cluster's nodes and their data go with it.
 */
export function ClusterControls(props: { info: ClusterInfo }): ReactNode {
  const { info } = props
  const { run, busy, error } = useCommand()
  const [primaries, setPrimaries] = useState(PRIMARIES_DEFAULT)
  const [replicas, setReplicas] = useState(REPLICAS_DEFAULT)
  const [url, setUrl] = useState('')
  const target = url.trim()
  const down = info.status === 'down' || info.status === 'failed'
  if (down) {
    return (
      <form
        className="cluster-controls"
        onSubmit={(e) => {
          e.preventDefault()
          void run(
            target === ''
              ? { type: ClusterCommandType.Up, primaries, replicas }
              : { type: ClusterCommandType.Up, url: target }
          )
        }}
      >
        <NumberField
          label="Primaries"
          value={primaries}
          onChange={setPrimaries}
          min={1}
          max={CLUSTER_PRIMARIES_MAX}
          testId="cluster-primaries"
          hint="Brokers that lead partitions (each owns a share of the 16384 slots)"
        />
        <NumberField
          label="Replicas each"
          value={replicas}
          onChange={setReplicas}
          max={CLUSTER_REPLICAS_MAX}
          testId="cluster-replicas"
          hint="Followers per primary; one takes over when its primary dies"
        />
        <label className="field cluster-url" title="Leave empty for a managed cluster">
          <span>Existing cluster URL (optional)</span>
          <input
            value={url}
            placeholder="redis://:password@127.0.0.1:7000"
            onChange={(e) => setUrl(e.target.value)}
            data-testid="cluster-url"
          />
        </label>
        <button className="btn btn-primary" type="submit" disabled={busy} data-testid="cluster-up">
          {busy ? 'Starting…' : target === '' ? 'Start cluster' : 'Connect'}
        </button>
        {error ? (
          <span className="inline-error small" role="alert">
            {error}
          </span>
        ) : null}
      </form>
    )
  }
  const label = info.managed === false ? 'Disconnect' : 'Stop cluster'
  return (
    <div className="cluster-controls">
      {info.status === 'up' ? (
        <ConfirmButton
          label={label}
          question={
            info.managed === false
              ? 'Disconnect from this cluster?'
              : `Stop all ${info.brokers.length} nodes? Their data goes with them.`
          }
          disabled={busy}
          onConfirm={() => void run({ type: ClusterCommandType.Down })}
          testId="cluster-down"
        />
      ) : (
        <button className="btn" type="button" disabled data-testid="cluster-down">
          {info.status === 'starting' ? 'Starting…' : 'Stopping…'}
        </button>
      )}
      {info.faultsOff ? (
        <span className="muted small" data-testid="cluster-faults-off">
          {info.faultsOff}
        </span>
      ) : null}
      {error ? (
        <span className="inline-error small" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  )
}
