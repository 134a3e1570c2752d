import { useState, type ReactNode } from 'react'
import {
  CHANNELS_DEFAULT_ENDPOINT,
  CLIENT_KINDS,
  CLIENT_ROLES,
  ChannelsCommandType,
  type ChannelInfoJson,
  type ChannelsInfo,
  type ClientKind,
  type ClientRole,
  type ConsumerProxyInfo,
  type FilterTarget,
  type PropertyJson
} from '@shared/contract'
import { useCommand } from '../../lib/use-command'
import { useConsole } from '../../store'
import { ChannelGraph } from './ChannelGraph'
import { ClientCard } from './ClientCard'
import { discardText } from './events'
import { FilterEditor } from './FilterEditor'

/** The spec's policy constants (digest §3.1): the QoS value is the number, the UI shows the name. */
const POLICY_VALUE: Record<string, number> = {
  AnyOrder: 0,
  FifoOrder: 1,
  PriorityOrder: 2,
  DeadlineOrder: 3,
  LifoOrder: 4
}
const ORDER = ['AnyOrder', 'FifoOrder', 'PriorityOrder', 'DeadlineOrder']
const DISCARD = ['AnyOrder', 'FifoOrder', 'LifoOrder', 'PriorityOrder', 'DeadlineOrder']

function CreateChannelForm(): ReactNode {
  const { run, busy, error } = useCommand()
  const [label, setLabel] = useState('')
  const [persistent, setPersistent] = useState(false)
  const [order, setOrder] = useState('FifoOrder')
  const [discard, setDiscard] = useState('FifoOrder')
  const [maxPerConsumer, setMaxPerConsumer] = useState(0)
  const [maxQueue, setMaxQueue] = useState(0)
  const [reject, setReject] = useState(false)
  const create = (): void => {
    const qos: PropertyJson[] = [
      { name: 'OrderPolicy', value: POLICY_VALUE[order] ?? 0 },
      { name: 'DiscardPolicy', value: POLICY_VALUE[discard] ?? 0 }
    ]
    // Reliability values are the spec's shorts: 0 BestEffort, 1 Persistent.
    if (persistent) {
      qos.push({ name: 'EventReliability', value: 1 }, { name: 'ConnectionReliability', value: 1 })
    }
    if (maxPerConsumer > 0) qos.push({ name: 'MaxEventsPerConsumer', value: maxPerConsumer })
    const admin: PropertyJson[] = []
    if (maxQueue > 0) admin.push({ name: 'MaxQueueLength', value: maxQueue })
    if (reject) admin.push({ name: 'RejectNewEvents', value: true })
    void run({ type: ChannelsCommandType.Create, qos, admin, ...(label ? { label } : {}) })
  }
  return (
    <div className="create-channel" data-testid="create-channel">
      <label className="field">
        <span>Name</span>
        <input
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          placeholder="optional"
          data-testid="channel-label"
        />
      </label>
      <label className="field">
        <span>OrderPolicy</span>
        <select value={order} onChange={(e) => setOrder(e.target.value)}>
          {ORDER.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>DiscardPolicy</span>
        <select value={discard} onChange={(e) => setDiscard(e.target.value)}>
          {DISCARD.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>MaxEventsPerConsumer (0 = ∞)</span>
        <input
          type="number"
          min={0}
          value={maxPerConsumer}
          onChange={(e) => setMaxPerConsumer(Number(e.target.value))}
        />
      </label>
      <label className="field">
        <span>MaxQueueLength (0 = ∞)</span>
        <input
          type="number"
          min={0}
          value={maxQueue}
          onChange={(e) => setMaxQueue(Number(e.target.value))}
        />
      </label>
      <label className="field check">
        <input type="checkbox" checked={reject} onChange={(e) => setReject(e.target.checked)} />
        <span>RejectNewEvents</span>
      </label>
      <label className="field check">
        <input
          type="checkbox"
          checked={persistent}
          onChange={(e) => setPersistent(e.target.checked)}
        />
        <span>Persistent events and connections (Redis)</span>
      </label>
      <button
        className="btn btn-primary"
        disabled={busy}
        onClick={create}
        data-testid="channel-create"
      >
        Create channel
      </button>
      {error ? <p className="inline-error small">{error}</p> : null}
    </div>
  )
}

function ConnectForm(props: { channel: ChannelInfoJson }): ReactNode {
  const { run, busy, error } = useCommand()
  const [role, setRole] = useState<ClientRole>('push-consumer')
  const [kind, setKind] = useState<ClientKind>('structured')
  const [label, setLabel] = useState('')
  return (
    <div className="toolbar" data-testid="connect-form">
      <select
        value={role}
        onChange={(e) => setRole(e.target.value as ClientRole)}
        data-testid="connect-role"
        aria-label="Role"
      >
        {CLIENT_ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <select
        value={kind}
        onChange={(e) => setKind(e.target.value as ClientKind)}
        aria-label="Event kind"
      >
        {CLIENT_KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <input
        className="search narrow-wide"
        placeholder="name"
        value={label}
        onChange={(e) => setLabel(e.target.value)}
        data-testid="connect-label"
      />
      <button
        className="btn"
        disabled={busy}
        onClick={() =>
          void run({
            type: ChannelsCommandType.Connect,
            channelId: props.channel.id,
            role,
            kind,
            ...(label ? { label } : {})
          }).then((ok) => ok && setLabel(''))
        }
        data-testid="connect-client"
      >
        Connect
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}

function ChannelActions(props: { channel: ChannelInfoJson; others: number[] }): ReactNode {
  const { run, busy, error } = useCommand()
  const [count, setCount] = useState(1000)
  const [fedTo, setFedTo] = useState<number | ''>('')
  const id = props.channel.id
  return (
    <div className="toolbar">
      <input
        type="number"
        min={1}
        value={count}
        onChange={(e) => setCount(Number(e.target.value))}
        className="narrow"
        aria-label="Flood count"
      />
      <button
        className="btn"
        disabled={busy}
        onClick={() =>
          void run({ type: ChannelsCommandType.Flood, channelId: id, count, priorities: 'cycle' })
        }
        data-testid="channel-flood"
      >
        Flood
      </button>
      <select
        value={fedTo}
        onChange={(e) => setFedTo(e.target.value === '' ? '' : Number(e.target.value))}
        aria-label="Federate to"
      >
        <option value="">federate to…</option>
        {props.others.map((o) => (
          <option key={o} value={o}>
            channel {o}
          </option>
        ))}
      </select>
      <button
        className="btn"
        disabled={busy || fedTo === ''}
        onClick={() =>
          fedTo !== '' && void run({ type: ChannelsCommandType.Federate, from: id, to: fedTo })
        }
      >
        Federate
      </button>
      <button
        className="btn btn-danger"
        disabled={busy}
        onClick={() => void run({ type: ChannelsCommandType.Destroy, channelId: id })}
        data-testid="channel-destroy"
      >
        Destroy channel
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}

function filterTargets(
  channel: ChannelInfoJson,
  info: ChannelsInfo
): { label: string; target: FilterTarget }[] {
  const targets: { label: string; target: FilterTarget }[] = []
  const names = new Map(info.clients.map((c) => [c.id, c.label ?? c.id]))
  for (const admin of channel.consumerAdmins) {
    for (const p of admin.proxies) {
      const who = p.client.kind === 'lab' && p.client.id ? names.get(p.client.id) : p.client.label
      targets.push({
        label: `consumer ${who ?? `${admin.id}/${p.ref.proxyId}`} (proxy ${admin.id}/${p.ref.proxyId})`,
        target: {
          channelId: channel.id,
          side: 'consumer',
          adminId: admin.id,
          proxyId: p.ref.proxyId
        }
      })
    }
    targets.push({
      label: `ConsumerAdmin ${admin.id}`,
      target: { channelId: channel.id, side: 'consumer', adminId: admin.id }
    })
  }
  for (const admin of channel.supplierAdmins) {
    targets.push({
      label: `SupplierAdmin ${admin.id}`,
      target: { channelId: channel.id, side: 'supplier', adminId: admin.id }
    })
  }
  return targets
}

function ChannelView(props: { channel: ChannelInfoJson; info: ChannelsInfo }): ReactNode {
  const { channel, info } = props
  const clients = info.clients.filter((c) => c.proxy.channelId === channel.id)
  const consumerProxies = new Map<string, ConsumerProxyInfo>()
  for (const a of channel.consumerAdmins)
    for (const p of a.proxies) if (p.client.id) consumerProxies.set(p.client.id, p)
  const filters = info.filters.filter((f) => f.channelId === channel.id)
  return (
    <div className="channel-view" data-testid={`channel-${channel.id}`}>
      <section className="panel">
        <header className="panel-head">
          <h2>
            Channel {channel.id}
            {channel.label ? ` · ${channel.label}` : ''}
          </h2>
          <span className="muted small">
            {channel.counters.received} received · {channel.counters.delivered} delivered ·{' '}
            {channel.counters.filteredOut} filtered out · {discardText(channel.counters)} ·{' '}
            {channel.counters.expired} expired · {channel.counters.rejected} rejected
          </span>
        </header>
        <p className="muted small">
          QoS {channel.qos.map((q) => `${q.name}=${String(q.value)}`).join(' · ')}
        </p>
        <ChannelActions
          channel={channel}
          others={info.channels.map((c) => c.id).filter((i) => i !== channel.id)}
        />
        <ChannelGraph channel={channel} clients={info.clients} />
      </section>
      <section className="panel">
        <h2>Clients</h2>
        <ConnectForm channel={channel} />
        <div className="client-grid">
          {clients.map((c) => (
            <ClientCard key={c.id} client={c} proxy={consumerProxies.get(c.id)} />
          ))}
        </div>
      </section>
      <section className="panel">
        <h2>Filters</h2>
        <FilterEditor targets={filterTargets(channel, info)} />
        {filters.length > 0 ? (
          <table className="table compact" data-testid="filters-table">
            <thead>
              <tr>
                <th>filter</th>
                <th>kind</th>
                <th>constraints</th>
                <th>attached to</th>
              </tr>
            </thead>
            <tbody>
              {filters.map((f) => (
                <tr key={f.id}>
                  <td>#{f.id}</td>
                  <td>{f.kind}</td>
                  <td className="mono">
                    {f.constraints
                      .map((c) => c.constraint_expression.constraint_expr || 'TRUE')
                      .join('  |  ')}
                  </td>
                  <td>
                    {f.attachedTo
                      .map(
                        (a) =>
                          `${a.target.side} ${a.target.adminId}${a.target.proxyId !== undefined ? `/${a.target.proxyId}` : ''}`
                      )
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="panel">
        <h2>Discovery</h2>
        {channel.discovery.length === 0 ? (
          <p className="muted small">No offers or subscriptions yet.</p>
        ) : (
          <table className="table compact">
            <thead>
              <tr>
                <th>event type</th>
                <th>supplied by</th>
                <th>consumed by</th>
              </tr>
            </thead>
            <tbody>
              {channel.discovery.map((d) => (
                <tr key={`${d.type.domain_name}/${d.type.type_name}`}>
                  <td>
                    {d.type.domain_name}/{d.type.type_name}
                  </td>
                  <td>{d.suppliers.join(', ') || '—'}</td>
                  <td>{d.consumers.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}

/** The Channels lab: build event channels by hand, push events through them, watch QoS act. */
export function ChannelsPanel(): ReactNode {
  const info = useConsole((s) => s.snapshot?.channels)
  const [selected, setSelected] = useState<number | null>(null)
  const { run } = useCommand()
  if (!info) return <section className="panel">Waiting for the engine…</section>
  const channel =
    info.channels.find((c) => c.id === selected) ?? info.channels[info.channels.length - 1]
  const restart = info.persistence.lastRestart
  return (
    <div className="channels" data-testid="channels-panel" data-status={info.status}>
      <section className="panel">
        <header className="panel-head">
          <h1>Channels</h1>
          <span className="muted small">
            {info.channelsTotal} channels · remote clients at{' '}
            <code>{info.remote.endpoint ?? CHANNELS_DEFAULT_ENDPOINT}</code> ·{' '}
            {info.remote.sessionsTotal} sessions
            {info.remote.rejected.total > 0
              ? ` · ${info.remote.rejected.total} malformed frames rejected`
              : ''}
          </span>
          <div className="spacer" />
          <button
            className="btn"
            onClick={() => void run({ type: ChannelsCommandType.Restart })}
            data-testid="channels-restart"
            title="Restart the channels engine as a crash would"
          >
            Restart engine
          </button>
        </header>
        {restart &&
        (restart.bestEffortLost > 0 ||
          restart.eventsRestored > 0 ||
          restart.channelsRestored > 0) ? (
          <div
            className={`callout ${restart.bestEffortLost > 0 ? 'callout-bad' : ''}`}
            data-testid="restart-report"
          >
            After the last {restart.unclean ? 'crash' : 'restart'}: {restart.channelsRestored}{' '}
            persistent channels and {restart.proxiesRestored} proxies came back with{' '}
            {restart.eventsRestored} stored events;{' '}
            <strong>{restart.bestEffortLost} best-effort events were lost.</strong>
          </div>
        ) : null}
        {!info.persistence.available ? (
          <div className="callout callout-bad">
            Redis is not available: persistent channels cannot be created until it is.
          </div>
        ) : null}
        <CreateChannelForm />
        {info.channels.length > 0 ? (
          <div className="channel-tabs" role="tablist">
            {info.channels.map((c) => (
              <button
                key={c.id}
                role="tab"
                aria-selected={c.id === channel?.id}
                className={`tab${c.id === channel?.id ? ' active' : ''}`}
                onClick={() => {
                  setSelected(c.id)
                  void run({ type: ChannelsCommandType.View, channelId: c.id })
                }}
              >
                {c.label ?? `Channel ${c.id}`}
              </button>
            ))}
          </div>
        ) : (
          <p className="muted">No channels yet: create one above.</p>
        )}
      </section>
      {channel ? <ChannelView channel={channel} info={info} /> : null}
    </div>
  )
}
