import {
  clusterContract,
  type ClusterCommand,
  type ClusterInfo
} from '@shared/contract/labs/cluster'
import type { LabDefinition, LabHost } from '../lab'
import { ClusterLab } from './cluster-lab'

/**
 * The Cluster lab as the registry makes it. Setting `clusterUrl`: an existing cluster to use
 * instead of starting one (`flowlab cluster --cluster-url`, REDIS_CLUSTER_URL).
 */
export const clusterLab: LabDefinition<ClusterInfo, ClusterCommand> = {
  id: 'cluster',
  contract: clusterContract,
  create: (context) => {
    const url = context.settings.clusterUrl
    const bin = context.settings.redisServerBin
    return new ClusterLab({
      emit: context.emit,
      dataDir: context.dataDir,
      processes: context.processes,
      now: () => context.now(),
      ...(typeof url === 'string' && url ? { clusterUrl: url } : {}),
      ...(typeof bin === 'string' && bin ? { bin } : {})
    })
  }
}

/** The engine's Cluster lab, typed (for the CLI and tests in the main process). */
export function clusterLabOf(engine: LabHost): ClusterLab {
  const lab = engine.lab(clusterLab.id)
  if (!(lab instanceof ClusterLab)) throw new Error('this engine runs no Cluster lab')
  return lab
}

export { ClusterLab }
