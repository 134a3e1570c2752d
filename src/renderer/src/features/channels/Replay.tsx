import { useMemo, type ReactNode } from 'react'
import { ChannelsRecordingSchema } from '@shared/contract/labs/channels'
import { EventFlow } from './EventFlow'

/** An exported Channels run, read-only: the event flow as it was when the script ended. */
export function ChannelsReplay(props: { recording: unknown }): ReactNode {
  const parsed = useMemo(
    () => ChannelsRecordingSchema.safeParse(props.recording),
    [props.recording]
  )
  if (!parsed.success) {
    return <p className="callout callout-bad small">The run&apos;s recording is damaged.</p>
  }
  return (
    <div data-testid="channels-replay">
      <EventFlow flow={parsed.data.flow} clients={parsed.data.clients} />
    </div>
  )
}
