import { useState, type ReactNode } from 'react'
import {
  ChannelsCommandType,
  type ConsumerProxyInfo,
  type LabClientInfo,
  type PropertyJson
} from '@shared/contract/labs/channels'
import { formatBytes, formatTime } from '../../lib/format'
import { useCommand } from '../../lib/use-command'
import { discardText, structuredEvent } from './events'

function SupplierForm(props: { client: LabClientInfo }): ReactNode {
  const { run, busy, error } = useCommand()
  const [domain, setDomain] = useState('Telecom')
  const [type, setType] = useState('Alarm')
  const [name, setName] = useState('event')
  const [priority, setPriority] = useState(3)
  const [data, setData] = useState('severity=4')
  const [count, setCount] = useState(1)
  const id = props.client.id
  const push = (): void => {
    const props_: PropertyJson[] = data
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const [k, v = ''] = pair.split('=')
        const n = Number(v)
        return { name: (k ?? '').trim(), value: v.trim() !== '' && !Number.isNaN(n) ? n : v.trim() }
      })
    const events = Array.from({ length: Math.max(1, count) }, (_, i) =>
      structuredEvent({
        domain,
        type,
        name: count > 1 ? `${name}-${i + 1}` : name,
        priority,
        data: props_,
        body: ''
      })
    )
    void run({ type: ChannelsCommandType.Push, clientId: id, events })
  }
  return (
    <div className="push-form" data-testid={`push-form-${id}`}>
      <label className="field">
        <span>domain</span>
        <input value={domain} onChange={(e) => setDomain(e.target.value)} />
      </label>
      <label className="field">
        <span>type</span>
        <input value={type} onChange={(e) => setType(e.target.value)} />
      </label>
      <label className="field">
        <span>name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>Priority</span>
        <input
          type="number"
          value={priority}
          onChange={(e) => setPriority(Number(e.target.value))}
          className="narrow"
          data-testid={`push-priority-${id}`}
        />
      </label>
      <label className="field field-grow">
        <span>filterable data (name=value, …)</span>
        <input value={data} onChange={(e) => setData(e.target.value)} />
      </label>
      <label className="field">
        <span>count</span>
        <input
          type="number"
          min={1}
          value={count}
          onChange={(e) => setCount(Number(e.target.value))}
          className="narrow"
        />
      </label>
      <button
        className="btn btn-primary"
        disabled={busy || props.client.state !== 'connected'}
        onClick={push}
        data-testid={`push-${id}`}
      >
        {props.client.role === 'pull-supplier' ? 'Offer' : 'Push'}
      </button>
      {error ? <p className="inline-error small">{error}</p> : null}
    </div>
  )
}

function ConsumerControls(props: {
  client: LabClientInfo
  proxy: ConsumerProxyInfo | undefined
}): ReactNode {
  const { run, busy, error } = useCommand()
  const { client, proxy } = props
  const pull = client.role === 'pull-consumer'
  return (
    <div className="client-actions">
      {client.state === 'killed' ? (
        <button
          className="btn btn-small"
          disabled={busy}
          onClick={() => void run({ type: ChannelsCommandType.Revive, clientId: client.id })}
        >
          Revive
        </button>
      ) : (
        <button
          className="btn btn-small btn-danger"
          disabled={busy || client.state !== 'connected'}
          onClick={() => void run({ type: ChannelsCommandType.Kill, clientId: client.id })}
          data-testid={`kill-${client.id}`}
        >
          Kill consumer
        </button>
      )}
      {!pull && proxy ? (
        proxy.suspended ? (
          <button
            className="btn btn-small btn-on"
            disabled={busy}
            onClick={() => void run({ type: ChannelsCommandType.Resume, proxy: proxy.ref })}
          >
            Resume
          </button>
        ) : (
          <button
            className="btn btn-small"
            disabled={busy || !proxy.connected}
            onClick={() => void run({ type: ChannelsCommandType.Suspend, proxy: proxy.ref })}
            data-testid={`suspend-${client.id}`}
          >
            Suspend
          </button>
        )
      ) : null}
      {pull ? (
        <>
          <button
            className="btn btn-small"
            disabled={busy}
            onClick={() =>
              void run({ type: ChannelsCommandType.Pull, clientId: client.id, mode: 'try_pull' })
            }
          >
            try_pull
          </button>
          <button
            className="btn btn-small"
            disabled={busy}
            onClick={() =>
              void run({ type: ChannelsCommandType.Pull, clientId: client.id, mode: 'pull' })
            }
          >
            pull (blocks)
          </button>
        </>
      ) : null}
      <button
        className="btn btn-small"
        disabled={busy || client.state === 'disconnected'}
        onClick={() => void run({ type: ChannelsCommandType.Disconnect, clientId: client.id })}
      >
        Disconnect
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}

/** One lab client: a supplier with its push form, or a consumer with what it received and its queue. */
export function ClientCard(props: {
  client: LabClientInfo
  proxy: ConsumerProxyInfo | undefined
}): ReactNode {
  const { client, proxy } = props
  const consumer = client.role.endsWith('consumer')
  return (
    <div
      className={`client-card state-${client.state}`}
      data-client={client.id}
      data-label={client.label ?? ''}
    >
      <header>
        <strong>{client.label ?? client.id}</strong>
        <span className="muted small">
          {client.role} · {client.kind} · proxy {client.proxy.adminId}/{client.proxy.proxyId} ·{' '}
          {client.state}
          {client.pendingPulls > 0 ? ` · ${client.pendingPulls} pull waiting` : ''}
        </span>
      </header>
      {client.lastError ? <p className="inline-error small">{client.lastError}</p> : null}
      {consumer ? (
        <>
          <ConsumerControls client={client} proxy={proxy} />
          <p className="small">
            received <strong data-testid={`received-${client.id}`}>{client.received}</strong>
            {proxy ? (
              <span className="muted">
                {' '}
                · queue {proxy.queue.length}/{proxy.queue.capacity} (
                {formatBytes(proxy.queue.bytes)} of {formatBytes(proxy.queue.bytesCapacity)}) ·{' '}
                {proxy.queue.orderPolicy} / {proxy.queue.discardPolicy} ·{' '}
                {proxy.counters.filteredOut} filtered out · {discardText(proxy.counters)} ·{' '}
                {proxy.counters.expired} expired
                {proxy.filterIds.length > 0 ? ` · filters ${proxy.filterIds.join(', ')}` : ''}
              </span>
            ) : null}
          </p>
          {proxy && proxy.queue.entries.length > 0 ? (
            <div className="queue" data-testid={`queue-${client.id}`}>
              <span className="muted small">queued, in delivery order:</span>
              <ol>
                {proxy.queue.entries.slice(0, 20).map((q) => (
                  <li key={q.seq}>
                    #{q.seq} {q.eventType} <span className="muted">p{q.priority}</span>
                    {q.deadlineMs ? (
                      <span className="muted"> · expires {formatTime(q.deadlineMs)}</span>
                    ) : null}
                    {q.persistent ? <span className="badge">stored</span> : null}
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
          <ol className="received" data-testid={`received-list-${client.id}`}>
            {client.lastReceived
              .slice()
              .reverse()
              .slice(0, 12)
              .map((e) => (
                <li key={`${e.seq}:${e.at}`} data-event-name={e.eventName}>
                  <span className="muted">{formatTime(e.at)}</span> {e.eventType}{' '}
                  <strong>{e.eventName}</strong> <span className="muted preview">{e.preview}</span>
                </li>
              ))}
          </ol>
        </>
      ) : (
        <>
          <p className="small muted">
            supplied {client.supplied}
            {client.role === 'pull-supplier'
              ? ` · ${client.buffered} waiting for the channel's poll`
              : ''}
          </p>
          <SupplierForm client={client} />
        </>
      )}
    </div>
  )
}
