import type { ReactNode } from 'react'
import type { CacheSeriesPoint } from '@shared/contract/labs/cache'
import { TimeChart } from '../../components/TimeChart'

/** Hit ratio, read and write latency and throughput, one point a second, fault periods shaded. */
export function Charts(props: { series: CacheSeriesPoint[] }): ReactNode {
  const { series } = props
  const faults = series.map((p) => p.fault)
  return (
    <div className="charts cache-charts" data-testid="cache-charts">
      <TimeChart
        label="Hit ratio"
        unit="%"
        fixedMax={100}
        faults={faults}
        lines={[
          {
            name: 'hits',
            className: 'line-a',
            values: series.map((p) => (p.hitRatio === null ? null : p.hitRatio * 100))
          }
        ]}
      />
      <TimeChart
        label="Read latency"
        unit="ms"
        faults={faults}
        lines={[
          { name: 'p50', className: 'line-b', values: series.map((p) => p.readP50Ms) },
          { name: 'p99', className: 'line-c', values: series.map((p) => p.readP99Ms) }
        ]}
      />
      <TimeChart
        label="Write latency"
        unit="ms"
        faults={faults}
        lines={[{ name: 'p99', className: 'line-c', values: series.map((p) => p.writeP99Ms) }]}
      />
      <TimeChart
        label="Throughput"
        unit="op/s"
        faults={faults}
        lines={[{ name: 'ops', className: 'line-a', values: series.map((p) => p.opsPerSec) }]}
      />
    </div>
  )
}
