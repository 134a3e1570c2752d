import { useEffect, useState, type ReactNode } from 'react'
import { EngineError } from '@shared/contract'
import {
  ChannelsCommandType,
  type ChannelsEvaluateResult,
  type FilterTarget
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import { useTransport } from '../../transport-context'
import { SAMPLE_EVENTS } from './events'

/** Evaluate at most this often while typing. */
const EVALUATE_DEBOUNCE_MS = 150

/**
 * The filter editor: evaluates the constraint against sample events as you type (through the
 * engine, with the real ETCL), marks the column of a syntax or type error, and attaches the filter
 * to the chosen admin or proxy.
 */
export function FilterEditor(props: {
  targets: { label: string; target: FilterTarget }[]
  initialTarget?: number
}): ReactNode {
  const transport = useTransport()
  const { run, busy, error } = useCommand()
  const [constraint, setConstraint] = useState('$priority > 3')
  const [targetIndex, setTargetIndex] = useState(props.initialTarget ?? 0)
  const [result, setResult] = useState<ChannelsEvaluateResult | null>(null)
  const [evalError, setEvalError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    const timer = setTimeout(() => {
      transport
        .call<ChannelsEvaluateResult>({
          type: ChannelsCommandType.Evaluate,
          constraint,
          events: SAMPLE_EVENTS
        })
        .then((r) => {
          if (cancelled) return
          setResult(r)
          setEvalError(null)
        })
        .catch((err: unknown) => {
          if (!cancelled) setEvalError(err instanceof EngineError ? err.message : String(err))
        })
    }, EVALUATE_DEBOUNCE_MS)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [constraint, transport])

  const target = props.targets[targetIndex]
  const syntax = result && !result.ok ? result.error : null
  return (
    <div className="filter-editor" data-testid="filter-editor">
      <div className="toolbar">
        <label className="field field-grow">
          <span>Constraint (Extended TCL)</span>
          <input
            className={`mono${syntax ? ' invalid' : ''}`}
            value={constraint}
            onChange={(e) => setConstraint(e.target.value)}
            spellCheck={false}
            data-testid="filter-constraint"
            aria-invalid={syntax ? true : undefined}
          />
        </label>
        <label className="field">
          <span>Attach to</span>
          <select
            value={targetIndex}
            onChange={(e) => setTargetIndex(Number(e.target.value))}
            data-testid="filter-target"
          >
            {props.targets.map((t, i) => (
              <option key={t.label} value={i}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <button
          className="btn btn-primary"
          disabled={busy || !target || syntax !== null}
          onClick={() =>
            target &&
            void run({
              type: ChannelsCommandType.AddFilter,
              target: target.target,
              constraints: [{ event_types: [], constraint_expr: constraint }]
            })
          }
          data-testid="filter-attach"
        >
          Attach filter
        </button>
      </div>
      {syntax ? (
        <div
          className="syntax-error"
          role="alert"
          data-testid="filter-error"
          data-column={syntax.column}
        >
          <pre className="mono">
            {constraint}
            {'\n'}
            <span className="caret">{' '.repeat(Math.max(0, syntax.column - 1))}^</span>
          </pre>
          <span>
            {syntax.kind === 'syntax' ? 'Syntax error' : 'Type error'} at column {syntax.column}:{' '}
            {syntax.message}
          </span>
        </div>
      ) : null}
      {evalError ? <p className="inline-error small">{evalError}</p> : null}
      {error ? <p className="inline-error small">{error}</p> : null}
      <table className="table compact samples" data-testid="filter-samples">
        <thead>
          <tr>
            <th>sample</th>
            <th>type</th>
            <th>Priority</th>
            <th>severity</th>
            <th>region</th>
            <th>matches?</th>
          </tr>
        </thead>
        <tbody>
          {SAMPLE_EVENTS.map((e, i) => {
            const r = result?.ok ? result.results[i] : undefined
            return (
              <tr
                key={e.header.fixed_header.event_name}
                data-match={r ? String(r.matched) : 'unknown'}
              >
                <td>{e.header.fixed_header.event_name}</td>
                <td>
                  {e.header.fixed_header.event_type.domain_name}/
                  {e.header.fixed_header.event_type.type_name}
                </td>
                <td>{String(e.header.variable_header[0]?.value)}</td>
                <td>{String(e.filterable_data[0]?.value)}</td>
                <td>{String(e.filterable_data[1]?.value)}</td>
                <td className={r?.matched ? 'match-yes' : 'match-no'}>
                  {r
                    ? r.matched
                      ? 'true'
                      : r.failure
                        ? `false (${r.failure.message})`
                        : 'false'
                    : '—'}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
