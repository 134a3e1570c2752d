import type { ReactNode } from 'react'
import type { ClusterRunStatus, ClusterStatus } from '@shared/contract/labs/cluster'
import { useLabInfo } from '../../lib/use-lab-info'
import { BrokersTable } from './BrokersTable'
import { Charts } from './Charts'
import { ClusterControls } from './ClusterControls'
import { MoveControls } from './MoveControls'
import { PartitionsTable } from './PartitionsTable'
import { Counts, Failovers, RunProgress } from './RunStats'
import { SettingsForm } from './SettingsForm'
import { Timeline } from './Timeline'
import { Verdict } from './Verdict'
import './cluster.css'

const TONE: Record<ClusterStatus, string> = {
  down: 'idle',
  starting: 'warn',
  up: 'ok',
  stopping: 'warn',
  failed: 'bad'
}
const LIVE = new Set<ClusterRunStatus>(['running', 'checking'])

/**
 * The Cluster lab: the cluster's controls and the run's settings on top, the verdict, then the
 * brokers beside the partitions, and the election timeline beside the rates and counters, laid
 * out to fit one screen while a run goes.
 */
export function ClusterPanel(): ReactNode {
  const info = useLabInfo('cluster')
  if (!info) {
    return (
      <section className="panel" data-testid="lab-cluster">
        Waiting for the engine…
      </section>
    )
  }
  const { run } = info
  const up = info.status === 'up'
  const live = run !== null && LIVE.has(run.status)
  return (
    <div
      className="cluster"
      data-testid="lab-cluster"
      data-status={info.status}
      data-run={run?.status ?? 'idle'}
    >
      <section className="panel">
        <header className="panel-head">
          <h1>Cluster</h1>
          <span className={`pill pill-${TONE[info.status]}`} data-testid="cluster-status">
            {info.status}
          </span>
          {info.endpoint ? (
            <span className="small">
              <code data-testid="cluster-endpoint">{info.endpoint}</code>{' '}
              <span className="muted" data-testid="cluster-kind">
                {info.managed === null ? '' : info.managed ? 'managed' : 'existing'}
              </span>
              {info.state ? (
                <span
                  className={info.state === 'ok' ? 'muted' : 'bad-text'}
                  data-testid="cluster-state"
                >
                  {' '}
                  · cluster_state {info.state}
                </span>
              ) : null}
            </span>
          ) : null}
          {run ? <RunProgress run={run} /> : null}
        </header>
        {info.lastError ? (
          <p className="inline-error" data-testid="cluster-error">
            {info.lastError}
          </p>
        ) : null}
        <div className="cluster-top">
          <ClusterControls info={info} />
          <SettingsForm disabled={!up || live} running={live} live={info.run?.settings ?? null} />
        </div>
      </section>
      {info.status === 'down' ? (
        <p className="muted small cluster-intro">
          Each primary is a Kafka broker leading the partitions whose hash slots it owns; its
          replicas are the followers. Start a cluster, start a run, then kill a partition's leader
          and watch a follower take over — and whether acknowledged messages survive it with acks=1
          and with acks=all.
        </p>
      ) : null}
      {run ? <Verdict run={run} /> : null}
      {info.brokers.length > 0 ? (
        <div className="cluster-tables">
          <section className="panel">
            <div className="cluster-section-head">
              <h2>Brokers</h2>
              <span className="muted small">
                {info.brokers.filter((b) => b.role === 'primary' && b.state !== 'dead').length} live
                primaries · {info.brokers.filter((b) => b.state === 'alive').length}/
                {info.brokers.length} alive
              </span>
            </div>
            <BrokersTable brokers={info.brokers} faultsOff={info.faultsOff} enabled={up} />
            <MoveControls
              brokers={info.brokers}
              partitions={info.partitions}
              faultsOff={info.faultsOff}
              enabled={up}
            />
          </section>
          <section className="panel">
            <PartitionsTable partitions={info.partitions} faultsOff={info.faultsOff} enabled={up} />
          </section>
        </div>
      ) : null}
      {info.status !== 'down' ? (
        <div className="cluster-bottom">
          <section className="panel">
            <h2>Elections</h2>
            <Timeline events={info.timeline} />
          </section>
          {run ? (
            <section className="panel">
              <Charts series={run.series} />
            </section>
          ) : null}
          {run ? (
            <section className="panel">
              <Counts run={run} />
              <Failovers run={run} />
            </section>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
