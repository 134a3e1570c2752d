import { useState, type ReactNode } from 'react'
import {
  CHANNELS_DEFAULT_ENDPOINT,
  ChannelsCommandType,
  type ChannelsInfo
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import { useLabInfo } from '../../lib/use-lab-info'
import { ChannelView } from './ChannelView'
import { ConfirmButton } from '../../components/ConfirmButton'
import { CreateChannelForm } from './CreateChannelForm'
import { EventFlow } from './EventFlow'
import './channels.css'

/** The remote door's rejects and refusals by reason, for a tooltip. */
function reasons(remote: ChannelsInfo['remote']): string {
  const by = { ...remote.rejected.byReason, ...remote.refused.byReason }
  return Object.entries(by)
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(', ')
}

/** The Channels lab: build event channels by hand, push events through them, watch QoS act. */
export function ChannelsPanel(): ReactNode {
  const info = useLabInfo('channels')
  const [selected, setSelected] = useState<number | null>(null)
  const { run } = useCommand()
  if (!info) return <section className="panel">Waiting for the engine…</section>
  const channel =
    info.channels.find((c) => c.id === selected) ?? info.channels[info.channels.length - 1]
  const restart = info.persistence.lastRestart
  return (
    <div className="channels" data-testid="channels-panel" data-status={info.status}>
      <section className="panel">
        <header className="panel-head">
          <h1>Channels</h1>
          <span className="muted small">
            {info.channelsTotal} channels · remote clients at{' '}
            <code>{info.remote.endpoint ?? CHANNELS_DEFAULT_ENDPOINT}</code> ·{' '}
            {info.remote.curveServerKey ? (
              <>
                CURVE server key{' '}
                <code data-testid="channels-curve-key">{info.remote.curveServerKey}</code> ·{' '}
              </>
            ) : null}
            {info.remote.sessionsTotal} sessions
            {info.remote.rejected.total > 0
              ? ` · ${info.remote.rejected.total} malformed frames rejected`
              : ''}
            {info.remote.refused.total > 0 || info.remote.evicted > 0 ? (
              <span data-testid="remote-refused" title={reasons(info.remote)}>
                {` · ${info.remote.refused.total} requests refused by limits`}
                {info.remote.evicted > 0 ? ` · ${info.remote.evicted} idle sessions evicted` : ''}
              </span>
            ) : null}
          </span>
          <div className="spacer" />
          <ConfirmButton
            label="Restart engine"
            question="Restart the channels engine as a crash would? Best-effort events in flight are lost."
            onConfirm={() => void run({ type: ChannelsCommandType.Restart })}
            testId="channels-restart"
          />
        </header>
        {restart &&
        (restart.bestEffortLost > 0 ||
          restart.eventsRestored > 0 ||
          restart.channelsRestored > 0) ? (
          <div
            className={`callout ${restart.bestEffortLost > 0 ? 'callout-bad' : ''}`}
            data-testid="restart-report"
          >
            After the last {restart.unclean ? 'crash' : 'restart'}: {restart.channelsRestored}{' '}
            persistent channels and {restart.proxiesRestored} proxies came back with{' '}
            {restart.eventsRestored} stored events;{' '}
            <strong>{restart.bestEffortLost} best-effort events were lost.</strong>
          </div>
        ) : null}
        {!info.persistence.available ? (
          <div className="callout callout-bad">
            Redis is not available: persistent channels cannot be created until it is.
          </div>
        ) : null}
        <CreateChannelForm />
        {info.channels.length > 0 ? (
          <div className="channel-tabs" role="tablist">
            {info.channels.map((c) => (
              <button
                key={c.id}
                role="tab"
                aria-selected={c.id === channel?.id}
                className={`tab${c.id === channel?.id ? ' active' : ''}`}
                onClick={() => {
                  setSelected(c.id)
                  void run({ type: ChannelsCommandType.View, channelId: c.id })
                }}
              >
                {c.label ?? `Channel ${c.id}`}
              </button>
            ))}
          </div>
        ) : (
          <p className="muted">No channels yet: create one above.</p>
        )}
      </section>
      {channel ? <EventFlow flow={info.flow} clients={info.clients} /> : null}
      {channel ? <ChannelView channel={channel} info={info} /> : null}
    </div>
  )
}
