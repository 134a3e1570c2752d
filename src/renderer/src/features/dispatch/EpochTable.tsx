import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef, useState, type ReactNode } from 'react'
import {
  DispatchCommandType,
  FLOW_WINDOW_EPOCHS,
  VIOLATION_CAUSE_TEXT,
  type DispatchInfo
} from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'

const ROW_PX = 26

/**
 * A page of the per-epoch table (the engine sends at most DISPATCH_INFO_LIST_MAX rows), virtualized;
 * paging and "violations only" ask the engine for another page.
 */
export function EpochTable(props: {
  epochs: DispatchInfo['epochs']
  selected: number | null
}): ReactNode {
  const { epochs } = props
  const { run } = useCommand()
  const [jump, setJump] = useState('')
  const select = (epoch: number): void =>
    void run({
      type: DispatchCommandType.Flow,
      selected: props.selected === epoch ? null : epoch,
      // Pause on a window that holds it, or the live window may have moved past it.
      until: props.selected === epoch ? null : epoch + FLOW_WINDOW_EPOCHS / 2
    })
  const scroller = useRef<HTMLDivElement>(null)
  // The virtualizer's functions change every render by design; this component is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: epochs.items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 10
  })
  const page = (epochFrom: number, violationsOnly = epochs.violationsOnly): void =>
    void run({ type: DispatchCommandType.Page, epochFrom: Math.max(1, epochFrom), violationsOnly })
  const size = Math.max(1, epochs.items.length)
  return (
    <div className="epochs" data-testid="epoch-table">
      <div className="toolbar">
        <button
          className="btn btn-small"
          onClick={() => page(epochs.from - size)}
          disabled={epochs.from <= 1}
        >
          ◀
        </button>
        <span className="muted small">
          {epochs.items.length > 0
            ? `epochs ${epochs.items[0]?.epoch}–${epochs.items[epochs.items.length - 1]?.epoch} of ${epochs.total}`
            : `no epochs${epochs.violationsOnly ? ' with violations' : ''}`}
        </span>
        <button
          className="btn btn-small"
          onClick={() => page((epochs.items[epochs.items.length - 1]?.epoch ?? 0) + 1)}
        >
          ▶
        </button>
        <label className="check small">
          <input
            type="checkbox"
            checked={epochs.violationsOnly}
            onChange={(e) => page(1, e.target.checked)}
          />
          violations only
        </label>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            const n = Number(jump)
            if (Number.isInteger(n) && n > 0) page(n)
          }}
        >
          <input
            className="search narrow"
            placeholder="epoch #"
            value={jump}
            onChange={(e) => setJump(e.target.value)}
            aria-label="Go to epoch"
          />
        </form>
      </div>
      <div className="epoch-head">
        <span>epoch</span>
        <span>state</span>
        <span>attempts</span>
        <span>deliveries</span>
        <span>executions</span>
        <span>verdict</span>
      </div>
      <div className="epoch-scroll" ref={scroller}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const e = epochs.items[item.index]
            if (!e) return null
            return (
              <div
                key={e.epoch}
                className={`epoch-row${e.ok ? '' : ' bad'}${props.selected === e.epoch ? ' selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_PX }}
                role="button"
                tabIndex={0}
                title="Show this epoch's story in the message-flow diagram"
                data-epoch-row={e.epoch}
                onClick={() => select(e.epoch)}
                onKeyDown={(k) => {
                  if (k.key === 'Enter') select(e.epoch)
                }}
              >
                <span>#{e.epoch}</span>
                <span>{e.state}</span>
                <span>{e.attempts}</span>
                <span>{e.deliveries}</span>
                <span>{e.executions}</span>
                <EpochVerdictCell verdict={e.verdict} cause={e.cause} />
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

type EpochRow = DispatchInfo['epochs']['items'][number]

/** The verdict column: ok, the violation's cause (its sentence on hover), or why a stop set it apart. */
function EpochVerdictCell(props: Pick<EpochRow, 'verdict' | 'cause'>): ReactNode {
  switch (props.verdict) {
    case 'violation':
      return (
        <span
          className="epoch-cause"
          data-cause={props.cause ?? 'unexplained'}
          title={props.cause ? VIOLATION_CAUSE_TEXT[props.cause] : undefined}
        >
          {props.cause ?? 'violation'}
        </span>
      )
    case 'not-sent':
      return <span className="muted">not sent (run stopped)</span>
    case 'unsettled':
      return <span className="muted">unsettled (run stopped)</span>
    default:
      return <span>ok</span>
  }
}
