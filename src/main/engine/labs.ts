import { channelsLab } from './channels'
import { dispatchLab } from './dispatch'
import type { LabDefinition } from './lab'

/**
 * The engine's lab registry: adding a lab is one entry here (plus its folders). The engine creates,
 * starts, routes to and closes exactly these, in this order; it names none of them.
 */
export const LAB_DEFINITIONS: readonly LabDefinition[] = [dispatchLab, channelsLab]
