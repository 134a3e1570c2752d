import type { ReactNode } from 'react'
import type { CacheSeriesPoint } from '@shared/contract/labs/cache'

const W = 320
const H = 70

interface Line {
  values: (number | null)[]
  className: string
  name: string
}

/** Runs of non-null points as polyline strings: a gap (no reads that second) breaks the line. */
function segments(values: (number | null)[], max: number, step: number): string[] {
  const out: string[] = []
  let current: string[] = []
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) out.push(current.join(' '))
      current = []
      return
    }
    current.push(`${(i * step).toFixed(1)},${(H - (v / max) * (H - 6) - 3).toFixed(1)}`)
  })
  if (current.length > 0) out.push(current.join(' '))
  return out
}

function format(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '—'
  return `${value < 10 && unit !== '%' ? value.toFixed(1) : Math.round(value)} ${unit}`
}

/** One small chart of a few series over the run's seconds; seconds with a fault are shaded. */
function Chart(props: {
  label: string
  unit: string
  lines: Line[]
  faults: boolean[]
  fixedMax?: number
}): ReactNode {
  const all = props.lines.flatMap((l) => l.values).filter((v): v is number => v !== null)
  const max = props.fixedMax ?? Math.max(1, ...all)
  const n = props.faults.length
  const step = n > 1 ? W / (n - 1) : W
  const band = n > 1 ? step : W
  return (
    <figure className="chart">
      <figcaption>
        {props.label}{' '}
        {props.lines.map((l) => (
          <span key={l.name} className="chart-value">
            <span className={`swatch ${l.className}`} /> {l.name}{' '}
            <strong>{format(l.values[l.values.length - 1], props.unit)}</strong>
          </span>
        ))}
        <span className="muted small"> max {format(max, props.unit)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={props.label}>
        {props.faults.map((f, i) =>
          f ? (
            <rect
              key={i}
              className="fault-band"
              x={Math.max(0, i * step - band / 2)}
              y={0}
              width={band}
              height={H}
            />
          ) : null
        )}
        {props.lines.flatMap((l) =>
          segments(l.values, max, step).map((points, i) => (
            <polyline key={`${l.name}-${i}`} className={l.className} points={points} fill="none" />
          ))
        )}
      </svg>
    </figure>
  )
}

/** Hit ratio, read and write latency and throughput, one point a second, fault periods shaded. */
export function Charts(props: { series: CacheSeriesPoint[] }): ReactNode {
  const { series } = props
  const faults = series.map((p) => p.fault)
  return (
    <div className="charts cache-charts" data-testid="cache-charts">
      <Chart
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
      <Chart
        label="Read latency"
        unit="ms"
        faults={faults}
        lines={[
          { name: 'p50', className: 'line-b', values: series.map((p) => p.readP50Ms) },
          { name: 'p99', className: 'line-c', values: series.map((p) => p.readP99Ms) }
        ]}
      />
      <Chart
        label="Write latency"
        unit="ms"
        faults={faults}
        lines={[{ name: 'p99', className: 'line-c', values: series.map((p) => p.writeP99Ms) }]}
      />
      <Chart
        label="Throughput"
        unit="op/s"
        faults={faults}
        lines={[{ name: 'ops', className: 'line-a', values: series.map((p) => p.opsPerSec) }]}
      />
    </div>
  )
}
