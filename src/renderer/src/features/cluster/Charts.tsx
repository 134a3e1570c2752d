import type { ReactNode } from 'react'
import type { ClusterSeriesPoint } from '@shared/contract/labs/cluster'
import { TimeChart } from '../../components/TimeChart'

/** Produce and consume rates, one point a second, the seconds with a dead or paused broker shaded. */
export function Charts(props: { series: ClusterSeriesPoint[] }): ReactNode {
  const { series } = props
  return (
    <div className="charts cluster-charts" data-testid="cluster-charts">
      <TimeChart
        label="Rates"
        unit="msg/s"
        faults={series.map((p) => p.fault)}
        lines={[
          { name: 'produce', className: 'line-a', values: series.map((p) => p.producePerSec) },
          { name: 'consume', className: 'line-b', values: series.map((p) => p.consumePerSec) }
        ]}
      />
    </div>
  )
}
