import { useState, type ReactNode } from 'react'
import {
  ChannelsCommandType,
  type AdminInfoJson,
  type ChannelInfoJson,
  type Side
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import { ConfirmButton } from '../../components/ConfirmButton'
import { QoSEditor } from './QoSEditor'

function AdminRow(props: { channelId: number; side: Side; admin: AdminInfoJson }): ReactNode {
  const { run, busy, error } = useCommand()
  const { admin, side } = props
  const name = `${side === 'consumer' ? 'ConsumerAdmin' : 'SupplierAdmin'} ${admin.id}`
  return (
    <tr data-testid={`admin-${side}-${admin.id}`}>
      <td>
        {name}
        {admin.id === 0 ? <span className="muted small"> (default)</span> : null}
      </td>
      <td>
        <strong>{admin.operator}</strong>
      </td>
      <td>{admin.filterIds.length > 0 ? admin.filterIds.map((f) => `#${f}`).join(', ') : '—'}</td>
      <td>
        {admin.priorityFilterId !== null ? `priority #${admin.priorityFilterId} ` : ''}
        {admin.lifetimeFilterId !== null ? `lifetime #${admin.lifetimeFilterId}` : ''}
        {admin.priorityFilterId === null && admin.lifetimeFilterId === null ? '—' : ''}
      </td>
      <td>{admin.proxiesTotal}</td>
      <td>
        <QoSEditor
          target={{ channelId: props.channelId, side, adminId: admin.id }}
          level="admin"
          current={admin.qos}
          testId={`admin-qos-${side}-${admin.id}`}
        />
      </td>
      <td>
        <ConfirmButton
          small
          label="Destroy admin"
          question={`Destroy ${name} and its ${admin.proxiesTotal} proxies?`}
          disabled={busy}
          onConfirm={() =>
            void run({
              type: ChannelsCommandType.DestroyAdmin,
              channelId: props.channelId,
              side,
              adminId: admin.id
            })
          }
          testId={`destroy-admin-${side}-${admin.id}`}
        />
        {error ? <span className="inline-error small">{error}</span> : null}
      </td>
    </tr>
  )
}

/**
 * The channel's admins: create one for suppliers or consumers with AND_OP or OR_OP between its
 * filters and its proxies' (§4.2), set its QoS, destroy it.
 */
export function AdminsSection(props: { channel: ChannelInfoJson }): ReactNode {
  const { run, busy, error } = useCommand()
  const [side, setSide] = useState<Side>('consumer')
  const [operator, setOperator] = useState<'AND_OP' | 'OR_OP'>('AND_OP')
  const { channel } = props
  return (
    <section className="panel" data-testid="admins">
      <h2>Admins</h2>
      <div className="toolbar">
        <select
          value={side}
          onChange={(e) => setSide(e.target.value as Side)}
          aria-label="Admin side"
          data-testid="new-admin-side"
        >
          <option value="consumer">ConsumerAdmin (for consumers)</option>
          <option value="supplier">SupplierAdmin (for suppliers)</option>
        </select>
        <select
          value={operator}
          onChange={(e) => setOperator(e.target.value as 'AND_OP' | 'OR_OP')}
          aria-label="InterFilterGroupOperator"
          data-testid="new-admin-operator"
        >
          <option>AND_OP</option>
          <option>OR_OP</option>
        </select>
        <button
          className="btn"
          disabled={busy}
          onClick={() =>
            void run({ type: ChannelsCommandType.NewAdmin, channelId: channel.id, side, operator })
          }
          data-testid="new-admin"
        >
          New admin
        </button>
        <span className="muted small">
          AND_OP: an event must pass the admin&apos;s filters and the proxy&apos;s; OR_OP: either.
        </span>
        {error ? <span className="inline-error small">{error}</span> : null}
      </div>
      <table className="table compact admins-table">
        <thead>
          <tr>
            <th>admin</th>
            <th>operator</th>
            <th>filters</th>
            <th>mapping filters</th>
            <th>proxies</th>
            <th>QoS</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {channel.supplierAdmins.map((a) => (
            <AdminRow key={`s${a.id}`} channelId={channel.id} side="supplier" admin={a} />
          ))}
          {channel.consumerAdmins.map((a) => (
            <AdminRow key={`c${a.id}`} channelId={channel.id} side="consumer" admin={a} />
          ))}
        </tbody>
      </table>
    </section>
  )
}
