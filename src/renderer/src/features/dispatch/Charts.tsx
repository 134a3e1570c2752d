import type { ReactNode } from 'react'
import type { DispatchInfo } from '@shared/contract/labs/dispatch'
import { TimeChart } from '../../components/TimeChart'

/** Throughput and latency, one point per second (the engine caps the series), faults shaded. */
export function Charts(props: { series: DispatchInfo['series'] }): ReactNode {
  const { series } = props
  const faults = series.map((p) => p.fault)
  return (
    <div className="charts" data-testid="dispatch-charts">
      <TimeChart
        label="Throughput"
        unit="msg/s"
        faults={faults}
        lines={[{ name: 'acks', className: 'line-a', values: series.map((p) => p.msgsPerSec) }]}
      />
      <TimeChart
        label="Latency"
        unit="ms"
        faults={faults}
        lines={[
          { name: 'p50', className: 'line-b', values: series.map((p) => p.p50Ms) },
          { name: 'p99', className: 'line-c', values: series.map((p) => p.p99Ms) }
        ]}
      />
    </div>
  )
}
