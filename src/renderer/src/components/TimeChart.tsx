import type { ReactNode } from 'react'

const W = 320
const H = 70

/** One series of a chart: a value per second, null where there was nothing to measure. */
export interface ChartLine {
  name: string
  /** `line-a` | `line-b` | `line-c` (the stroke colour). */
  className: string
  values: (number | null)[]
}

/** Runs of non-null points as polyline strings: a gap (nothing measured) breaks the line. */
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

/** A value with its unit for people: one decimal below 10, none above; "—" when unknown. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '—'
  const shown = value < 10 && unit !== '%' ? value.toFixed(1) : Math.round(value).toLocaleString()
  return `${shown} ${unit}`
}

/**
 * A small chart of a few series over the run's last seconds (one point a second), with a y axis
 * in the series' unit (0, half, max), a time axis (seconds ago … now), and the seconds in which a
 * fault was applied or standing shaded. The axis labels are HTML beside the SVG, so they stay
 * crisp whatever the chart's width.
 */
export function TimeChart(props: {
  label: string
  unit: string
  lines: ChartLine[]
  faults: boolean[]
  /** Fixed top of the y axis (e.g. 100 for a percentage); else the largest value seen. */
  fixedMax?: number
  testId?: string
}): ReactNode {
  const all = props.lines.flatMap((l) => l.values).filter((v): v is number => v !== null)
  const max = props.fixedMax ?? Math.max(1, ...all)
  const n = Math.max(props.faults.length, ...props.lines.map((l) => l.values.length))
  const step = n > 1 ? W / (n - 1) : W
  const band = n > 1 ? step : W
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>
        {props.label}{' '}
        {props.lines.map((l) => (
          <span key={l.name} className="chart-value">
            <span className={`swatch ${l.className}`} /> {l.name}{' '}
            <strong>{formatValue(l.values[l.values.length - 1], props.unit)}</strong>
          </span>
        ))}
      </figcaption>
      <div className="chart-body">
        <div className="chart-y" aria-hidden="true">
          <span>{formatValue(max, props.unit)}</span>
          <span>{formatValue(max / 2, props.unit)}</span>
          <span>0</span>
        </div>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${props.label}, last ${n} s`}
        >
          <line className="chart-grid" x1={0} x2={W} y1={H / 2} y2={H / 2} />
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
              <polyline
                key={`${l.name}-${i}`}
                className={l.className}
                points={points}
                fill="none"
              />
            ))
          )}
        </svg>
        <div className="chart-x" aria-hidden="true">
          <span>{n > 1 ? `−${n - 1} s` : ''}</span>
          <span>now</span>
        </div>
      </div>
    </figure>
  )
}
