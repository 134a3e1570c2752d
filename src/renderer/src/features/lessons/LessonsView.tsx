import { useState, type ReactNode } from 'react'
import { ScenarioCommandType, type RunExport, type Scenario } from '@shared/contract/scenario'
import { useCommand } from '../../lib/use-command'
import { LAB_FEATURES } from '../registry'
import { Markdown } from './Markdown'
import { Outcome } from './Outcome'
import { ExportButton, OpenExport, ReplayView } from './ReplayView'
import { useLessons, useScenarioInfo } from './use-lessons'
import './lessons.css'

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** One lesson: its text, its settings (editable), Run, the lab live, then the outcome. */
function Lesson(props: { scenario: Scenario; onOpen: (id: string) => void }): ReactNode {
  const { scenario } = props
  const info = useScenarioInfo()
  const { run, busy, error } = useCommand()
  const [text, setText] = useState(() => JSON.stringify(scenario.settings, null, 2))
  const [parseError, setParseError] = useState<string | null>(null)
  const mine = info !== undefined && info.mode === 'single' && info.ids[0] === scenario.id
  const running = info?.status === 'running'
  const result = mine ? info.results[0] : undefined
  const changed = mine && info.settings !== null && !sameJson(info.settings, scenario.settings)
  const Panel = LAB_FEATURES.find((f) => f.id === scenario.lab)?.Panel
  const scheduled = scenario.faults.length + (scenario.steps?.length ?? 0)

  const start = (): void => {
    let settings: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the settings must be a JSON object')
      }
      settings = parsed as Record<string, unknown>
    } catch (err) {
      setParseError((err as Error).message)
      return
    }
    setParseError(null)
    void run({
      type: ScenarioCommandType.Run,
      id: scenario.id,
      ...(sameJson(settings, scenario.settings) ? {} : { settings })
    })
  }

  return (
    <div className="lesson" data-testid="lesson" data-id={scenario.id}>
      <section className="panel">
        <header className="panel-head">
          <h1 data-testid="lesson-title">{scenario.title}</h1>
          <span className="pill pill-idle">{scenario.lab}</span>
          {mine ? (
            <span
              className={`pill pill-${info.status === 'running' ? 'warn' : info.status === 'error' ? 'bad' : 'idle'}`}
              data-testid="lesson-status"
            >
              {info.status}
            </span>
          ) : null}
        </header>
        <Markdown text={scenario.lesson} testId="lesson-text" />
        <details className="lesson-settings">
          <summary>
            Settings{scenario.seed !== undefined ? ` (seed ${scenario.seed})` : ''}
            {scheduled > 0
              ? ` and ${scheduled} scheduled command${scheduled === 1 ? '' : 's'}`
              : ''}
          </summary>
          <p className="muted small">
            Change a setting and run again: the outcome is compared with the same expectation.
          </p>
          <textarea
            className="mono lesson-settings-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={Math.min(16, text.split('\n').length + 1)}
            spellCheck={false}
            data-testid="lesson-settings"
            aria-label="Settings (JSON)"
          />
          <ol className="small mono">
            {scenario.faults.map((f, i) => (
              <li key={`f${i}`}>
                at {JSON.stringify(f.at)}: {JSON.stringify(f.command)}
                {f.note ? ` — ${f.note}` : ''}
              </li>
            ))}
            {(scenario.steps ?? []).map((s, i) => (
              <li key={`s${i}`}>
                {'do' in s ? JSON.stringify(s.do) : `wait ${JSON.stringify(s.wait)}`}
                {s.note ? ` — ${s.note}` : ''}
              </li>
            ))}
          </ol>
        </details>
        <div className="actions">
          <button
            className="btn btn-primary"
            type="button"
            disabled={busy || running}
            onClick={start}
            data-testid="lesson-run"
          >
            {result ? 'Run again' : 'Run'}
          </button>
          {running && mine ? (
            <button
              className="btn"
              type="button"
              onClick={() => void run({ type: ScenarioCommandType.Stop })}
              data-testid="lesson-stop"
            >
              Stop
            </button>
          ) : null}
          {parseError ? <span className="inline-error small">{parseError}</span> : null}
          {error ? <span className="inline-error small">{error}</span> : null}
          {mine && info.error ? <span className="inline-error small">{info.error}</span> : null}
        </div>
        {mine && running ? (
          <p className="muted small" data-testid="lesson-applied">
            Running on the real {scenario.lab} lab · {info.applied.length} scheduled command(s)
            applied
          </p>
        ) : null}
      </section>
      {result ? (
        <section className="panel lesson-result" data-testid="lesson-result">
          {changed ? (
            <p className="callout small" data-testid="lesson-changed">
              You changed the settings: this run is graded against the lesson&apos;s expectation.
            </p>
          ) : null}
          <Outcome scenario={scenario} result={result} />
          <h2>Why</h2>
          <Markdown text={scenario.explanation} testId="lesson-explanation" />
          <div className="actions">
            <ExportButton index={0} id={scenario.id} />
            {scenario.next ? (
              <button
                className="btn"
                type="button"
                onClick={() => props.onOpen(scenario.next ?? '')}
                data-testid="lesson-next"
              >
                Try next: {scenario.next}
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
      {mine && Panel ? (
        <div className="lesson-lab" data-testid="lesson-lab">
          <Panel />
        </div>
      ) : null}
    </div>
  )
}

/** The Lessons view: the packs by lab, and the open lesson. */
export function LessonsView(): ReactNode {
  const { list, error } = useLessons()
  const info = useScenarioInfo()
  const [open, setOpen] = useState<string | null>(null)
  const [replay, setReplay] = useState<RunExport | null>(null)
  if (error) return <section className="panel callout callout-bad">{error}</section>
  if (!list) return <section className="panel">Loading the lessons…</section>
  // The labs in nav order, each lab's lessons in file order (the packs number their files).
  const order = (lab: string): number => {
    const i = LAB_FEATURES.findIndex((f) => f.id === lab)
    return i < 0 ? LAB_FEATURES.length : i
  }
  const labs = [...new Set(list.scenarios.map((s) => s.lab))].sort((a, b) => order(a) - order(b))
  const current = open ?? (info?.mode === 'single' ? info.ids[0] : undefined) ?? null
  const scenario = list.scenarios.find((s) => s.id === current)
  return (
    <div className="lessons" data-testid="lessons">
      <nav className="panel lessons-list" aria-label="Lessons">
        <h1>Lessons</h1>
        {labs.map((lab) => (
          <div key={lab}>
            <h2>{LAB_FEATURES.find((f) => f.id === lab)?.title ?? lab}</h2>
            <ul>
              {list.scenarios
                .filter((s) => s.lab === lab)
                .map((s) => (
                  <li key={s.id}>
                    <button
                      type="button"
                      className={`lesson-link${s.id === current ? ' active' : ''}`}
                      onClick={() => {
                        setReplay(null)
                        setOpen(s.id)
                      }}
                      data-testid={`lesson-open-${s.id}`}
                    >
                      {s.title}
                    </button>
                  </li>
                ))}
            </ul>
          </div>
        ))}
        <OpenExport onOpen={setReplay} />
        {list.invalid.length > 0 ? (
          <div className="callout callout-bad small" data-testid="lessons-invalid">
            {list.invalid.map((f) => (
              <div key={f.file}>
                {f.file}: {f.path}: {f.message}
              </div>
            ))}
          </div>
        ) : null}
      </nav>
      {replay ? (
        <ReplayView run={replay} onClose={() => setReplay(null)} />
      ) : scenario ? (
        <Lesson key={scenario.id} scenario={scenario} onOpen={setOpen} />
      ) : (
        <section className="panel lesson-empty">
          <p className="lead">
            Each lesson sets up a lab, injects faults on a schedule and says what the outcome must
            be. Pick one: read the question, run it on the real lab, then compare the verdict with
            the expectation.
          </p>
        </section>
      )}
    </div>
  )
}
