import { useState, type ReactNode } from 'react'
import {
  DispatchCommandType,
  type DispatchFaultAction,
  type DispatchInfo,
  type LinkDirection,
  type LinkDirectionInfo
} from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'

function DirectionFaults(props: {
  direction: LinkDirection
  title: string
  info: LinkDirectionInfo
  active: boolean
}): ReactNode {
  const { run, busy, error } = useCommand()
  const [dropP, setDropP] = useState(0.2)
  const [next, setNext] = useState(5)
  const [delay, setDelay] = useState(100)
  const [dupP, setDupP] = useState(0.1)
  const fault = (f: DispatchFaultAction): void =>
    void run({ type: DispatchCommandType.Fault, fault: f })
  const { rule, counters } = props.info
  const dir = props.direction
  const off = busy || !props.active
  return (
    <div className="fault-group" data-testid={`faults-${dir}`}>
      <h3>{props.title}</h3>
      <div className="fault-row">
        <button
          className={`btn${rule.cut ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() => fault({ kind: rule.cut ? 'heal' : 'cut', direction: dir })}
          data-testid={`cut-${dir}`}
        >
          {rule.cut ? 'Heal' : 'Cut (partition)'}
        </button>
        <span className="counter">{counters.droppedCut} lost to cuts</span>
      </div>
      <div className="fault-row">
        <label>
          Drop p
          <input
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={dropP}
            onChange={(e) => setDropP(Number(e.target.value))}
            className="narrow"
          />
        </label>
        <button
          className={`btn${rule.dropP > 0 ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() => fault({ kind: 'rule', direction: dir, dropP: rule.dropP > 0 ? 0 : dropP })}
          data-testid={`drop-${dir}`}
        >
          {rule.dropP > 0 ? `Dropping ${Math.round(rule.dropP * 100)}% · stop` : 'Drop'}
        </button>
        <span className="counter">{counters.dropped} dropped</span>
      </div>
      <div className="fault-row">
        <label>
          Next
          <input
            type="number"
            min={1}
            value={next}
            onChange={(e) => setNext(Number(e.target.value))}
            className="narrow"
          />
        </label>
        <button
          className={`btn${rule.dropNext > 0 ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() => fault({ kind: 'drop-next', direction: dir, count: next })}
          data-testid={`drop-next-${dir}`}
        >
          Drop next {next}
        </button>
        <span className="counter">
          {counters.droppedNext} dropped{rule.dropNext > 0 ? ` · ${rule.dropNext} to go` : ''}
        </span>
      </div>
      <div className="fault-row">
        <label>
          Delay ms
          <input
            type="number"
            min={0}
            value={delay}
            onChange={(e) => setDelay(Number(e.target.value))}
            className="narrow"
          />
        </label>
        <button
          className={`btn${rule.delayMs > 0 ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() =>
            fault({
              kind: 'rule',
              direction: dir,
              delayMs: rule.delayMs > 0 ? 0 : delay,
              jitterMs: rule.delayMs > 0 ? 0 : Math.round(delay / 4)
            })
          }
        >
          {rule.delayMs > 0 ? `Delaying ${rule.delayMs}±${rule.jitterMs} · stop` : 'Delay'}
        </button>
        <span className="counter">{counters.delayed} delayed</span>
      </div>
      <div className="fault-row">
        <label>
          Dup p
          <input
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={dupP}
            onChange={(e) => setDupP(Number(e.target.value))}
            className="narrow"
          />
        </label>
        <button
          className={`btn${rule.duplicateP > 0 ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() =>
            fault({ kind: 'rule', direction: dir, duplicateP: rule.duplicateP > 0 ? 0 : dupP })
          }
        >
          {rule.duplicateP > 0
            ? `Duplicating ${Math.round(rule.duplicateP * 100)}% · stop`
            : 'Duplicate'}
        </button>
        <span className="counter">{counters.duplicated} duplicated</span>
      </div>
      {error ? <p className="inline-error small">{error}</p> : null}
    </div>
  )
}

/** Every fault as a button with its live counter; a fault in force shows as pressed. */
export function FaultPanel(props: { info: DispatchInfo; active: boolean }): ReactNode {
  const { run, busy, error } = useCommand()
  const fault = (f: DispatchFaultAction): void =>
    void run({ type: DispatchCommandType.Fault, fault: f })
  const { dispatcher, redis } = props.info
  const off = busy || !props.active
  return (
    <div className="faults">
      <DirectionFaults
        direction="to-worker"
        title="Link → workers (requests)"
        info={props.info.link.toWorker}
        active={props.active}
      />
      <DirectionFaults
        direction="to-dispatcher"
        title="Link → dispatcher (acks)"
        info={props.info.link.toDispatcher}
        active={props.active}
      />
      <div className="fault-group">
        <h3>Dispatcher and Redis</h3>
        <div className="fault-row">
          {dispatcher.state === 'crashed' ? (
            <button
              className="btn btn-on"
              disabled={off}
              onClick={() => fault({ kind: 'dispatcher-restart' })}
            >
              Restart dispatcher
            </button>
          ) : (
            <button
              className="btn btn-danger"
              disabled={off}
              onClick={() => fault({ kind: 'dispatcher-crash' })}
              data-testid="dispatcher-crash"
            >
              Crash dispatcher
            </button>
          )}
          <span className="counter">
            {dispatcher.crashes} crashes ·{' '}
            {dispatcher.durable ? 'durable sent_msgs' : 'sent_msgs in memory'}
          </span>
        </div>
        <div className="fault-row">
          <button
            className="btn btn-danger"
            disabled={off}
            onClick={() => fault({ kind: 'redis-kill' })}
          >
            Kill Redis
          </button>
          <button className="btn" disabled={off} onClick={() => fault({ kind: 'redis-restart' })}>
            Restart Redis
          </button>
          <span className="counter">
            {redis.restarts} restarts · AOF{' '}
            {redis.persistence === null ? '?' : redis.persistence ? 'on' : 'off'}
          </span>
        </div>
        <div className="fault-row">
          <button
            className="btn"
            disabled={off}
            onClick={() => fault({ kind: 'clear', direction: 'both' })}
          >
            Clear link faults
          </button>
        </div>
        {error ? <p className="inline-error small">{error}</p> : null}
      </div>
    </div>
  )
}
