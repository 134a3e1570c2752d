import type { ReactNode } from 'react'
import type { CacheStatus } from '@shared/contract/labs/cache'
import { useLabInfo } from '../../lib/use-lab-info'
import { Charts } from './Charts'
import { Counters } from './Counters'
import { EntriesTable } from './EntriesTable'
import { FaultButtons } from './FaultButtons'
import { QueueStats } from './QueueStats'
import { RunProgress } from './RunProgress'
import { SettingsForm } from './SettingsForm'
import { Verdict } from './Verdict'

const ACTIVE = new Set<CacheStatus>(['starting', 'running', 'flushing'])
const TONE: Record<CacheStatus, string> = {
  idle: 'idle',
  starting: 'warn',
  running: 'warn',
  flushing: 'warn',
  done: 'ok',
  stopped: 'idle',
  failed: 'bad'
}

/**
 * The Cache lab: compact settings on top, then the verdict, the cache beside the database, the
 * fault buttons, the queue and counters and the charts, laid out to fit one screen while it runs.
 */
export function CachePanel(): ReactNode {
  const info = useLabInfo('cache')
  if (!info) {
    return (
      <section className="panel" data-testid="lab-cache">
        Waiting for the engine…
      </section>
    )
  }
  const active = ACTIVE.has(info.status)
  const strategy = info.settings?.strategy
  const canFlush = strategy === 'write-back' || strategy === 'write-behind'
  return (
    <div className="cache" data-testid="lab-cache" data-status={info.status}>
      <section className="panel">
        <header className="panel-head">
          <h1>Cache</h1>
          <span className={`pill pill-${TONE[info.status]}`} data-testid="cache-status">
            {info.status}
          </span>
          <RunProgress info={info} />
        </header>
        {info.status !== 'idle' ? (
          <p className="muted small">
            Keys <code>flowlab:{info.labId ?? '<lab>'}:cache:&lt;key&gt;</code> · database{' '}
            <code>{info.dbPath ?? '—'}</code>
          </p>
        ) : null}
        {info.lastError ? (
          <p className="inline-error" data-testid="cache-error">
            {info.lastError}
          </p>
        ) : null}
        <SettingsForm running={active} canFlush={canFlush} />
      </section>
      <Verdict info={info} />
      {info.status !== 'idle' ? (
        <div className="cache-live">
          <section className="panel">
            <h2>Cache beside database</h2>
            <EntriesTable entries={info.entries} total={info.entriesTotal} dirty={info.dirty} />
          </section>
          <div className="cache-side">
            <section className="panel">
              <h2>Faults</h2>
              <FaultButtons info={info} active={info.status === 'running'} />
            </section>
            <section className="panel">
              <h2>Not yet in the database</h2>
              <QueueStats info={info} />
              <Counters info={info} />
            </section>
            <section className="panel">
              <Charts series={info.series} />
            </section>
          </div>
        </div>
      ) : null}
    </div>
  )
}
