import { useState, type ReactNode } from 'react'
import { EngineError } from '@shared/contract'
import { parseRunExport, ScenarioCommandType, type RunExport } from '@shared/contract/scenario'
import { useConsole } from '../../store'
import { useTransport } from '../../transport-context'
import { LAB_FEATURES } from '../registry'
import { Markdown } from './Markdown'
import { Outcome } from './Outcome'

/** "Export run": the finished run `index` as one JSON file, downloaded. */
export function ExportButton(props: { index: number; id: string }): ReactNode {
  const transport = useTransport()
  const [error, setError] = useState<string | null>(null)
  const save = async (): Promise<void> => {
    try {
      const value = await transport.call<RunExport>({
        type: ScenarioCommandType.Export,
        index: props.index
      })
      const blob = new Blob([JSON.stringify(value)], { type: 'application/json' })
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = `${props.id.replace('/', '-')}.flowlab-run.json`
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (err) {
      const message = err instanceof EngineError ? err.message : String(err)
      setError(message)
      useConsole.getState().toast('error', message)
    }
  }
  return (
    <>
      <button className="btn" type="button" onClick={() => void save()} data-testid="lesson-export">
        Export run
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </>
  )
}

/** "Open an exported run…": a file picker; the file is checked before anything is shown. */
export function OpenExport(props: { onOpen: (run: RunExport) => void }): ReactNode {
  const [error, setError] = useState<string | null>(null)
  const pick = async (file: File | undefined): Promise<void> => {
    if (!file) return
    const checked = parseRunExport(await file.text())
    if (checked.ok) {
      setError(null)
      props.onOpen(checked.value)
    } else setError(`${file.name}: ${checked.message}`)
  }
  return (
    <div className="lesson-open">
      <label className="btn btn-small">
        Open an exported run…
        <input
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => void pick(e.target.files?.[0])}
          data-testid="replay-file"
        />
      </label>
      {error ? (
        <p className="callout callout-bad small" data-testid="replay-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** An exported run, read-only: what ran, how it was graded, why, and the lab's diagram. */
export function ReplayView(props: { run: RunExport; onClose: () => void }): ReactNode {
  const { scenario, result, recording, exportedAt } = props.run
  const Replay = LAB_FEATURES.find((f) => f.id === scenario.lab)?.Replay
  return (
    <div className="lesson" data-testid="replay" data-id={scenario.id}>
      <section className="panel">
        <header className="panel-head">
          <h1>{scenario.title}</h1>
          <span className="pill pill-idle">read-only</span>
          <span className="muted small">exported {new Date(exportedAt).toLocaleString()}</span>
          <span className="spacer" />
          <button className="btn" type="button" onClick={props.onClose}>
            Close
          </button>
        </header>
        <p className="muted small mono" data-testid="replay-settings">
          {JSON.stringify(result.settings)}
        </p>
        <ol className="small mono">
          {result.applied.map((a, i) => (
            <li key={i}>
              {a.where} at {a.atMs} ms{a.progress ? ` (${a.progress.acked} acked)` : ''}: {a.type}{' '}
              {a.ok ? '✓' : `✗ ${a.error ?? ''}`}
            </li>
          ))}
        </ol>
        <Outcome scenario={scenario} result={result} />
        <h2>Why</h2>
        <Markdown text={scenario.explanation} />
      </section>
      {Replay && recording !== null ? (
        <section className="panel">
          <Replay recording={recording} />
        </section>
      ) : (
        <p className="muted">This lab keeps no diagram in its exports.</p>
      )}
    </div>
  )
}
