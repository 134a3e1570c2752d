import type { ReactNode } from 'react'
import { CommandType, type RedisInfo } from '@shared/contract'
import { StatusPill, type Tone } from '../../components/StatusPill'
import { formatBytes } from '../../lib/format'
import { useCommand } from '../../lib/use-command'
import { useConsole } from '../../store'
import { KeysSection } from './KeysSection'

export const REDIS_TONE: Record<RedisInfo['status'], Tone> = {
  up: 'ok',
  starting: 'warn',
  reconnecting: 'warn',
  down: 'bad',
  missing: 'bad',
  error: 'bad'
}

export function RedisPanel(): ReactNode {
  const redis = useConsole((s) => s.snapshot?.redis)
  const { run, busy, error } = useCommand()
  if (!redis) return <section className="panel">Waiting for the engine…</section>
  const running =
    redis.status === 'up' || redis.status === 'reconnecting' || redis.status === 'starting'
  return (
    <section className="panel" data-testid="redis-panel">
      <header className="panel-head">
        <h1>Redis</h1>
        <StatusPill tone={REDIS_TONE[redis.status]} testId="redis-status">
          {redis.status}
        </StatusPill>
      </header>
      {redis.status === 'missing' ? (
        <div className="callout callout-bad" data-testid="redis-missing">
          <p>
            <strong>redis-server is not installed.</strong> The labs that need Redis cannot run
            until it is. Install it, or set <code>REDIS_URL</code> to a running Redis, then restart
            Flowlab.
          </p>
          <ul className="install">
            {(redis.install ?? []).map((hint) => (
              <li key={hint.platform}>
                <span>{hint.platform}</span>
                <code>{hint.command}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {redis.lastError && redis.status !== 'missing' ? (
        <div className="callout callout-bad">{redis.lastError}</div>
      ) : null}
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <code data-testid="redis-url">{redis.url ?? '—'}</code>
        </dd>
        <dt>Mode</dt>
        <dd>
          {redis.managed
            ? 'managed by Flowlab (loopback, random password)'
            : 'external (REDIS_URL)'}
        </dd>
        <dt>Version</dt>
        <dd>{redis.version ?? '—'}</dd>
        <dt>Memory</dt>
        <dd>{formatBytes(redis.usedMemoryBytes)}</dd>
        <dt>Keys</dt>
        <dd data-testid="redis-key-count">{redis.keys ?? '—'}</dd>
        <dt>PID</dt>
        <dd>{redis.pid ?? '—'}</dd>
        <dt>Persistence</dt>
        <dd>
          <label className="switch">
            <input
              type="checkbox"
              checked={redis.persistence}
              disabled={!redis.managed || busy || redis.status === 'missing'}
              onChange={(e) =>
                void run({ type: CommandType.RedisSetPersistence, enabled: e.target.checked })
              }
              data-testid="redis-persistence"
            />
            <span>
              AOF{' '}
              {redis.persistence
                ? 'on: a restart keeps the data'
                : 'off: a restart forgets everything'}
            </span>
          </label>
        </dd>
      </dl>
      {redis.managed && redis.status !== 'missing' ? (
        <div className="actions">
          <button
            className="btn btn-danger"
            disabled={busy || !running}
            onClick={() => void run({ type: CommandType.RedisKill })}
            data-testid="kill-redis"
            title="SIGKILL the redis-server, as a crash would"
          >
            Kill Redis
          </button>
          <button
            className="btn"
            disabled={busy}
            onClick={() => void run({ type: CommandType.RedisRestart })}
            data-testid="restart-redis"
            title="Start redis-server again on the same port and password"
          >
            {busy ? 'Working…' : 'Restart'}
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {redis.status !== 'missing' ? <KeysSection redisUp={redis.status === 'up'} /> : null}
    </section>
  )
}
