import { cacheScenario } from '../engine/cache/scenario'
import { channelsScenario } from '../engine/channels/scenario'
import { clusterScenario } from '../engine/cluster/scenario'
import { dispatchScenario } from '../engine/dispatch/scenario'
import type { ScenarioAdapter } from '../engine/scenario-adapter'

/**
 * The scenario adapters, by lab id: a lab with lessons is one entry here (its adapter lives in its
 * own folder, `src/main/engine/<lab>/scenario.ts`). The runner names no lab.
 */
export const SCENARIO_ADAPTERS: readonly ScenarioAdapter[] = [
  dispatchScenario as ScenarioAdapter,
  channelsScenario as ScenarioAdapter,
  cacheScenario as ScenarioAdapter,
  clusterScenario as ScenarioAdapter
]

export function adapterOf(
  lab: string,
  adapters: readonly ScenarioAdapter[] = SCENARIO_ADAPTERS
): ScenarioAdapter | undefined {
  return adapters.find((a) => a.lab === lab)
}
