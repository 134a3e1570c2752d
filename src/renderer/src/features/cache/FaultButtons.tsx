import { useState, type ReactNode } from 'react'
import {
  CacheCommandType,
  type CacheFaultAction,
  type CacheInfo
} from '@shared/contract/labs/cache'
import { useCommand } from '../../lib/use-command'

function NumberInput(props: {
  label: string
  value: number
  onChange(v: number): void
  max?: number
  step?: number
}): ReactNode {
  return (
    <label>
      {props.label}
      <input
        type="number"
        min={0}
        max={props.max}
        step={props.step ?? 1}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
        className="narrow"
      />
    </label>
  )
}

/**
 * Every fault of the lab as a button with its live counter from `CacheInfo.faults`; a fault in
 * force (database slow or down, the second writer) shows as pressed.
 */
export function FaultButtons(props: { info: CacheInfo; active: boolean }): ReactNode {
  const { run, busy, error } = useCommand()
  const [slowMs, setSlowMs] = useState(2_000)
  const [slowExtraMs, setSlowExtraMs] = useState(50)
  const [downMs, setDownMs] = useState(1_000)
  const [key, setKey] = useState('')
  const [writerP, setWriterP] = useState(0.05)
  const fault = (f: CacheFaultAction): void => void run({ type: CacheCommandType.Fault, fault: f })
  const { faults, db, secondWriterP, counts } = props.info
  const off = busy || !props.active
  const target = key.trim()
  const one = target === '' ? {} : { key: target }
  return (
    <div className="cache-faults" data-testid="cache-faults">
      <div className="fault-row">
        <button
          className="btn btn-danger"
          disabled={off}
          onClick={() => fault({ kind: 'crash-cache' })}
          data-testid="cache-crash"
          title="SIGKILL redis-server, then start it again: what AOF kept survives"
        >
          Crash cache
        </button>
        <span className="counter" data-testid="count-cache-crashes">
          {faults.cacheCrashes} crashes
        </span>
        <button
          className="btn"
          disabled={off}
          onClick={() => fault({ kind: 'crash-flusher' })}
          data-testid="cache-crash-flusher"
          title="Write-back / write-behind: the flusher dies holding what it took"
        >
          Crash flusher
        </button>
        <span className="counter">{faults.flusherCrashes} crashes</span>
      </div>
      <div className="fault-row">
        <NumberInput label="ms" value={slowMs} onChange={setSlowMs} />
        <NumberInput label="+ms" value={slowExtraMs} onChange={setSlowExtraMs} />
        <button
          className={`btn${db.slowExtraMs > 0 ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() => fault({ kind: 'db-slow', ms: slowMs, extraMs: slowExtraMs })}
          data-testid="cache-db-slow"
        >
          {db.slowExtraMs > 0 ? `DB slow (+${db.slowExtraMs} ms)` : 'DB slow'}
        </button>
        <span className="counter">{faults.dbSlowPeriods} periods</span>
      </div>
      <div className="fault-row">
        <NumberInput label="ms" value={downMs} onChange={setDownMs} />
        <button
          className={`btn btn-danger${db.down ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() => fault({ kind: 'db-down', ms: downMs })}
          data-testid="cache-db-down"
        >
          {db.down ? 'DB down now' : 'DB down'}
        </button>
        <span className="counter">{faults.dbDownPeriods} periods</span>
      </div>
      <div className="fault-row">
        <label>
          key
          <input
            className="narrow"
            placeholder="all"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-label="Key to evict or expire (blank = all)"
          />
        </label>
        <button
          className="btn"
          disabled={off}
          onClick={() => fault({ kind: 'evict', ...one })}
          data-testid="cache-evict"
          title="Write-back flushes a dirty entry before evicting it"
        >
          {target === '' ? 'Evict all' : `Evict ${target}`}
        </button>
        <span className="counter">{faults.evictions} evicted</span>
        <button
          className="btn"
          disabled={off}
          onClick={() => fault({ kind: 'expire', ...one })}
          data-testid="cache-expire"
          title="As the TTL would: nothing is flushed"
        >
          {target === '' ? 'Expire all' : `Expire ${target}`}
        </button>
        <span className="counter">{faults.expirations} expired</span>
      </div>
      <div className="fault-row">
        <NumberInput label="p" value={writerP} onChange={setWriterP} max={1} step={0.01} />
        <button
          className={`btn${secondWriterP > 0 ? ' btn-on' : ''}`}
          disabled={off}
          onClick={() => fault({ kind: 'second-writer', p: secondWriterP > 0 ? 0 : writerP })}
          data-testid="cache-second-writer"
          title="Updates the database directly, bypassing the cache"
        >
          {secondWriterP > 0
            ? `Second writer ${Math.round(secondWriterP * 100)}% · off`
            : 'Second writer on'}
        </button>
        <span className="counter">{counts.secondWrites} direct writes</span>
      </div>
      {error ? <p className="inline-error small">{error}</p> : null}
    </div>
  )
}
