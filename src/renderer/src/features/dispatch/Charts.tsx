import type { ReactNode } from 'react'
import type { DispatchInfo } from '@shared/contract/labs/dispatch'

const W = 320
const H = 70

function Sparkline(props: {
  values: number[]
  label: string
  unit: string
  className: string
}): ReactNode {
  const max = Math.max(1, ...props.values)
  const step = props.values.length > 1 ? W / (props.values.length - 1) : W
  const points = props.values
    .map((v, i) => `${(i * step).toFixed(1)},${(H - (v / max) * (H - 6) - 3).toFixed(1)}`)
    .join(' ')
  const last = props.values[props.values.length - 1]
  return (
    <figure className="chart">
      <figcaption>
        {props.label}{' '}
        <strong>
          {last === undefined ? '—' : Math.round(last)} {props.unit}
        </strong>
        <span className="muted small"> max {Math.round(max)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={props.label}>
        <polyline className={props.className} points={points} fill="none" />
      </svg>
    </figure>
  )
}

/** Throughput and latency, one point per second (the engine caps the series). */
export function Charts(props: { series: DispatchInfo['series'] }): ReactNode {
  return (
    <div className="charts">
      <Sparkline
        values={props.series.map((p) => p.msgsPerSec)}
        label="Throughput"
        unit="msg/s"
        className="line-a"
      />
      <Sparkline
        values={props.series.map((p) => p.p50Ms)}
        label="Latency p50"
        unit="ms"
        className="line-b"
      />
      <Sparkline
        values={props.series.map((p) => p.p99Ms)}
        label="Latency p99"
        unit="ms"
        className="line-c"
      />
    </div>
  )
}
