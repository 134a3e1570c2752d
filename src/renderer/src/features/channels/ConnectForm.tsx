import { useState, type ReactNode } from 'react'
import {
  CLIENT_KINDS,
  CLIENT_ROLES,
  ChannelsCommandType,
  type ChannelInfoJson,
  type ClientKind,
  type ClientRole
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'

/** Connects a lab client (any role, any event kind) to the channel. */
export function ConnectForm(props: { channel: ChannelInfoJson }): ReactNode {
  const { run, busy, error } = useCommand()
  const [role, setRole] = useState<ClientRole>('push-consumer')
  const [kind, setKind] = useState<ClientKind>('structured')
  const [label, setLabel] = useState('')
  const [adminId, setAdminId] = useState(0)
  const admins = role.endsWith('consumer')
    ? props.channel.consumerAdmins
    : props.channel.supplierAdmins
  const admin = admins.find((a) => a.id === adminId) ?? admins[0]
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
        data-testid="connect-kind"
      >
        {CLIENT_KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <select
        value={admin?.id ?? 0}
        onChange={(e) => setAdminId(Number(e.target.value))}
        aria-label="Admin"
        data-testid="connect-admin"
      >
        {admins.map((a) => (
          <option key={a.id} value={a.id}>
            {role.endsWith('consumer') ? 'ConsumerAdmin' : 'SupplierAdmin'} {a.id} ({a.operator})
          </option>
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
            adminId: admin?.id ?? 0,
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
