import { useState, type ReactNode } from 'react'
import {
  ChannelsCommandType,
  type ChannelInfoJson,
  type PropertyJson
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'

const LIMITS = ['MaxQueueLength', 'MaxConsumers', 'MaxSuppliers'] as const

function numberOf(list: PropertyJson[], name: string): number {
  const v = list.find((p) => p.name === name)?.value
  return typeof v === 'number' ? v : 0
}

/** The admin properties of a channel (set_admin, §3.2): MaxQueueLength, MaxConsumers, MaxSuppliers, RejectNewEvents. */
export function AdminPropertiesForm(props: { channel: ChannelInfoJson }): ReactNode {
  const { run, busy, error } = useCommand()
  const admin = props.channel.admin
  const [values, setValues] = useState<Record<string, number>>(
    Object.fromEntries(LIMITS.map((n) => [n, numberOf(admin, n)]))
  )
  const [reject, setReject] = useState(
    admin.find((p) => p.name === 'RejectNewEvents')?.value === true
  )
  return (
    <div className="toolbar" data-testid="admin-properties">
      <span className="muted small">Admin properties (0 = ∞)</span>
      {LIMITS.map((name) => (
        <label key={name} className="small">
          {name}{' '}
          <input
            type="number"
            min={0}
            className="narrow"
            value={values[name] ?? 0}
            onChange={(e) => setValues((v) => ({ ...v, [name]: Number(e.target.value) }))}
            data-testid={`admin-prop-${name}`}
          />
        </label>
      ))}
      <label className="small">
        <input type="checkbox" checked={reject} onChange={(e) => setReject(e.target.checked)} />{' '}
        RejectNewEvents
      </label>
      <button
        className="btn btn-small"
        disabled={busy}
        onClick={() =>
          void run({
            type: ChannelsCommandType.SetAdmin,
            channelId: props.channel.id,
            admin: [
              ...LIMITS.map((name) => ({ name, value: values[name] ?? 0 })),
              { name: 'RejectNewEvents', value: reject }
            ]
          })
        }
        data-testid="admin-properties-set"
      >
        Set admin properties
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}
