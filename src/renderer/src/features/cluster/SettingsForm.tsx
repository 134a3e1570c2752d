import { useState, type ReactNode } from 'react'
import {
  CLUSTER_PARTITIONS_MAX,
  ClusterCommandType,
  type ClusterSettings
} from '@shared/contract/labs/cluster'
import { Choice, NumberField } from '../../components/fields'
import { useCommand } from '../../lib/use-command'

/** The contract's defaults (ClusterSettingsSchema), so that a plain Start runs what the CLI runs. */
export const CLUSTER_FORM_DEFAULTS: ClusterSettings = {
  partitions: 6,
  messages: 5_000,
  producers: 4,
  inFlight: 8,
  acks: 'all',
  waitTimeoutMs: 1_000,
  partitioner: 'hash',
  keys: 1_000,
  ratePerSec: 0,
  retries: 5,
  minInSync: 1,
  consume: true,
  seed: 1,
  killLeaderAt: 0,
  killPartition: 0,
  followerLagMs: 0,
  pauseBrokerAt: 0,
  pauseMs: 3_000
}

/**
 * Every setting of a run in a compact block: the workload and acks always show, the producer's
 * knobs and the faults at start fold away so that the live view fits one screen. Disabled while
 * a run is live or the cluster is not up.
 */
export function SettingsForm(props: {
  disabled: boolean
  running: boolean
  /** The live run's settings: shown while it runs (a lesson may have started it). */
  live?: ClusterSettings | null
}): ReactNode {
  const [form, setForm] = useState<ClusterSettings>(CLUSTER_FORM_DEFAULTS)
  const start = useCommand()
  const stop = useCommand()
  const set =
    <K extends keyof ClusterSettings>(key: K) =>
    (value: ClusterSettings[K]) =>
      setForm((f) => ({ ...f, [key]: value }))
  const disabled = props.disabled || start.busy
  const error = start.error ?? stop.error
  const shown = props.running && props.live ? props.live : form
  return (
    <form
      className="settings cluster-settings"
      onSubmit={(e) => {
        e.preventDefault()
        void start.run({ type: ClusterCommandType.Start, settings: form })
      }}
    >
      <div className="cluster-settings-main">
        <fieldset disabled={disabled}>
          <legend>Run</legend>
          <NumberField
            label="Partitions"
            value={shown.partitions}
            onChange={set('partitions')}
            min={1}
            max={CLUSTER_PARTITIONS_MAX}
            testId="cluster-partitions"
            hint="Streams of the topic; leaders spread evenly over the primaries"
          />
          <NumberField
            label="Messages"
            value={shown.messages}
            onChange={set('messages')}
            min={1}
            testId="cluster-messages"
          />
          <NumberField
            label="Producers"
            value={shown.producers}
            onChange={set('producers')}
            min={1}
            max={32}
            testId="cluster-producers"
          />
          <Choice
            label="Acks"
            value={shown.acks}
            options={['1', 'all'] as const}
            onChange={set('acks')}
            testId="cluster-acks"
            hint="1: the leader replied; all: the leader replied and every replica has it (WAIT)"
          />
          <Choice
            label="Partitioner"
            value={shown.partitioner}
            options={['hash', 'round-robin'] as const}
            onChange={set('partitioner')}
            testId="cluster-partitioner"
          />
          <NumberField
            label="Rate /s (0 = max)"
            value={shown.ratePerSec}
            onChange={set('ratePerSec')}
            testId="cluster-rate"
          />
          <NumberField
            label="Kill leader at ack"
            value={shown.killLeaderAt}
            onChange={set('killLeaderAt')}
            testId="cluster-kill-leader-at"
            hint="Kill the broker leading the chosen partition after this many acks (0 = never)"
          />
        </fieldset>
        <details className="cluster-more">
          <summary>Producers, consumers and faults at start</summary>
          <fieldset disabled={disabled}>
            <NumberField
              label="In flight each"
              value={shown.inFlight}
              onChange={set('inFlight')}
              min={1}
              max={256}
              testId="cluster-in-flight"
            />
            <NumberField
              label="WAIT timeout ms"
              value={shown.waitTimeoutMs}
              onChange={set('waitTimeoutMs')}
              min={1}
              testId="cluster-wait-timeout-ms"
              hint="acks=all: a WAIT that times out is a failed write, not an acknowledged one"
            />
            <NumberField
              label="Keys"
              value={shown.keys}
              onChange={set('keys')}
              min={1}
              testId="cluster-keys"
            />
            <NumberField
              label="Retries"
              value={shown.retries}
              onChange={set('retries')}
              max={20}
              testId="cluster-retries"
              hint="A retry may duplicate a write that did land"
            />
            <NumberField
              label="Seed"
              value={shown.seed}
              onChange={set('seed')}
              testId="cluster-seed"
            />
            <label className="field check">
              <input
                type="checkbox"
                checked={shown.consume}
                onChange={(e) => set('consume')(e.target.checked)}
                data-testid="cluster-consume"
              />
              <span>Consumer group reads</span>
            </label>
            <NumberField
              label="… kill leader of partition"
              value={shown.killPartition}
              onChange={set('killPartition')}
              max={CLUSTER_PARTITIONS_MAX - 1}
              testId="cluster-kill-partition"
            />
            <NumberField
              label="… its followers lag ms"
              value={shown.followerLagMs}
              onChange={set('followerLagMs')}
              max={5_000}
              testId="cluster-follower-lag-ms"
              hint="Before the kill, pause the leader's replicas this long so they miss its last writes (0 = kill at once)"
            />
            <NumberField
              label="Min in-sync copies"
              value={shown.minInSync}
              onChange={set('minInSync')}
              min={1}
              max={4}
              testId="cluster-min-in-sync"
              hint="acks=all: fewest copies a write needs, leader included (Kafka's min.insync.replicas)"
            />
            <NumberField
              label="Pause leader of p0 at ack"
              value={shown.pauseBrokerAt}
              onChange={set('pauseBrokerAt')}
              testId="cluster-pause-broker-at"
              hint="SIGSTOP the broker leading partition 0 after this many acks (0 = never)"
            />
            <NumberField
              label="… for ms"
              value={shown.pauseMs}
              onChange={set('pauseMs')}
              min={1}
              testId="cluster-pause-ms"
            />
          </fieldset>
        </details>
      </div>
      <div className="cluster-run-actions">
        <button
          className="btn btn-primary"
          type="submit"
          disabled={disabled}
          data-testid="cluster-start"
        >
          {start.busy ? 'Starting…' : 'Start run'}
        </button>
        <button
          className="btn"
          type="button"
          disabled={!props.running || stop.busy}
          onClick={() => void stop.run({ type: ClusterCommandType.Stop })}
          data-testid="cluster-stop"
          title="Stop producing now; the consumers drain and the check still runs"
        >
          Stop run
        </button>
      </div>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}
