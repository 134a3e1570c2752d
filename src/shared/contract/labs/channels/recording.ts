import { z } from 'zod'
import { ProxyRefSchema } from './commands'
import { CHANNEL_FLOW_STEPS_MAX, CHANNEL_FLOW_WINDOW } from './info'

/**
 * What an exported Channels lesson run keeps beside its outcome: the event-flow view at the end
 * (the newest events' stories) and the lab clients' labels, so the console can redraw it.
 */
export const ChannelsRecordingSchema = z.strictObject({
  flow: z.strictObject({
    sampleEvery: z.number().int().min(1),
    events: z
      .array(
        z.strictObject({
          channelId: z.number().int().min(0),
          seq: z.number().int().min(0),
          type: z.string().max(600),
          steps: z
            .array(
              z.strictObject({
                kind: z.enum(['received', 'filtered', 'discarded', 'expired', 'delivered']),
                proxy: z.string().max(64),
                t: z.number(),
                detail: z.string().max(200).nullable()
              })
            )
            .max(CHANNEL_FLOW_STEPS_MAX),
          more: z.number().int().min(0)
        })
      )
      .max(CHANNEL_FLOW_WINDOW)
  }),
  clients: z
    .array(z.strictObject({ label: z.string().max(64).nullable(), proxy: ProxyRefSchema }))
    .max(1_000)
})
export type ChannelsRecording = z.infer<typeof ChannelsRecordingSchema>
