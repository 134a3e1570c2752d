import { cacheLab } from './cache'
import { channelsLab } from './channels'
import { clusterLab } from './cluster'
import { dispatchLab } from './dispatch'
import type { LabDefinition } from './lab'

/**
 * The engine's lab registry: adding a lab is one entry here (plus its folders). The engine creates,
 * starts and routes to exactly these, starting them in this order and closing them in reverse; it
 * names none of them.
 */
export const LAB_DEFINITIONS: readonly LabDefinition[] = [
  channelsLab,
  dispatchLab,
  cacheLab,
  clusterLab
]
