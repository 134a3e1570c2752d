import type { ReactNode } from 'react'
import type { CacheInfo } from '@shared/contract/labs/cache'

/** Operations done of the run's total, and what the lab is doing now. */
export function RunProgress(props: { info: CacheInfo }): ReactNode {
  const { progress, status, settings } = props.info
  if (status === 'idle') return null
  const pct = progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0
  return (
    <div
      className="progress"
      title={`${progress.done} of ${progress.total} operations`}
      data-testid="cache-progress"
    >
      <div className="progress-bar" style={{ width: `${pct}%` }} />
      <span>
        {progress.done}/{progress.total} ops
        {settings ? ` · ${settings.strategy} · ${settings.clients} clients` : ''}
        {status === 'flushing' ? ' · final flush and check…' : ''}
      </span>
    </div>
  )
}
