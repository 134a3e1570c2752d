import { useState, type ReactNode } from 'react'
import { ChannelsCommandType, type LabClientInfo } from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import {
  DATA_TYPES,
  DEFAULT_EVENT_FORM,
  buildEvents,
  type DataField,
  type DataType,
  type EventForm
} from './event-form'
import { RELIABILITY_NAMES, timeTText } from './qos-names'

/** Most filterable-data rows in the editor. */
const DATA_ROWS_MAX = 12

function DataRows(props: {
  rows: DataField[]
  onChange: (rows: DataField[]) => void
  testId: string
}): ReactNode {
  const set = (i: number, patch: Partial<DataField>): void =>
    props.onChange(props.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  return (
    <div className="data-rows" data-testid={props.testId}>
      <span className="muted small">filterable data</span>
      {props.rows.map((r, i) => (
        <div className="data-row" key={i}>
          <input
            value={r.name}
            placeholder="name"
            onChange={(e) => set(i, { name: e.target.value })}
            aria-label={`data ${i + 1} name`}
            data-testid={`${props.testId}-name-${i}`}
          />
          <select
            value={r.type}
            onChange={(e) => {
              const type = e.target.value as DataType
              set(i, { type, value: type === 'boolean' ? 'TRUE' : r.value })
            }}
            aria-label={`data ${i + 1} type`}
            data-testid={`${props.testId}-type-${i}`}
          >
            {DATA_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          {r.type === 'boolean' ? (
            <select
              value={r.value}
              onChange={(e) => set(i, { value: e.target.value })}
              aria-label={`data ${i + 1} value`}
              data-testid={`${props.testId}-value-${i}`}
            >
              <option>TRUE</option>
              <option>FALSE</option>
            </select>
          ) : (
            <input
              type={r.type === 'number' ? 'number' : 'text'}
              value={r.value}
              onChange={(e) => set(i, { value: e.target.value })}
              aria-label={`data ${i + 1} value`}
              data-testid={`${props.testId}-value-${i}`}
            />
          )}
          <button
            className="btn btn-small"
            onClick={() => props.onChange(props.rows.filter((_, j) => j !== i))}
            aria-label={`remove data ${i + 1}`}
          >
            ×
          </button>
        </div>
      ))}
      <button
        className="btn btn-small"
        disabled={props.rows.length >= DATA_ROWS_MAX}
        onClick={() => props.onChange([...props.rows, { name: '', type: 'number', value: '0' }])}
        data-testid={`${props.testId}-add`}
      >
        + field
      </button>
    </div>
  )
}

/**
 * The structured-event editor of a lab supplier: fixed header (domain, type, name), variable
 * header (Priority, Timeout, EventReliability), typed filterable data, the remainder of the body,
 * and how many to push (a sequence supplier pushes them as one batch).
 */
export function EventEditor(props: { client: LabClientInfo }): ReactNode {
  const { run, busy, error } = useCommand()
  const [form, setForm] = useState<EventForm>(DEFAULT_EVENT_FORM)
  const [count, setCount] = useState(1)
  const id = props.client.id
  const built = buildEvents(form, count)
  const invalid = 'error' in built ? built.error : null
  const set = (patch: Partial<EventForm>): void => setForm((f) => ({ ...f, ...patch }))
  const text = (key: 'domain' | 'type' | 'name', label: string): ReactNode => (
    <label className="field">
      <span>{label}</span>
      <input
        value={form[key]}
        onChange={(e) => set({ [key]: e.target.value })}
        data-testid={`push-${key}-${id}`}
      />
    </label>
  )
  return (
    <div className="event-editor" data-testid={`push-form-${id}`}>
      <div className="push-form">
        {text('domain', 'domain_name')}
        {text('type', 'type_name')}
        {text('name', 'event_name')}
        <label className="field">
          <span>Priority</span>
          <input
            type="number"
            value={form.priority}
            placeholder="none"
            onChange={(e) => set({ priority: e.target.value })}
            className="narrow"
            data-testid={`push-priority-${id}`}
          />
        </label>
        <label className="field" title="TimeT: units of 100 ns; 0 = never expires">
          <span>Timeout{form.timeout ? ` (${timeTText(Number(form.timeout) || 0)})` : ''}</span>
          <input
            type="number"
            min={0}
            value={form.timeout}
            placeholder="none"
            onChange={(e) => set({ timeout: e.target.value })}
            data-testid={`push-timeout-${id}`}
          />
        </label>
        <label className="field">
          <span>EventReliability</span>
          <select
            value={form.reliability}
            onChange={(e) => set({ reliability: e.target.value as EventForm['reliability'] })}
            data-testid={`push-reliability-${id}`}
          >
            <option value="">channel's</option>
            {RELIABILITY_NAMES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      </div>
      <DataRows rows={form.data} onChange={(data) => set({ data })} testId={`push-data-${id}`} />
      <div className="push-form">
        <label className="field field-grow">
          <span>remainder_of_body (JSON)</span>
          <input
            value={form.body}
            placeholder="null"
            onChange={(e) => set({ body: e.target.value })}
            data-testid={`push-body-${id}`}
          />
        </label>
        <label className="field">
          <span>{props.client.kind === 'sequence' ? 'events in the batch' : 'count'}</span>
          <input
            type="number"
            min={1}
            value={count}
            onChange={(e) => setCount(Number(e.target.value))}
            className="narrow"
            data-testid={`push-count-${id}`}
          />
        </label>
        <button
          className="btn btn-primary"
          disabled={busy || props.client.state !== 'connected' || invalid !== null}
          onClick={() =>
            !('error' in built) &&
            void run({ type: ChannelsCommandType.Push, clientId: id, events: built })
          }
          data-testid={`push-${id}`}
        >
          {props.client.role === 'pull-supplier' ? 'Offer to the poll' : 'Push'}
        </button>
      </div>
      {invalid ? <p className="inline-error small">{invalid}</p> : null}
      {error ? <p className="inline-error small">{error}</p> : null}
    </div>
  )
}
