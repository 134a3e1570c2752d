import type { LabFeature } from '../registry'
import { ChannelsPanel } from './ChannelsPanel'
import { ChannelsReplay } from './Replay'

/** The Channels lab as the app shell lists it. */
export const channels: LabFeature = {
  id: 'channels',
  title: 'Channels',
  about:
    'Event channels after the CORBA Event and Notification Services: push and pull proxies, federation, filters and QoS.',
  Panel: ChannelsPanel,
  Replay: ChannelsReplay
}
