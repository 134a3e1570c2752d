import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import {
  CommandType,
  EngineError,
  REDIS_KEYS_PREFIX_DEFAULT,
  type RedisReadKeyResult,
  type RedisScanKeysResult
} from '@shared/contract'
import { useTransport } from '../../transport-context'
import { KeyValue, sizeText, ttlText } from './KeyValue'

/** Keys asked for per page (the contract allows up to REDIS_SCAN_COUNT_MAX). */
export const KEYS_PAGE_SIZE = 50

function message(err: unknown): string {
  return err instanceof EngineError ? err.message : String(err)
}

/**
 * The Redis panel's key browser: the keys under a prefix, a page at a time (SCAN cursor), and the
 * value preview of the key clicked. It asks Redis only when told to (List, Refresh, Next page, a
 * click) and once when Redis is first up, so leaving the panel open costs Redis nothing.
 */
export function KeysSection(props: { redisUp: boolean }): ReactNode {
  const transport = useTransport()
  const [prefixText, setPrefixText] = useState(REDIS_KEYS_PREFIX_DEFAULT)
  /** The prefix, the cursor and the number of the page shown. */
  const [shown, setShown] = useState({ prefix: REDIS_KEYS_PREFIX_DEFAULT, cursor: '0', number: 1 })
  const [page, setPage] = useState<RedisScanKeysResult | null>(null)
  const [read, setRead] = useState<RedisReadKeyResult | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  /** Only the newest request's answer is shown (an older, slower one is dropped). */
  const latestList = useRef(0)
  const latestRead = useRef(0)

  const readKey = useCallback(
    async (key: string): Promise<void> => {
      const id = ++latestRead.current
      setSelected(key)
      try {
        const value = await transport.call<RedisReadKeyResult>({
          type: CommandType.RedisReadKey,
          key
        })
        if (id === latestRead.current) setRead(value)
      } catch (err) {
        if (id !== latestRead.current) return
        setRead(null)
        setError(message(err))
      }
    },
    [transport]
  )

  const list = useCallback(
    async (prefix: string, cursor: string, number: number): Promise<void> => {
      const id = ++latestList.current
      setBusy(true)
      setError(null)
      try {
        const value = await transport.call<RedisScanKeysResult>({
          type: CommandType.RedisScanKeys,
          prefix,
          cursor,
          count: KEYS_PAGE_SIZE
        })
        if (id !== latestList.current) return
        setPage(value)
        setShown({ prefix, cursor, number })
      } catch (err) {
        if (id === latestList.current) setError(message(err))
      } finally {
        if (id === latestList.current) setBusy(false)
      }
    },
    [transport]
  )

  // One first page as soon as Redis is up; after that only on demand.
  const loaded = useRef(false)
  useEffect(() => {
    if (!props.redisUp || loaded.current) return
    loaded.current = true
    void list(REDIS_KEYS_PREFIX_DEFAULT, '0', 1)
  }, [props.redisUp, list])

  const refresh = (): void => {
    void list(shown.prefix, shown.cursor, shown.number)
    if (selected !== null) void readKey(selected)
  }

  return (
    <section className="redis-keys" data-testid="redis-keys">
      <h2>Keys</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault()
          setRead(null)
          setSelected(null)
          void list(prefixText, '0', 1)
        }}
      >
        <label className="field">
          <span>prefix</span>
          <input
            className="mono"
            value={prefixText}
            onChange={(e) => setPrefixText(e.target.value)}
            data-testid="redis-keys-prefix"
            spellCheck={false}
          />
        </label>
        <button className="btn btn-small" type="submit" disabled={busy}>
          List
        </button>
        <button
          className="btn btn-small"
          type="button"
          disabled={busy}
          onClick={refresh}
          data-testid="redis-keys-refresh"
        >
          Refresh
        </button>
        <button
          className="btn btn-small"
          type="button"
          disabled={busy || !page || page.cursor === '0'}
          onClick={() => page && void list(shown.prefix, page.cursor, shown.number + 1)}
          data-testid="redis-keys-next"
        >
          Next page
        </button>
        {shown.number > 1 ? (
          <button
            className="btn btn-small"
            type="button"
            disabled={busy}
            onClick={() => void list(shown.prefix, '0', 1)}
          >
            First page
          </button>
        ) : null}
        <span className="muted small" data-testid="redis-keys-page">
          {page
            ? `page ${shown.number} · ${page.keys.length} keys${page.cursor === '0' ? ' · end' : ' · more may follow'}`
            : ''}
        </span>
      </form>
      {error ? (
        <p className="inline-error" role="alert" data-testid="redis-keys-error">
          {error}
        </p>
      ) : null}
      {page && !page.noTouch ? (
        <p className="muted small">
          Looking changes no value and no TTL. This Redis has no CLIENT NO-TOUCH (it came in 7.2),
          so reading sizes and values counts as an access for its LRU/LFU idle time.
        </p>
      ) : null}
      <div className="redis-keys-body">
        <div className="entries-scroll">
          <table className="table compact">
            <thead>
              <tr>
                <th>key</th>
                <th>type</th>
                <th>TTL</th>
                <th>size</th>
              </tr>
            </thead>
            <tbody>
              {page?.keys.map((row) => (
                <tr
                  key={row.key}
                  data-testid="redis-key-row"
                  data-key={row.key}
                  className={`key-row${row.key === selected ? ' key-row-selected' : ''}`}
                  onClick={row.readable ? () => void readKey(row.key) : undefined}
                  title={
                    row.readable
                      ? 'Show the value'
                      : 'The name is not UTF-8 or too long to be named back: no preview'
                  }
                >
                  <td className="mono">{row.key}</td>
                  <td>{row.type}</td>
                  <td className="ttl">{ttlText(row.ttlMs)}</td>
                  <td>{sizeText(row.type, row.size)}</td>
                </tr>
              ))}
              {page && page.keys.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    {page.cursor === '0'
                      ? 'No keys under this prefix.'
                      : 'None on this page; Next page looks further.'}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        {read ? <KeyValue read={read} /> : null}
      </div>
    </section>
  )
}
