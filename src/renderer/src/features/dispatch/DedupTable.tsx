import { useState, type ReactNode } from 'react'
import { DispatchCommandType, type DispatchInfo } from '@shared/contract/labs/dispatch'
import { useCommand } from '../../lib/use-command'

/** A live page of the "already executed?" marks `done:<epoch>` with their TTL; search by epoch. */
export function DedupTable(props: {
  dedup: DispatchInfo['dedup']
  labId: string | null
}): ReactNode {
  const { run } = useCommand()
  const [epoch, setEpoch] = useState('')
  return (
    <div className="dedup" data-testid="dedup-table">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault()
          const n = Number(epoch)
          void run({
            type: DispatchCommandType.Page,
            dedupFrom: Number.isInteger(n) && n > 0 ? n : 1
          })
        }}
      >
        <input
          className="search narrow"
          placeholder="epoch #"
          value={epoch}
          onChange={(e) => setEpoch(e.target.value)}
          aria-label="Find mark by epoch"
        />
        <button className="btn btn-small" type="submit">
          Find
        </button>
        <span className="muted small">
          keys <code>flowlab:{props.labId ?? '<lab>'}:done:&lt;epoch&gt;</code>
        </span>
      </form>
      <table className="table compact">
        <thead>
          <tr>
            <th>epoch</th>
            <th>marked by</th>
            <th>TTL</th>
          </tr>
        </thead>
        <tbody>
          {props.dedup.items.slice(0, 60).map((m) => (
            <tr key={m.epoch}>
              <td>#{m.epoch}</td>
              <td>{m.worker}</td>
              <td>{m.ttlMs < 0 ? 'no TTL' : `${Math.round(m.ttlMs / 1000)} s`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.dedup.items.length === 0 ? (
        <p className="muted small">No marks from epoch {props.dedup.from} on.</p>
      ) : null}
    </div>
  )
}
