import { z } from 'zod'
import { defineLabContract } from '../../lab-contract'
import { ClusterCommandSchema, ClusterCommandType } from './commands'
import type { ClusterInfo } from './info'

export * from './commands'
export * from './info'

/** The Cluster lab's contract: commands and their replies (all `null`: the snapshot shows effects). */
export const clusterContract = defineLabContract<ClusterInfo>()({
  id: 'cluster',
  commands: ClusterCommandSchema,
  results: {
    [ClusterCommandType.Up]: z.null(),
    [ClusterCommandType.Down]: z.null(),
    [ClusterCommandType.Start]: z.null(),
    [ClusterCommandType.Stop]: z.null(),
    [ClusterCommandType.Fault]: z.null()
  }
})
