import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { CommandType } from '@shared/contract'
import { formatTime } from '../../lib/format'
import { useCommand } from '../../lib/use-command'
import { useConsole } from '../../store'

const ROW_HEIGHT_PX = 28

/** Recent trace events, newest at the bottom, virtualized so thousands of rows stay cheap. */
export function TracePanel(): ReactNode {
  const trace = useConsole((s) => s.trace)
  const dropped = useConsole((s) => s.traceDropped)
  const clearLocal = useConsole((s) => s.clearTrace)
  const { run } = useCommand()
  const [filter, setFilter] = useState('')
  const [follow, setFollow] = useState(true)
  const scroller = useRef<HTMLDivElement>(null)
  const needle = filter.trim().toLowerCase()
  const rows = needle
    ? trace.filter((e) => `${e.source} ${e.type} ${e.message}`.toLowerCase().includes(needle))
    : trace
  // The virtualizer's functions change every render by design; this component is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 12
  })
  useEffect(() => {
    if (follow && rows.length > 0) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' })
  }, [follow, rows.length, virtualizer])

  return (
    <section className="panel panel-fill" data-testid="trace-panel">
      <header className="panel-head">
        <h1>Trace</h1>
        <span className="muted">
          {rows.length} shown{dropped > 0 ? ` · ${dropped} older or skipped events not kept` : ''}
        </span>
        <div className="spacer" />
        <input
          className="search"
          placeholder="Filter events"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter events"
        />
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow
        </label>
        <button
          className="btn"
          onClick={() =>
            void run({ type: CommandType.TraceClear }).then((ok) => ok && clearLocal())
          }
        >
          Clear
        </button>
      </header>
      <div className="trace" ref={scroller} data-testid="trace-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const e = rows[item.index]
            if (!e) return null
            return (
              <div
                key={e.id}
                className={`trace-row level-${e.level}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT_PX }}
                data-source={e.source}
                data-type={e.type}
              >
                <span className="t-time">{formatTime(e.at)}</span>
                <span className="t-source">{e.source}</span>
                <span className="t-type">{e.type}</span>
                <span className="t-msg">{e.message}</span>
              </div>
            )
          })}
        </div>
        {rows.length === 0 ? <p className="empty">No events yet.</p> : null}
      </div>
    </section>
  )
}
