import { useState, type ReactNode } from 'react'
import { ChannelsCommandType, type FilterTarget } from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'

/** Most constraint → value rows of a mapping filter in the form. */
const MAPPING_ROWS_MAX = 8

interface Row {
  constraint: string
  value: string
}

/** The set_priority_filter / set_lifetime_filter command the form describes (exported for tests). */
export function mappingCommand(
  target: FilterTarget,
  kind: 'priority' | 'lifetime',
  defaultValue: string,
  rows: Row[]
): {
  type: typeof ChannelsCommandType.SetMappingFilter
  target: FilterTarget
  kind: 'priority' | 'lifetime'
  defaultValue: number
  constraints: { constraint: { event_types: never[]; constraint_expr: string }; value: number }[]
} {
  return {
    type: ChannelsCommandType.SetMappingFilter,
    target,
    kind,
    defaultValue: Number(defaultValue) || 0,
    constraints: rows
      .filter((r) => r.constraint.trim() !== '')
      .map((r) => ({
        constraint: { event_types: [], constraint_expr: r.constraint.trim() },
        value: Number(r.value) || 0
      }))
  }
}

/**
 * A consumer admin's or consumer proxy's priority_filter / lifetime_filter (§4.3): constraints
 * with the value each sets for that consumer only, and the default when none matches.
 */
export function MappingFilterForm(props: {
  targets: { label: string; target: FilterTarget }[]
}): ReactNode {
  const { run, busy, error } = useCommand()
  const targets = props.targets.filter((t) => t.target.side === 'consumer')
  const [targetIndex, setTargetIndex] = useState(0)
  const [kind, setKind] = useState<'priority' | 'lifetime'>('priority')
  const [defaultValue, setDefaultValue] = useState('0')
  const [rows, setRows] = useState<Row[]>([{ constraint: '$severity >= 4', value: '100' }])
  const target = targets[targetIndex] ?? targets[0]
  const setRow = (i: number, patch: Partial<Row>): void =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  return (
    <div className="mapping-filter" data-testid="mapping-filter">
      <div className="toolbar">
        <strong className="small">Mapping filter</strong>
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as 'priority' | 'lifetime')}
          aria-label="Mapping filter kind"
          data-testid="mapping-kind"
        >
          <option value="priority">priority_filter (sets Priority)</option>
          <option value="lifetime">lifetime_filter (sets Timeout, TimeT)</option>
        </select>
        <select
          value={targetIndex}
          onChange={(e) => setTargetIndex(Number(e.target.value))}
          aria-label="Mapping filter target"
          data-testid="mapping-target"
        >
          {targets.map((t, i) => (
            <option key={t.label} value={i}>
              {t.label}
            </option>
          ))}
        </select>
        <label className="small">
          default value{' '}
          <input
            type="number"
            className="narrow"
            value={defaultValue}
            onChange={(e) => setDefaultValue(e.target.value)}
            data-testid="mapping-default"
          />
        </label>
      </div>
      {rows.map((r, i) => (
        <div className="toolbar" key={i}>
          <input
            className="mono field-grow"
            value={r.constraint}
            onChange={(e) => setRow(i, { constraint: e.target.value })}
            spellCheck={false}
            aria-label={`mapping constraint ${i + 1}`}
            data-testid={`mapping-constraint-${i}`}
          />
          <span className="muted">→</span>
          <input
            type="number"
            className="narrow-wide"
            value={r.value}
            onChange={(e) => setRow(i, { value: e.target.value })}
            aria-label={`mapping value ${i + 1}`}
            data-testid={`mapping-value-${i}`}
          />
          <button
            className="btn btn-small"
            onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
            aria-label={`remove mapping ${i + 1}`}
          >
            ×
          </button>
        </div>
      ))}
      <div className="toolbar">
        <button
          className="btn btn-small"
          disabled={rows.length >= MAPPING_ROWS_MAX}
          onClick={() => setRows((rs) => [...rs, { constraint: '', value: '0' }])}
        >
          + constraint
        </button>
        <button
          className="btn btn-primary"
          disabled={busy || !target}
          onClick={() =>
            target && void run(mappingCommand(target.target, kind, defaultValue, rows))
          }
          data-testid="mapping-set"
        >
          Set mapping filter
        </button>
        <button
          className="btn"
          disabled={busy || !target}
          onClick={() =>
            target &&
            void run({
              type: ChannelsCommandType.SetMappingFilter,
              target: target.target,
              kind,
              constraints: null
            })
          }
          data-testid="mapping-clear"
        >
          Clear mapping filter
        </button>
        {error ? <span className="inline-error small">{error}</span> : null}
      </div>
    </div>
  )
}
