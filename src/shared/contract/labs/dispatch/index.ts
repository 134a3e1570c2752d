import { z } from 'zod'
import { defineLabContract } from '../../lab-contract'
import { DispatchCommandSchema, DispatchCommandType } from './commands'
import type { DispatchInfo } from './info'
import { DispatchRecordingSchema } from './recording'

export * from './commands'
export * from './info'
export * from './recording'

/** The Dispatch lab's contract: commands, their replies (all `null`: the snapshot shows effects). */
export const dispatchContract = defineLabContract<DispatchInfo>()({
  id: 'dispatch',
  commands: DispatchCommandSchema,
  recording: DispatchRecordingSchema,
  results: {
    [DispatchCommandType.Start]: z.null(),
    [DispatchCommandType.Stop]: z.null(),
    [DispatchCommandType.Fault]: z.null(),
    [DispatchCommandType.Worker]: z.null(),
    [DispatchCommandType.Page]: z.null(),
    [DispatchCommandType.Flow]: z.null()
  }
})
