import type { LabFeature } from '../registry'
import { DispatchPanel } from './DispatchPanel'
import { DispatchReplay } from './Replay'

/** The Dispatch lab as the app shell lists it. */
export const dispatch: LabFeature = {
  id: 'dispatch',
  title: 'Dispatch',
  about:
    'A dispatcher sends work over ZeroMQ to worker processes; you inject faults and watch at-most-once, at-least-once and exactly-once hold or break.',
  Panel: DispatchPanel,
  Replay: DispatchReplay
}
