import type { ReactNode } from 'react'
import type { RedisReadKeyResult, RedisValuePreview } from '@shared/contract'
import { formatDuration } from '../../lib/format'

/** A TTL for people: `no TTL`, `850 ms`, `12.5 s`, `3m 20s`. */
export function ttlText(ttlMs: number | null): string {
  if (ttlMs === null) return 'no TTL'
  if (ttlMs < 1_000) return `${ttlMs} ms`
  if (ttlMs < 60_000) return `${(ttlMs / 1_000).toFixed(1)} s`
  return formatDuration(ttlMs)
}

/** A size with the unit of its type: bytes of a string, items of a list, fields of a hash… */
export function sizeText(type: string, size: number | null): string {
  if (size === null) return '—'
  const unit: Record<string, string> = {
    string: 'B',
    list: 'items',
    hash: 'fields',
    set: 'members',
    zset: 'members',
    stream: 'entries'
  }
  return `${size.toLocaleString('en-US')} ${unit[type] ?? ''}`.trim()
}

/** A string value, pretty-printed when it is whole and parses as a JSON object or array. */
function prettyString(value: string, truncated: boolean): string {
  if (truncated || !/^\s*[[{]/.test(value)) return value
  try {
    return JSON.stringify(JSON.parse(value), null, 2)
  } catch {
    return value
  }
}

function Items(props: { preview: RedisValuePreview }): ReactNode {
  const { preview } = props
  switch (preview.type) {
    case 'string':
      return <pre className="key-value-text">{prettyString(preview.value, preview.truncated)}</pre>
    case 'list':
    case 'set': {
      const items = preview.type === 'list' ? preview.items : preview.members
      return (
        <table className="table compact">
          <tbody>
            {items.map((item, i) => (
              <tr key={i}>
                <td className="muted">{preview.type === 'list' ? i : '·'}</td>
                <td className="mono">{item}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )
    }
    case 'hash':
    case 'zset': {
      const rows =
        preview.type === 'hash'
          ? preview.fields.map((f) => [f.field, f.value])
          : preview.members.map((m) => [m.member, m.score])
      return (
        <table className="table compact">
          <thead>
            <tr>
              <th>{preview.type === 'hash' ? 'field' : 'member'}</th>
              <th>{preview.type === 'hash' ? 'value' : 'score'}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([a, b], i) => (
              <tr key={i}>
                <td className="mono">{a}</td>
                <td className="mono">{b}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )
    }
    case 'stream':
      return (
        <table className="table compact">
          <thead>
            <tr>
              <th>id (newest first)</th>
              <th>fields</th>
            </tr>
          </thead>
          <tbody>
            {preview.entries.map((entry) => (
              <tr key={entry.id}>
                <td className="mono">{entry.id}</td>
                <td className="mono">
                  {entry.fields.map((f) => `${f.field}=${f.value}`).join('  ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )
    case 'other':
      return <p className="muted">A module's type: Flowlab shows no preview of it.</p>
  }
}

/** How many items the preview holds; null for a string or a module type. */
function shownCount(preview: RedisValuePreview): number | null {
  switch (preview.type) {
    case 'list':
      return preview.items.length
    case 'hash':
      return preview.fields.length
    case 'set':
    case 'zset':
      return preview.members.length
    case 'stream':
      return preview.entries.length
    default:
      return null
  }
}

/** The truncated marker's words: how much of the whole is shown. */
function shownText(read: Extract<RedisReadKeyResult, { exists: true }>): string {
  const shown = shownCount(read.preview)
  if (shown === null) return `truncated: the first bytes of ${sizeText(read.type, read.size)}`
  return `truncated: ${shown} of ${sizeText(read.type, read.size)} shown (long items are cut)`
}

/** One key's value preview, as `redis:readKey` answered it. */
export function KeyValue(props: { read: RedisReadKeyResult }): ReactNode {
  const { read } = props
  if (!read.exists) {
    return (
      <div className="key-value" data-testid="redis-key-value" data-exists="false">
        <p>
          <code>{read.key}</code> does not exist (deleted or expired since it was listed).
        </p>
      </div>
    )
  }
  return (
    <div className="key-value" data-testid="redis-key-value" data-exists="true">
      <div className="key-value-head">
        <code className="mono">{read.key}</code>
        <span className="badge">{read.type}</span>
        <span>{ttlText(read.ttlMs)}</span>
        <span>{sizeText(read.type, read.size)}</span>
        {read.preview.truncated ? (
          <span className="key-truncated" data-testid="redis-key-truncated">
            {shownText(read)}
          </span>
        ) : null}
      </div>
      <Items preview={read.preview} />
    </div>
  )
}
