import { useState, type ReactNode } from 'react'
import {
  ChannelsCommandType,
  type ConsumerProxyInfo,
  type LabClientInfo
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'

/** Kill/revive, suspend/resume, pull/try_pull (with a batch maximum for sequences), disconnect. */
export function ConsumerControls(props: {
  client: LabClientInfo
  proxy: ConsumerProxyInfo | undefined
}): ReactNode {
  const { run, busy, error } = useCommand()
  const [max, setMax] = useState(10)
  const { client, proxy } = props
  const pull = client.role === 'pull-consumer'
  const sequence = client.kind === 'sequence'
  const pullCommand = (mode: 'pull' | 'try_pull'): void =>
    void run({
      type: ChannelsCommandType.Pull,
      clientId: client.id,
      mode,
      ...(sequence ? { max } : {})
    })
  return (
    <div className="client-actions">
      {client.state === 'killed' ? (
        <button
          className="btn btn-small"
          disabled={busy}
          onClick={() => void run({ type: ChannelsCommandType.Revive, clientId: client.id })}
        >
          Revive
        </button>
      ) : (
        <button
          className="btn btn-small btn-danger"
          disabled={busy || client.state !== 'connected'}
          onClick={() => void run({ type: ChannelsCommandType.Kill, clientId: client.id })}
          data-testid={`kill-${client.id}`}
        >
          Kill consumer
        </button>
      )}
      {!pull && proxy ? (
        proxy.suspended ? (
          <button
            className="btn btn-small btn-on"
            disabled={busy}
            onClick={() => void run({ type: ChannelsCommandType.Resume, proxy: proxy.ref })}
            data-testid={`resume-${client.id}`}
          >
            Resume
          </button>
        ) : (
          <button
            className="btn btn-small"
            disabled={busy || !proxy.connected}
            onClick={() => void run({ type: ChannelsCommandType.Suspend, proxy: proxy.ref })}
            data-testid={`suspend-${client.id}`}
          >
            Suspend
          </button>
        )
      ) : null}
      {pull ? (
        <>
          {sequence ? (
            <label className="small" title="most events per pull_structured_events call">
              max{' '}
              <input
                type="number"
                min={1}
                max={1000}
                value={max}
                onChange={(e) => setMax(Number(e.target.value))}
                className="narrow"
                data-testid={`pull-max-${client.id}`}
              />
            </label>
          ) : null}
          <button className="btn btn-small" disabled={busy} onClick={() => pullCommand('try_pull')}>
            try_pull
          </button>
          <button className="btn btn-small" disabled={busy} onClick={() => pullCommand('pull')}>
            pull (blocks)
          </button>
        </>
      ) : null}
      <button
        className="btn btn-small"
        disabled={busy || client.state === 'disconnected'}
        onClick={() => void run({ type: ChannelsCommandType.Disconnect, clientId: client.id })}
      >
        Disconnect
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}
