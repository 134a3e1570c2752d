import type { ReactNode } from 'react'
import type { CacheInfo } from '@shared/contract/labs/cache'

function ms(value: number | null): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`
}

/** The run's counters, hit ratio and latency percentiles, as the checker and clients counted. */
export function Counters(props: { info: CacheInfo }): ReactNode {
  const { counts, hitRatio, latency } = props.info
  const cells: [string, string | number, string?][] = [
    ['reads', counts.reads],
    ['writes', counts.writes],
    ['hits', counts.hits],
    ['misses', counts.misses],
    ['hit ratio', hitRatio === null ? '—' : `${Math.round(hitRatio * 100)}%`],
    ['db reads', counts.dbReads],
    ['db writes', counts.dbWrites],
    ['failed reads', counts.failedReads, counts.failedReads > 0 ? 'warn' : undefined],
    ['failed writes', counts.failedWrites, counts.failedWrites > 0 ? 'warn' : undefined],
    ['stale reads', counts.staleReads, counts.staleReads > 0 ? 'bad' : undefined],
    ['lost writes', counts.lostWrites, counts.lostWrites > 0 ? 'bad' : undefined],
    ['read p50 / p99', `${ms(latency.readP50Ms)} / ${ms(latency.readP99Ms)}`],
    ['write p50 / p99', `${ms(latency.writeP50Ms)} / ${ms(latency.writeP99Ms)}`]
  ]
  return (
    <div className="cache-counters" data-testid="cache-counters">
      {cells.map(([label, value, tone]) => (
        <div key={label} className={`stat${tone ? ` stat-${tone}` : ''}`} data-counter={label}>
          <span className="stat-value">{value}</span>
          <span className="stat-label">{label}</span>
        </div>
      ))}
    </div>
  )
}
