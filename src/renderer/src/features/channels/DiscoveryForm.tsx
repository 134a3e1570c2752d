import { useState, type ReactNode } from 'react'
import { ChannelsCommandType, type LabClientInfo } from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import { parseEventTypes } from './event-form'

/** offer_change (suppliers) or subscription_change (consumers) of a lab client (§2.8). */
export function DiscoveryForm(props: { client: LabClientInfo }): ReactNode {
  const { run, busy, error } = useCommand()
  const [types, setTypes] = useState('Telecom/Alarm')
  const supplier = props.client.role.endsWith('supplier')
  const change = (which: 'added' | 'removed'): void => {
    const list = parseEventTypes(types)
    void run({
      type: supplier ? ChannelsCommandType.OfferChange : ChannelsCommandType.SubscriptionChange,
      clientId: props.client.id,
      ...(which === 'added' ? { added: list } : { removed: list })
    })
  }
  const id = props.client.id
  return (
    <div className="client-actions" data-testid={`discovery-${id}`}>
      <span className="muted small">{supplier ? 'offers' : 'subscriptions'}</span>
      <input
        className="narrow-wide"
        value={types}
        onChange={(e) => setTypes(e.target.value)}
        placeholder="domain/type, …"
        aria-label="event types"
        data-testid={`discovery-types-${id}`}
      />
      <button
        className="btn btn-small"
        disabled={busy || parseEventTypes(types).length === 0}
        onClick={() => change('added')}
        data-testid={`discovery-add-${id}`}
      >
        {supplier ? 'Offer' : 'Subscribe'}
      </button>
      <button
        className="btn btn-small"
        disabled={busy || parseEventTypes(types).length === 0}
        onClick={() => change('removed')}
        data-testid={`discovery-remove-${id}`}
      >
        {supplier ? 'Withdraw offer' : 'Unsubscribe'}
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}
