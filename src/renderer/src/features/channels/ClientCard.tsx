import type { ReactNode } from 'react'
import {
  ChannelsCommandType,
  type AdminInfoJson,
  type ChannelInfoJson,
  type ConsumerProxyInfo,
  type LabClientInfo,
  type PropertyJson
} from '@shared/contract/labs/channels'
import { formatBytes, formatTime } from '../../lib/format'
import { useCommand } from '../../lib/use-command'
import { ConfirmButton } from '../../components/ConfirmButton'
import { ConsumerControls } from './ConsumerControls'
import { DiscoveryForm } from './DiscoveryForm'
import { EventEditor } from './EventEditor'
import { discardText } from './events'
import { QoSEditor } from './QoSEditor'
import { effectiveQoS, qosValueText } from './qos-names'
import { ReceivedList } from './ReceivedList'

/** "queue 3/∞" when MaxEventsPerConsumer is 0 (the lab's hard bound in the tooltip). */
function QueueLine(props: {
  proxy: ConsumerProxyInfo
  channel: ChannelInfoJson
  admin: AdminInfoJson | undefined
}): ReactNode {
  const { proxy } = props
  const q = proxy.queue
  const max = effectiveQoS('MaxEventsPerConsumer', props.channel, props.admin, proxy)
  const unlimited = max === undefined || max === 0
  return (
    <span className="muted" data-testid={`queue-line-${proxy.ref.adminId}-${proxy.ref.proxyId}`}>
      {' '}
      ·{' '}
      <span
        title={
          unlimited
            ? `MaxEventsPerConsumer 0 = no limit; the lab still bounds a queue at ${q.capacity} events`
            : `MaxEventsPerConsumer ${q.capacity}`
        }
      >
        queue {q.length}/{unlimited ? '∞' : q.capacity}
      </span>{' '}
      ({formatBytes(q.bytes)} of {formatBytes(q.bytesCapacity)}) · {q.orderPolicy} /{' '}
      {q.discardPolicy} · {proxy.counters.filteredOut} filtered out · {discardText(proxy.counters)}{' '}
      · {proxy.counters.expired} expired
      {proxy.filterIds.length > 0 ? ` · filters ${proxy.filterIds.join(', ')}` : ''}
      {proxy.priorityFilterId !== null ? ` · priority map #${proxy.priorityFilterId}` : ''}
      {proxy.lifetimeFilterId !== null ? ` · lifetime map #${proxy.lifetimeFilterId}` : ''}
    </span>
  )
}

function ProxySettings(props: { client: LabClientInfo; qos: PropertyJson[] }): ReactNode {
  const { run, busy } = useCommand()
  const { client } = props
  return (
    <details className="proxy-settings">
      <summary className="small">
        proxy {client.proxy.adminId}/{client.proxy.proxyId}: QoS, discovery, destroy
      </summary>
      <QoSEditor
        target={client.proxy}
        level="proxy"
        current={props.qos}
        testId={`proxy-qos-${client.id}`}
      />
      <DiscoveryForm client={client} />
      <ConfirmButton
        small
        label="Destroy proxy"
        question={`Destroy proxy ${client.proxy.adminId}/${client.proxy.proxyId}? Its client is disconnected and its queue lost.`}
        disabled={busy}
        onConfirm={() => void run({ type: ChannelsCommandType.DestroyProxy, proxy: client.proxy })}
        testId={`destroy-proxy-${client.id}`}
      />
    </details>
  )
}

/** One lab client: a supplier with its event editor, or a consumer with its queue and what it received. */
export function ClientCard(props: {
  client: LabClientInfo
  proxy: ConsumerProxyInfo | undefined
  channel: ChannelInfoJson
}): ReactNode {
  const { client, proxy, channel } = props
  const consumer = client.role.endsWith('consumer')
  const admins = consumer ? channel.consumerAdmins : channel.supplierAdmins
  const admin = admins.find((a) => a.id === client.proxy.adminId)
  const ownProxy = admin?.proxies.find((p) => p.ref.proxyId === client.proxy.proxyId)
  const batch = effectiveQoS('MaximumBatchSize', channel, admin, ownProxy)
  const pacing = effectiveQoS('PacingInterval', channel, admin, ownProxy)
  return (
    <div
      className={`client-card state-${client.state}`}
      data-client={client.id}
      data-label={client.label ?? ''}
    >
      <header>
        <strong>{client.label ?? client.id}</strong>
        <span className="muted small">
          {client.role} · {client.kind} · admin {client.proxy.adminId}
          {admin ? ` (${admin.operator})` : ''} · proxy {client.proxy.proxyId} · {client.state}
          {client.pendingPulls > 0 ? ` · ${client.pendingPulls} pull waiting` : ''}
          {client.kind === 'sequence' && consumer
            ? ` · MaximumBatchSize ${String(batch ?? 1)} · PacingInterval ${qosValueText('PacingInterval', pacing ?? 0)}`
            : ''}
        </span>
      </header>
      {client.lastError ? <p className="inline-error small">{client.lastError}</p> : null}
      {consumer ? (
        <>
          <ConsumerControls client={client} proxy={proxy} />
          <p className="small">
            received <strong data-testid={`received-${client.id}`}>{client.received}</strong>
            {proxy ? <QueueLine proxy={proxy} channel={channel} admin={admin} /> : null}
          </p>
          {proxy && proxy.queue.entries.length > 0 ? (
            <div className="queue" data-testid={`queue-${client.id}`}>
              <span className="muted small">queued, in delivery order:</span>
              <ol>
                {proxy.queue.entries.slice(0, 20).map((q) => (
                  <li key={q.seq}>
                    #{q.seq} {q.eventType} {q.eventName}{' '}
                    <span className="muted">priority {q.priority}</span>
                    {q.deadlineMs ? (
                      <span className="muted"> · expires {formatTime(q.deadlineMs)}</span>
                    ) : null}
                    {q.persistent ? <span className="badge">stored</span> : null}
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
          <ReceivedList client={client} />
        </>
      ) : (
        <>
          <p className="small muted">
            supplied {client.supplied}
            {client.role === 'pull-supplier'
              ? ` · ${client.buffered} waiting for the channel's poll`
              : ''}
          </p>
          <EventEditor client={client} />
        </>
      )}
      <ProxySettings client={client} qos={ownProxy?.qos ?? []} />
    </div>
  )
}
