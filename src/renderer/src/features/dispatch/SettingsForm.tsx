import { useState, type ReactNode } from 'react'
import {
  DISPATCH_MAX_ATTEMPTS_DEFAULT,
  CRASH_POINTS,
  DISPATCH_DEFAULT_ENDPOINT,
  DispatchCommandType,
  SEMANTICS,
  WORKER_MODES,
  type CrashPoint,
  type DispatchSettingsInput,
  type Semantics,
  type WorkerMode
} from '@shared/contract/labs/dispatch'
import { NumberField } from '../../components/fields'
import { useCommand } from '../../lib/use-command'

interface Form {
  semantics: Semantics
  workerMode: WorkerMode
  messages: number
  ratePerSec: number
  workers: number
  workMs: number
  timeoutMs: number
  maxAttempts: number
  window: number
  dropToWorker: number
  dropToDispatcher: number
  duplicateP: number
  delayMs: number
  crashAt: CrashPoint | ''
  crashEvery: number
  redisRestartAtAcks: number
  dispatcherCrashAtAcks: number
  persistence: boolean
  durableDispatcher: boolean
  endpoint: string
  labId: string
}

const INITIAL: Form = {
  semantics: 'exactly-once-naive',
  workerMode: 'lockstep',
  messages: 1_000,
  ratePerSec: 200,
  workers: 3,
  workMs: 5,
  timeoutMs: 500,
  maxAttempts: DISPATCH_MAX_ATTEMPTS_DEFAULT,
  window: 32,
  dropToWorker: 0,
  dropToDispatcher: 0,
  duplicateP: 0,
  delayMs: 0,
  crashAt: '',
  crashEvery: 0,
  redisRestartAtAcks: 0,
  dispatcherCrashAtAcks: 0,
  persistence: true,
  durableDispatcher: false,
  endpoint: DISPATCH_DEFAULT_ENDPOINT,
  labId: ''
}

/** The form's fields as the contract's settings (the engine validates them again). */
export function toSettings(form: Form): DispatchSettingsInput {
  const rule = (dropP: number): { dropP: number; delayMs: number; duplicateP: number } => ({
    dropP,
    delayMs: form.delayMs,
    duplicateP: form.duplicateP
  })
  return {
    semantics: form.semantics,
    workerMode: form.workerMode,
    messages: form.messages,
    ratePerSec: form.ratePerSec,
    workers: form.workers,
    workMs: form.workMs,
    timeoutMs: form.timeoutMs,
    maxAttempts: form.maxAttempts,
    window: form.window,
    toWorker: rule(form.dropToWorker),
    toDispatcher: { ...rule(form.dropToDispatcher), duplicateP: 0 },
    ...(form.crashAt ? { crashAt: form.crashAt, crashEvery: form.crashEvery } : {}),
    ...(form.redisRestartAtAcks > 0 ? { redisRestartAtAcks: form.redisRestartAtAcks } : {}),
    ...(form.dispatcherCrashAtAcks > 0
      ? { dispatcherCrashAtAcks: form.dispatcherCrashAtAcks }
      : {}),
    persistence: form.persistence,
    durableDispatcher: form.durableDispatcher,
    endpoint: form.endpoint,
    ...(form.labId ? { labId: form.labId } : {})
  }
}

/** The form as the student left it: it survives switching tabs (the panel unmounts). */
let remembered: Form = INITIAL

/**
 * Every setting of a run, then Start. Disabled while a run is active, and folded to one line once
 * a run starts (so the live view fits the screen); "Settings" unfolds it.
 */
export function SettingsForm(props: { running: boolean; hasRun: boolean }): ReactNode {
  const [form, setFormState] = useState<Form>(() => remembered)
  const [open, setOpen] = useState<boolean | null>(null)
  const { run, busy, error } = useCommand()
  const setForm = (next: (f: Form) => Form): void =>
    setFormState((f) => {
      remembered = next(f)
      return remembered
    })
  const set =
    <K extends keyof Form>(key: K) =>
    (value: Form[K]) =>
      setForm((f) => ({ ...f, [key]: value }))
  const disabled = props.running || busy
  const folded = open === null ? props.running || props.hasRun : !open
  return (
    <form
      className={`settings${folded ? ' settings-folded' : ''}`}
      data-folded={folded ? 'true' : 'false'}
      onSubmit={(e) => {
        e.preventDefault()
        setOpen(null)
        void run({ type: DispatchCommandType.Start, settings: toSettings(form) })
      }}
    >
      <div className="settings-summary">
        <button
          className="btn btn-link"
          type="button"
          aria-expanded={!folded}
          onClick={() => setOpen(folded)}
          data-testid="dispatch-settings-toggle"
        >
          {folded ? '▸ Settings' : '▾ Settings'}
        </button>
        <span className="muted small">
          {form.semantics} · {form.messages} epochs · {form.workers} workers · work {form.workMs} ms
          · ack timeout {form.timeoutMs} ms
        </span>
      </div>
      <div className="settings-body" hidden={folded}>
        <fieldset disabled={disabled}>
          <legend>Run</legend>
          <label className="field field-wide">
            <span>Semantics</span>
            <select
              value={form.semantics}
              onChange={(e) => set('semantics')(e.target.value as Semantics)}
              data-testid="dispatch-semantics"
            >
              {SEMANTICS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="field" title="pipelined: batches of epochs (protocol v2)">
            <span>Worker mode</span>
            <select
              value={form.workerMode}
              onChange={(e) => set('workerMode')(e.target.value as WorkerMode)}
              data-testid="dispatch-worker-mode"
            >
              {WORKER_MODES.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <NumberField
            label="Messages"
            value={form.messages}
            onChange={set('messages')}
            min={1}
            testId="dispatch-messages"
          />
          <NumberField
            label="Rate /s (0 = max)"
            value={form.ratePerSec}
            onChange={set('ratePerSec')}
            testId="dispatch-rate"
          />
          <NumberField
            label="Workers"
            value={form.workers}
            onChange={set('workers')}
            max={64}
            testId="dispatch-workers"
          />
          <NumberField
            label="Work ms"
            value={form.workMs}
            onChange={set('workMs')}
            testId="dispatch-work-ms"
          />
          <NumberField
            label="Ack timeout ms"
            value={form.timeoutMs}
            onChange={set('timeoutMs')}
            min={5}
            testId="dispatch-timeout"
          />
          <NumberField
            label="Max attempts (0 = ∞)"
            value={form.maxAttempts}
            onChange={set('maxAttempts')}
          />
          <NumberField label="Window" value={form.window} onChange={set('window')} min={1} />
        </fieldset>
        <fieldset disabled={disabled}>
          <legend>Faults at start</legend>
          <NumberField
            label="Drop → worker p"
            value={form.dropToWorker}
            onChange={set('dropToWorker')}
            max={1}
            step={0.05}
          />
          <NumberField
            label="Drop → dispatcher p"
            value={form.dropToDispatcher}
            onChange={set('dropToDispatcher')}
            max={1}
            step={0.05}
          />
          <NumberField
            label="Duplicate p"
            value={form.duplicateP}
            onChange={set('duplicateP')}
            max={1}
            step={0.05}
          />
          <NumberField label="Delay ms" value={form.delayMs} onChange={set('delayMs')} />
          <label className="field">
            <span>Crash at</span>
            <select
              value={form.crashAt}
              onChange={(e) => set('crashAt')(e.target.value as CrashPoint | '')}
            >
              <option value="">never</option>
              {CRASH_POINTS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <NumberField
            label="… every Nth msg"
            value={form.crashEvery}
            onChange={set('crashEvery')}
          />
          <NumberField
            label="Restart Redis after acks"
            value={form.redisRestartAtAcks}
            onChange={set('redisRestartAtAcks')}
          />
          <NumberField
            label="Crash + restart dispatcher after acks"
            value={form.dispatcherCrashAtAcks}
            onChange={set('dispatcherCrashAtAcks')}
          />
          <label className="field check">
            <input
              type="checkbox"
              checked={form.persistence}
              onChange={(e) => set('persistence')(e.target.checked)}
            />
            <span>Redis persistence (AOF)</span>
          </label>
          <label className="field check">
            <input
              type="checkbox"
              checked={form.durableDispatcher}
              onChange={(e) => set('durableDispatcher')(e.target.checked)}
            />
            <span>Durable dispatcher</span>
          </label>
        </fieldset>
        <fieldset disabled={disabled}>
          <legend>Wire</legend>
          <label className="field field-wide">
            <span>Endpoint</span>
            <input
              value={form.endpoint}
              onChange={(e) => set('endpoint')(e.target.value)}
              data-testid="dispatch-endpoint"
            />
          </label>
          <label className="field">
            <span>Lab id (blank = random)</span>
            <input value={form.labId} onChange={(e) => set('labId')(e.target.value)} />
          </label>
        </fieldset>
      </div>
      <div className="actions">
        <button
          className="btn btn-primary"
          type="submit"
          disabled={disabled}
          data-testid="dispatch-start"
        >
          {busy ? 'Starting…' : 'Start run'}
        </button>
        <StopButton running={props.running} />
      </div>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}

function StopButton(props: { running: boolean }): ReactNode {
  const { run, busy } = useCommand()
  return (
    <button
      className="btn"
      type="button"
      disabled={!props.running || busy}
      onClick={() => void run({ type: DispatchCommandType.Stop })}
      data-testid="dispatch-stop"
    >
      Stop
    </button>
  )
}
