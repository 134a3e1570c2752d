import type { ReactNode } from 'react'
import type { ChannelInfoJson, LabClientInfo, ProxyInfoBase } from '@shared/contract/labs/channels'

function clientName(proxy: ProxyInfoBase, clients: Map<string, LabClientInfo>): string {
  const c = proxy.client
  if (c.kind === 'lab' && c.id) return clients.get(c.id)?.label ?? c.id
  if (c.kind === 'federation') return `channel ${c.id?.split('/')[0] ?? '?'}`
  return c.label ?? c.kind
}

function ProxyBox(props: { proxy: ProxyInfoBase; name: string; extra?: string }): ReactNode {
  const p = props.proxy
  const cls = !p.connected ? 'off' : p.suspended ? 'suspended' : p.client.away ? 'away' : 'on'
  return (
    <div className={`graph-proxy ${cls}`} title={p.proxyType}>
      <strong>{props.name}</strong>
      <span className="muted small">
        {p.proxyType.replace(/Proxy/, '')} {p.ref.adminId}/{p.ref.proxyId}
        {p.suspended ? ' · suspended' : ''}
        {p.client.away ? ' · away' : ''}
      </span>
      {props.extra ? <span className="small">{props.extra}</span> : null}
    </div>
  )
}

/** suppliers → supplier admins → channel → consumer admins → consumers, plus federation links. */
export function ChannelGraph(props: {
  channel: ChannelInfoJson
  clients: LabClientInfo[]
}): ReactNode {
  const { channel } = props
  const clients = new Map(props.clients.map((c) => [c.id, c]))
  return (
    <div className="channel-graph" data-testid="channel-graph">
      <div className="graph-col">
        <h3>Suppliers</h3>
        {channel.supplierAdmins.map((a) => (
          <div key={a.id} className="graph-admin">
            <span className="muted small">
              SupplierAdmin {a.id} · {a.operator}
              {a.filterIds.length ? ` · filters ${a.filterIds.join(',')}` : ''}
            </span>
            {a.proxies.map((p) => (
              <ProxyBox
                key={p.ref.proxyId}
                proxy={p}
                name={clientName(p, clients)}
                extra={`${p.counters.received} in`}
              />
            ))}
          </div>
        ))}
      </div>
      <div className="graph-arrow" aria-hidden="true">
        →
      </div>
      <div className="graph-col graph-channel">
        <div className="graph-channel-box">
          <strong>Channel {channel.id}</strong>
          {channel.label ? <span>{channel.label}</span> : null}
          <span className="muted small">
            {channel.counters.received} received · {channel.queued} queued
            {channel.persistentEvents ? ' · persistent events' : ''}
          </span>
        </div>
        {channel.federation.map((f) => (
          <div
            key={`${f.to.channelId}/${f.to.proxyId}`}
            className="graph-fed small"
            data-testid="federation-link"
          >
            ⇒ federated to channel {f.to.channelId}
          </div>
        ))}
      </div>
      <div className="graph-arrow" aria-hidden="true">
        →
      </div>
      <div className="graph-col">
        <h3>Consumers</h3>
        {channel.consumerAdmins.map((a) => (
          <div key={a.id} className="graph-admin">
            <span className="muted small">
              ConsumerAdmin {a.id} · {a.operator}
              {a.filterIds.length ? ` · filters ${a.filterIds.join(',')}` : ''}
            </span>
            {a.proxies.map((p) => (
              <ProxyBox
                key={p.ref.proxyId}
                proxy={p}
                name={clientName(p, clients)}
                extra={`${p.counters.delivered} delivered · ${p.counters.filteredOut} filtered · queue ${p.queue.length}`}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  )
}
