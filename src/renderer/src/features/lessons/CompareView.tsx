import { useEffect, useState, type ReactNode } from 'react'
import {
  ScenarioCommandType,
  type RunExport,
  type Scenario,
  type ScenarioInfo,
  type ScenarioResult
} from '@shared/contract/scenario'
import { useCommand } from '../../lib/use-command'
import { useTransport } from '../../transport-context'
import { LAB_FEATURES } from '../registry'
import { useLessons, useScenarioInfo } from './use-lessons'
import './lessons.css'

const DEFAULT_A = 'dispatch/naive-crash'
const DEFAULT_B = 'dispatch/atomic-crash'

function Column(props: {
  scenario: Scenario | undefined
  result: ScenarioResult | undefined
  running: boolean
  side: 'a' | 'b'
  /** Rows shown in both columns (so they line up): causes, then counts. */
  causes: string[]
  counts: string[]
  /** The run's recording (from its export), for the lab's diagram; null while there is none. */
  recording: unknown
}): ReactNode {
  const { scenario, result } = props
  const Replay = LAB_FEATURES.find((f) => f.id === scenario?.lab)?.Replay
  return (
    <section
      className="panel"
      data-testid={`compare-${props.side}`}
      data-verdict={result?.outcome.verdict ?? (props.running ? 'running' : 'none')}
    >
      <h2>{scenario?.title ?? '—'}</h2>
      <p className="muted small mono">{scenario?.id}</p>
      {result ? (
        <>
          <div
            className={`verdict verdict-${result.outcome.verdict === 'held' ? 'ok' : 'bad'}`}
            data-testid={`compare-${props.side}-verdict`}
          >
            <div className="verdict-head">
              <strong>
                {result.outcome.verdict === 'held' ? 'Held' : 'Violated'}:{' '}
                {result.outcome.guarantee}
              </strong>
              <span className="muted">
                expected {scenario?.expect.verdict} · {result.passed ? 'matched' : 'differs'}
              </span>
            </div>
          </div>
          <table className="lesson-table">
            <tbody>
              {props.causes.map((c) => (
                <tr key={c} data-cause={c}>
                  <th scope="row">cause {c}</th>
                  <td>{result.outcome.causes[c] ?? 0}</td>
                </tr>
              ))}
              {props.counts.map((c) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  <td>{result.outcome.counts[c] ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {Replay && props.recording !== null ? (
            <div className="compare-diagram" data-testid={`compare-${props.side}-diagram`}>
              <Replay recording={props.recording} />
            </div>
          ) : null}
        </>
      ) : (
        <p className="muted">{props.running ? 'Running…' : 'Not run yet.'}</p>
      )}
    </section>
  )
}

/**
 * Once a compare is done, each run's recording (what its export keeps for the lab's diagram),
 * fetched once per finished compare; [null, null] until then.
 */
function useRecordings(compare: ScenarioInfo | undefined): unknown[] {
  const transport = useTransport()
  const [got, setGot] = useState<{ key: string; list: unknown[] } | null>(null)
  const key =
    compare?.status === 'done' && compare.results.length === 2
      ? compare.results.map((r) => `${r.id}:${r.durationMs}`).join('|')
      : null
  useEffect(() => {
    if (key === null) return
    let live = true
    void Promise.all(
      [0, 1].map((index) =>
        transport
          .call<RunExport>({ type: ScenarioCommandType.Export, index })
          .then((e) => e.recording ?? null)
          .catch(() => null)
      )
    ).then((list) => {
      if (live) setGot({ key, list })
    })
    return () => {
      live = false
    }
  }, [key, transport])
  return got !== null && got.key === key ? got.list : [null, null]
}

/** Two lessons run one after the other on the real labs, side by side. */
export function CompareView(): ReactNode {
  const { list, error } = useLessons()
  const info = useScenarioInfo()
  const { run, busy, error: runError } = useCommand()
  const [a, setA] = useState(DEFAULT_A)
  const [b, setB] = useState(DEFAULT_B)
  const recordings = useRecordings(info?.mode === 'compare' ? info : undefined)
  if (error) return <section className="panel callout callout-bad">{error}</section>
  if (!list) return <section className="panel">Loading the lessons…</section>
  const compare = info?.mode === 'compare' ? info : undefined
  const ids = compare ? compare.ids : [a, b]
  const find = (id: string | undefined): Scenario | undefined =>
    list.scenarios.find((s) => s.id === id)
  const running = info?.status === 'running'
  const done = compare?.results ?? []
  const causes = [...new Set(done.flatMap((r) => Object.keys(r.outcome.causes)))]
  const counts = [...new Set(done.flatMap((r) => Object.keys(r.outcome.counts)))]
  const picker = (value: string, set: (v: string) => void, side: string): ReactNode => (
    <label className="field">
      <span>{side}</span>
      <select
        value={value}
        onChange={(e) => set(e.target.value)}
        data-testid={`compare-pick-${side}`}
      >
        {list.scenarios.map((s) => (
          <option key={s.id} value={s.id}>
            {s.id}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <div className="lesson" data-testid="compare">
      <section className="panel">
        <header className="panel-head">
          <h1>Compare</h1>
          {compare ? (
            <span className="pill pill-idle" data-testid="compare-status">
              {compare.status}
            </span>
          ) : null}
        </header>
        <p className="muted">
          Two lessons run one after the other on the real labs, e.g. the same faults and seed under
          two modes.
        </p>
        <div className="compare-pickers">
          {picker(a, setA, 'A')}
          {picker(b, setB, 'B')}
          <button
            className="btn btn-primary"
            type="button"
            disabled={busy || running}
            onClick={() => void run({ type: ScenarioCommandType.Compare, a, b })}
            data-testid="compare-run"
          >
            Run both
          </button>
          {runError ? <span className="inline-error small">{runError}</span> : null}
          {compare?.error ? <span className="inline-error small">{compare.error}</span> : null}
        </div>
      </section>
      <div className="compare-columns">
        <Column
          side="a"
          scenario={find(ids[0])}
          result={compare?.results[0]}
          running={running && compare?.current === ids[0]}
          causes={causes}
          counts={counts}
          recording={recordings[0] ?? null}
        />
        <Column
          side="b"
          scenario={find(ids[1])}
          result={compare?.results[1]}
          running={running && compare?.current === ids[1]}
          causes={causes}
          counts={counts}
          recording={recordings[1] ?? null}
        />
      </div>
    </div>
  )
}
