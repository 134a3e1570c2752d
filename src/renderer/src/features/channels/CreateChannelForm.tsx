import { useState, type ReactNode } from 'react'
import { ChannelsCommandType, type PropertyJson } from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'

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

/** Creates a channel with the QoS and admin properties a student picks. */
export function CreateChannelForm(): ReactNode {
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
