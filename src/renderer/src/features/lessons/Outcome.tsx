import type { ReactNode } from 'react'
import type { CountExpectation, Scenario, ScenarioResult } from '@shared/contract/scenario'

function range(e: CountExpectation): string {
  if (typeof e === 'number') return String(e)
  if (e.min !== undefined && e.max !== undefined) return `${e.min} – ${e.max}`
  if (e.min !== undefined) return `≥ ${e.min}`
  if (e.max !== undefined) return `≤ ${e.max}`
  return 'any'
}

function countOk(value: number | undefined, e: CountExpectation): boolean {
  if (value === undefined) return false
  if (typeof e === 'number') return value === e
  return (e.min === undefined || value >= e.min) && (e.max === undefined || value <= e.max)
}

/**
 * The run's outcome beside the file's expectation: verdict, the expected counts and causes, each
 * row marked as matching or not, then every difference in words.
 */
export function Outcome(props: { scenario: Scenario; result: ScenarioResult }): ReactNode {
  const { scenario, result } = props
  const { expect } = scenario
  const o = result.outcome
  const rows: { name: string; expected: string; got: string; ok: boolean }[] = [
    {
      name: 'verdict',
      expected: expect.verdict,
      got: o.verdict,
      ok: expect.verdict === o.verdict
    }
  ]
  for (const cause of expect.causes ?? []) {
    rows.push({
      name: `cause ${cause}`,
      expected: 'named',
      got: o.causes[cause] ? `named ×${o.causes[cause]}` : 'not named',
      ok: Boolean(o.causes[cause])
    })
  }
  for (const [name, e] of Object.entries(expect.counts ?? {})) {
    rows.push({
      name,
      expected: range(e),
      got: String(o.counts[name] ?? '–'),
      ok: countOk(o.counts[name], e)
    })
  }
  for (const [name, e] of Object.entries(expect.facts ?? {})) {
    rows.push({ name, expected: e, got: o.facts[name] ?? '–', ok: o.facts[name] === e })
  }
  const causes = Object.entries(o.causes)
  return (
    <div
      className={`verdict verdict-${result.passed ? 'ok' : 'bad'}`}
      data-testid="lesson-outcome"
      data-passed={result.passed ? 'true' : 'false'}
      data-verdict={o.verdict}
    >
      <div className="verdict-head">
        <strong data-testid="lesson-outcome-head">
          {result.passed ? 'As expected' : 'The outcome differs from the expected one'}
          {' — '}
          {o.verdict === 'held' ? 'held' : 'violated'}: {o.guarantee}
        </strong>
        <span className="muted">{(result.durationMs / 1_000).toFixed(1)} s</span>
      </div>
      <table className="lesson-table" data-testid="lesson-expect-table">
        <thead>
          <tr>
            <th />
            <th>expected</th>
            <th>this run</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-row={r.name} data-ok={r.ok ? 'true' : 'false'}>
              <th scope="row">{r.name}</th>
              <td data-testid={r.name === 'verdict' ? 'lesson-expected-verdict' : undefined}>
                {r.expected}
              </td>
              <td data-testid={r.name === 'verdict' ? 'lesson-verdict' : undefined}>
                <span className={r.ok ? 'held-mark' : 'broken-mark'}>{r.ok ? '✓' : '✗'}</span>{' '}
                {r.got}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {causes.length > 0 ? (
        <p className="small">
          Causes named:{' '}
          {causes.map(([c, n]) => (
            <code key={c} data-cause={c}>
              {c} ×{n}
            </code>
          ))}
        </p>
      ) : null}
      {result.differences.length > 0 ? (
        <ul className="causes" data-testid="lesson-differences">
          {result.differences.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      ) : null}
      {o.notes.length > 0 ? (
        <ul className="muted small">
          {o.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
