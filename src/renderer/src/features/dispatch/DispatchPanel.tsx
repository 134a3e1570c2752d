import type { ReactNode } from 'react'
import { useLabInfo } from '../../lib/use-lab-info'
import { useConsole } from '../../store'
import { Charts } from './Charts'
import { Collections } from './Collections'
import { DedupTable } from './DedupTable'
import { EpochTable } from './EpochTable'
import { FaultPanel } from './FaultPanel'
import { FlowDiagram } from './FlowDiagram'
import { NoWorkerAlive } from './NoWorkerAlive'
import { SettingsForm } from './SettingsForm'
import { Topology } from './Topology'
import { VerdictBanner } from './VerdictBanner'
import { WorkersTable } from './WorkersTable'

const ACTIVE = new Set(['starting', 'running', 'settling'])

/** The Dispatch lab: settings, topology, the seed's collections, workers, faults, tables, verdict. */
export function DispatchPanel(): ReactNode {
  const info = useLabInfo('dispatch')
  const now = useConsole((s) => s.snapshot?.at ?? 0)
  if (!info) return <section className="panel">Waiting for the engine…</section>
  const active = ACTIVE.has(info.status)
  const { progress } = info
  const pct = progress.messages > 0 ? Math.round((progress.settled / progress.messages) * 100) : 0
  return (
    <div className="dispatch" data-testid="dispatch-panel" data-status={info.status}>
      <section className="panel">
        <header className="panel-head">
          <h1>Dispatch</h1>
          <span
            className={`pill pill-${active ? 'warn' : info.status === 'error' ? 'bad' : 'idle'}`}
            data-testid="dispatch-status"
          >
            {info.status}
          </span>
          {info.status !== 'idle' ? (
            <div className="progress" title={`${progress.settled} of ${progress.messages} settled`}>
              <div className="progress-bar" style={{ width: `${pct}%` }} />
              <span>
                {progress.settled}/{progress.messages} settled · {progress.inFlight} in flight ·{' '}
                {progress.givenUp} given up
              </span>
            </div>
          ) : null}
        </header>
        <p className="muted small">
          Lab id <code>{info.labId ?? '—'}</code> · endpoint <code>{info.endpoint ?? '—'}</code> ·
          Redis <code>{info.redisUrl ?? '—'}</code>
          {info.curveServerKey ? (
            <>
              {' '}
              · CURVE server key <code data-testid="dispatch-curve-key">{info.curveServerKey}</code>
            </>
          ) : null}{' '}
          — an external worker (docs/PROTOCOL.md) can join with these.
        </p>
        {active ? (
          <NoWorkerAlive workers={info.workers} unsettled={progress.messages - progress.settled} />
        ) : null}
        <SettingsForm running={active} hasRun={info.status !== 'idle'} />
      </section>
      <VerdictBanner info={info} />
      {info.status !== 'idle' ? (
        <>
          <div className="live-row">
            <section className="panel flow-panel">
              <FlowDiagram info={info} />
            </section>
            <section className="panel faults-panel">
              <h2>Faults</h2>
              <FaultPanel info={info} active={active} />
            </section>
          </div>
          <section className="panel">
            <Topology info={info} />
            <Charts series={info.series} />
          </section>
          <section className="panel">
            <h2>Collections</h2>
            <Collections info={info} now={now} />
          </section>
          <section className="panel">
            <h2>Workers</h2>
            <WorkersTable workers={info.workers} active={active} />
          </section>
          <div className="two-col">
            <section className="panel">
              <h2>Per epoch</h2>
              <EpochTable epochs={info.epochs} selected={info.flow.selected?.epoch ?? null} />
            </section>
            <section className="panel">
              <h2>Dedup table</h2>
              <DedupTable dedup={info.dedup} labId={info.labId} />
            </section>
          </div>
        </>
      ) : null}
    </div>
  )
}
