import type { ReactNode } from 'react'
import type {
  ChannelInfoJson,
  ChannelsInfo,
  ConsumerProxyInfo
} from '@shared/contract/labs/channels'
import { AdminPropertiesForm } from './AdminPropertiesForm'
import { AdminsSection } from './AdminsSection'
import { ChannelActions } from './ChannelActions'
import { ChannelGraph } from './ChannelGraph'
import { ClientCard } from './ClientCard'
import { ConnectForm } from './ConnectForm'
import { discardText } from './events'
import { FilterEditor } from './FilterEditor'
import { filterTargets } from './filter-targets'
import { MappingFilterForm } from './MappingFilterForm'
import { QoSEditor } from './QoSEditor'
import { propertiesText } from './qos-names'

/** One channel: its counters and graph, its clients, its filters and its discovery table. */
export function ChannelView(props: { channel: ChannelInfoJson; info: ChannelsInfo }): ReactNode {
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
        <p className="muted small" data-testid="channel-qos">
          QoS {propertiesText(channel.qos)} · admin {propertiesText(channel.admin)}
        </p>
        <QoSEditor
          target={{ channelId: channel.id }}
          level="channel"
          current={[]}
          testId="channel-qos-editor"
        />
        <AdminPropertiesForm key={channel.id} channel={channel} />
        <ChannelActions
          channel={channel}
          others={info.channels.map((c) => c.id).filter((i) => i !== channel.id)}
        />
        <ChannelGraph channel={channel} clients={info.clients} />
      </section>
      <AdminsSection channel={channel} />
      <section className="panel">
        <h2>Clients</h2>
        <ConnectForm channel={channel} />
        <div className="client-grid">
          {clients.map((c) => (
            <ClientCard key={c.id} client={c} proxy={consumerProxies.get(c.id)} channel={channel} />
          ))}
        </div>
      </section>
      <section className="panel">
        <h2>Filters</h2>
        <FilterEditor targets={filterTargets(channel, info)} />
        <MappingFilterForm targets={filterTargets(channel, info)} />
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
