import type { ReactNode } from 'react'
import type { CacheInfo } from '@shared/contract/labs/cache'

function ms(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} ms`
}

/**
 * What has not reached the database yet: the write-behind queue (depth, age of its oldest write,
 * how far the flusher lags) or, for write-back, the dirty entries.
 */
export function QueueStats(props: { info: CacheInfo }): ReactNode {
  const { queue, dirty, db, settings } = props.info
  return (
    <dl className="facts cache-queue" data-testid="cache-queue">
      {queue ? (
        <>
          <dt>Queue depth</dt>
          <dd data-testid="cache-queue-depth">{queue.depth}</dd>
          <dt>Oldest queued</dt>
          <dd>{ms(queue.oldestAgeMs)}</dd>
          <dt>Flush lag</dt>
          <dd>{ms(queue.flushLagMs)}</dd>
        </>
      ) : (
        <>
          <dt>Write-behind queue</dt>
          <dd className="muted">
            {settings?.strategy === 'write-behind' ? 'empty' : 'not used by this strategy'}
          </dd>
        </>
      )}
      <dt>Dirty entries</dt>
      <dd>{dirty}</dd>
      <dt>Database</dt>
      <dd className={db.down ? 'bad-text' : db.slowExtraMs > 0 ? 'warn-text' : undefined}>
        {db.down ? 'down' : db.slowExtraMs > 0 ? `slow (+${db.slowExtraMs} ms)` : 'up'}
        {settings ? ` · ${settings.dbLatencyMs} ms per statement` : ''}
      </dd>
    </dl>
  )
}
