import { useState, type ReactNode } from 'react'
import {
  CRASH_POINTS,
  DispatchCommandType,
  type CrashPoint,
  type DispatchWorkerAction,
  type DispatchWorkerInfo
} from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'

function WorkerRow(props: { w: DispatchWorkerInfo; active: boolean }): ReactNode {
  const { w } = props
  const { run, busy, error } = useCommand()
  const act = (worker: DispatchWorkerAction): void =>
    void run({ type: DispatchCommandType.Worker, worker })
  const alive = w.state !== 'crashed' && w.state !== 'stopped'
  return (
    <tr data-worker-row={w.id} data-state={w.state}>
      <td>
        <strong>{w.id}</strong>
      </td>
      <td>{w.pid ?? '—'}</td>
      <td>
        <span className={`state state-${w.state}`} data-testid={`worker-state-${w.id}`}>
          {w.state}
          {w.state === 'working' && w.epoch !== null ? ` #${w.epoch}` : ''}
        </span>
      </td>
      <td>{w.deliveries}</td>
      <td>{w.executions}</td>
      <td>{w.duplicates}</td>
      <td>{w.crashes}</td>
      <td>{w.workMs} ms</td>
      <td className="row-actions">
        <button
          className="btn btn-small btn-danger"
          disabled={busy || !alive || !props.active}
          onClick={() => act({ action: 'crash', workerId: w.id })}
          data-testid={`crash-${w.id}`}
          title="SIGKILL this worker now"
        >
          Crash
        </button>
        {w.state === 'paused' ? (
          <button
            className="btn btn-small"
            disabled={busy}
            onClick={() => act({ action: 'resume', workerId: w.id })}
          >
            Resume
          </button>
        ) : (
          <button
            className="btn btn-small"
            disabled={busy || !alive || !props.active}
            onClick={() => act({ action: 'pause', workerId: w.id })}
            title="SIGSTOP: the process freezes, messages to it time out"
          >
            Pause
          </button>
        )}
        <button
          className="btn btn-small"
          disabled={busy || !props.active}
          onClick={() => act({ action: 'restart', workerId: w.id })}
          data-testid={`restart-${w.id}`}
        >
          Restart
        </button>
        <button
          className="btn btn-small"
          disabled={busy || !props.active}
          onClick={() => act({ action: 'slow', workerId: w.id, workMs: w.workMs * 2 + 50 })}
          title={`Slow it down: work time ${w.workMs} → ${w.workMs * 2 + 50} ms`}
        >
          Slow
        </button>
        <button
          className="btn btn-small"
          disabled={busy || !props.active}
          onClick={() => act({ action: 'remove', workerId: w.id })}
        >
          Remove
        </button>
        {error ? <span className="inline-error small">{error}</span> : null}
      </td>
    </tr>
  )
}

/** Each worker process with its pid, state and counters, and the buttons that hurt it. */
export function WorkersTable(props: { workers: DispatchWorkerInfo[]; active: boolean }): ReactNode {
  const { run, busy } = useCommand()
  const [point, setPoint] = useState<CrashPoint>('after-work')
  const [every, setEvery] = useState(0)
  return (
    <div>
      <table className="table" data-testid="workers-table">
        <thead>
          <tr>
            <th>Worker</th>
            <th>PID</th>
            <th>State</th>
            <th>Deliveries</th>
            <th>Executions</th>
            <th>Duplicates</th>
            <th>Crashes</th>
            <th>Work</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.workers.map((w) => (
            <WorkerRow key={w.id} w={w} active={props.active} />
          ))}
        </tbody>
      </table>
      <div className="toolbar">
        <button
          className="btn"
          disabled={busy || !props.active}
          onClick={() =>
            void run({ type: DispatchCommandType.Worker, worker: { action: 'add', count: 1 } })
          }
          data-testid="add-worker"
        >
          Add worker
        </button>
        <span className="muted">All workers crash at</span>
        <select
          value={point}
          onChange={(e) => setPoint(e.target.value as CrashPoint)}
          aria-label="Crash point"
        >
          {CRASH_POINTS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <label className="check">
          every
          <input
            type="number"
            min={0}
            value={every}
            onChange={(e) => setEvery(Number(e.target.value))}
            className="narrow"
          />
          th message (0 = once, on the next one; not restarted)
        </label>
        <button
          className="btn"
          disabled={busy || !props.active}
          onClick={() =>
            void run({
              type: DispatchCommandType.Worker,
              worker: { action: 'crash-at', point, every }
            })
          }
          data-testid="crash-at"
        >
          Arm
        </button>
        <button
          className="btn"
          disabled={busy || !props.active}
          onClick={() =>
            void run({
              type: DispatchCommandType.Worker,
              worker: { action: 'crash-at', point: null, every: 0 }
            })
          }
        >
          Disarm
        </button>
      </div>
    </div>
  )
}
