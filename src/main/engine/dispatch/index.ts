import {
  dispatchContract,
  type DispatchCommand,
  type DispatchInfo
} from '@shared/contract/labs/dispatch'
import type { LabDefinition, LabHost } from '../lab'
import { DispatchLab } from './dispatch-lab'

/**
 * The Dispatch lab as the registry makes it. Setting `telemetryEndpoint`: where hand-started
 * workers send telemetry (e.g. `tcp://127.0.0.1:*`; `flowlab run --workers 0` sets it); none by
 * default.
 */
export const dispatchLab: LabDefinition<DispatchInfo, DispatchCommand> = {
  id: 'dispatch',
  contract: dispatchContract,
  create: (context) => {
    const telemetry = context.settings.telemetryEndpoint
    return new DispatchLab({
      redis: context.redis,
      emit: context.emit,
      processes: context.processes,
      dataDir: context.dataDir,
      ...(typeof telemetry === 'string' ? { telemetryEndpoint: telemetry } : {})
    })
  }
}

/** The engine's Dispatch lab, typed (for the CLI and tests in the main process). */
export function dispatchLabOf(engine: LabHost): DispatchLab {
  const lab = engine.lab(dispatchLab.id)
  if (!(lab instanceof DispatchLab)) throw new Error('this engine runs no Dispatch lab')
  return lab
}

export { DispatchLab }
