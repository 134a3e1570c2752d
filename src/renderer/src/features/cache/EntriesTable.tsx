import { useState, type ReactNode } from 'react'
import type { CacheEntryInfo } from '@shared/contract/labs/cache'

/** A TTL as a countdown in seconds (the snapshot refreshes it about ten times a second). */
function ttlText(ttlMs: number | null): string {
  if (ttlMs === null) return 'no TTL'
  return `${(Math.max(0, ttlMs) / 1000).toFixed(1)} s`
}

function EntryRow(props: { entry: CacheEntryInfo }): ReactNode {
  const { key, cache, db, differs } = props.entry
  return (
    <tr
      data-entry={key}
      data-dirty={cache?.dirty ? 'true' : 'false'}
      data-differs={differs ? 'true' : 'false'}
      className={differs ? 'entry-differs' : undefined}
    >
      <td className="mono">{key}</td>
      {cache ? (
        <>
          <td className="mono">{cache.value}</td>
          <td>v{cache.version}</td>
          <td className="ttl">{ttlText(cache.ttlMs)}</td>
          <td>{cache.dirty ? <span className="dirty-flag">dirty</span> : null}</td>
        </>
      ) : (
        <td colSpan={4} className="muted">
          not cached
        </td>
      )}
      {db ? (
        <>
          <td className="mono">{db.value}</td>
          <td>v{db.version}</td>
        </>
      ) : (
        <td colSpan={2} className="muted">
          no row
        </td>
      )}
      <td data-testid={`diff-${key}`}>
        {differs ? <span className="diff-mark">cache ≠ db</span> : <span className="muted">=</span>}
      </td>
    </tr>
  )
}

/**
 * The cache beside the database, key by key (dirty ones first, as the engine sends them): the
 * cached value with its version, TTL and dirty flag, the row, and whether the two disagree.
 */
export function EntriesTable(props: {
  entries: CacheEntryInfo[]
  total: number
  dirty: number
}): ReactNode {
  const [onlyOdd, setOnlyOdd] = useState(false)
  const differing = props.entries.filter((e) => e.differs).length
  const shown = onlyOdd ? props.entries.filter((e) => e.differs || e.cache?.dirty) : props.entries
  return (
    <div className="cache-entries" data-testid="cache-entries">
      <div className="toolbar">
        <span className="counter">
          <strong data-testid="cache-dirty-count">{props.dirty}</strong> dirty ·{' '}
          <strong data-testid="cache-differs-count">{differing}</strong> cache ≠ database ·{' '}
          {props.entries.length < props.total
            ? `first ${props.entries.length} of ${props.total} keys`
            : `${props.total} keys`}
        </span>
        <label className="check small">
          <input type="checkbox" checked={onlyOdd} onChange={(e) => setOnlyOdd(e.target.checked)} />
          only dirty or differing
        </label>
      </div>
      <div className="entries-scroll">
        <table className="table compact">
          <thead>
            <tr>
              <th rowSpan={2}>key</th>
              <th colSpan={4}>cache (Redis)</th>
              <th colSpan={2}>database (SQLite)</th>
              <th rowSpan={2}>diff</th>
            </tr>
            <tr>
              <th>value</th>
              <th>version</th>
              <th>TTL</th>
              <th>dirty</th>
              <th>value</th>
              <th>version</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((entry) => (
              <EntryRow key={entry.key} entry={entry} />
            ))}
          </tbody>
        </table>
        {shown.length === 0 ? (
          <p className="muted small">{onlyOdd ? 'Cache and database agree.' : 'No keys yet.'}</p>
        ) : null}
      </div>
    </div>
  )
}
