import { useState, type ReactNode } from 'react'
import { ChannelsCommandType, type PropertyJson } from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import {
  DEFAULT_DISCARD_POLICY,
  DEFAULT_ORDER_POLICY,
  DISCARD_POLICIES,
  ORDER_POLICIES,
  POLICY_NAMES
} from './qos-names'

const ADMIN_LIMITS = ['MaxQueueLength', 'MaxConsumers', 'MaxSuppliers'] as const

/** The create_channel command of the form's values (exported for tests). */
export function createChannelCommand(form: {
  label: string
  order: string
  discard: string
  maxPerConsumer: number
  limits: Record<string, number>
  reject: boolean
  persistent: boolean
}): {
  type: typeof ChannelsCommandType.Create
  qos: PropertyJson[]
  admin: PropertyJson[]
  label?: string
} {
  const qos: PropertyJson[] = [
    { name: 'OrderPolicy', value: POLICY_NAMES.indexOf(form.order) },
    { name: 'DiscardPolicy', value: POLICY_NAMES.indexOf(form.discard) }
  ]
  // Reliability values are the spec's shorts: 0 BestEffort, 1 Persistent.
  if (form.persistent) {
    qos.push({ name: 'EventReliability', value: 1 }, { name: 'ConnectionReliability', value: 1 })
  }
  if (form.maxPerConsumer > 0)
    qos.push({ name: 'MaxEventsPerConsumer', value: form.maxPerConsumer })
  const admin: PropertyJson[] = []
  for (const name of ADMIN_LIMITS) {
    const n = form.limits[name] ?? 0
    if (n > 0) admin.push({ name, value: n })
  }
  if (form.reject) admin.push({ name: 'RejectNewEvents', value: true })
  return {
    type: ChannelsCommandType.Create,
    qos,
    admin,
    ...(form.label ? { label: form.label } : {})
  }
}

function NumberField(props: {
  label: string
  value: number
  onChange: (n: number) => void
}): ReactNode {
  return (
    <label className="field">
      <span>{props.label} (0 = ∞)</span>
      <input
        type="number"
        min={0}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
        data-testid={`create-${props.label}`}
      />
    </label>
  )
}

/** Creates a channel with the QoS and admin properties a student picks (defaults as the spec's). */
export function CreateChannelForm(): ReactNode {
  const { run, busy, error } = useCommand()
  const [label, setLabel] = useState('')
  const [persistent, setPersistent] = useState(false)
  const [order, setOrder] = useState(DEFAULT_ORDER_POLICY)
  const [discard, setDiscard] = useState(DEFAULT_DISCARD_POLICY)
  const [maxPerConsumer, setMaxPerConsumer] = useState(0)
  const [limits, setLimits] = useState<Record<string, number>>({})
  const [reject, setReject] = useState(false)
  const create = (): void =>
    void run(
      createChannelCommand({ label, order, discard, maxPerConsumer, limits, reject, persistent })
    )
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
        <select value={order} onChange={(e) => setOrder(e.target.value)} data-testid="create-order">
          {ORDER_POLICIES.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>DiscardPolicy</span>
        <select
          value={discard}
          onChange={(e) => setDiscard(e.target.value)}
          data-testid="create-discard"
        >
          {DISCARD_POLICIES.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <NumberField
        label="MaxEventsPerConsumer"
        value={maxPerConsumer}
        onChange={setMaxPerConsumer}
      />
      {ADMIN_LIMITS.map((name) => (
        <NumberField
          key={name}
          label={name}
          value={limits[name] ?? 0}
          onChange={(n) => setLimits((l) => ({ ...l, [name]: n }))}
        />
      ))}
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
