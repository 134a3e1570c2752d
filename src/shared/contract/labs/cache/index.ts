import { z } from 'zod'
import { defineLabContract } from '../../lab-contract'
import { CacheCommandSchema, CacheCommandType } from './commands'
import type { CacheInfo } from './info'

export * from './commands'
export * from './info'

/** The Cache lab's contract: commands, their replies (all `null`: the snapshot shows effects). */
export const cacheContract = defineLabContract<CacheInfo>()({
  id: 'cache',
  commands: CacheCommandSchema,
  results: {
    [CacheCommandType.Start]: z.null(),
    [CacheCommandType.Stop]: z.null(),
    [CacheCommandType.Fault]: z.null(),
    [CacheCommandType.Flush]: z.null()
  }
})
