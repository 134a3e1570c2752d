import { useState, type ReactNode } from 'react'
import { ChannelsCommandType, type ChannelInfoJson } from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import { ConfirmButton } from '../../components/ConfirmButton'

/** What a channel as a whole can do: flood it, federate it to another channel, destroy it (asks first). */
export function ChannelActions(props: { channel: ChannelInfoJson; others: number[] }): ReactNode {
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
      <ConfirmButton
        label="Destroy channel"
        question={`Destroy channel ${id}? Every client is disconnected and queued events are lost.`}
        disabled={busy}
        onConfirm={() => void run({ type: ChannelsCommandType.Destroy, channelId: id })}
        testId="channel-destroy"
      />
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}
