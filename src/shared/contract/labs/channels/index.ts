import { defineLabContract } from '../../lab-contract'
import { ChannelsCommandSchema } from './commands'
import type { ChannelsInfo } from './info'
import { ChannelsRecordingSchema } from './recording'
import { ChannelsResultSchemas } from './results'

export * from './commands'
export * from './events'
export * from './info'
export * from './limits'
export * from './recording'
export * from './results'

/** The Channels lab's contract (CORBA Event and Notification Services, issue 4). */
export const channelsContract = defineLabContract<ChannelsInfo>()({
  id: 'channels',
  commands: ChannelsCommandSchema,
  recording: ChannelsRecordingSchema,
  results: ChannelsResultSchemas
})
