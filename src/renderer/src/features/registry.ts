import type { ComponentType } from 'react'
import type { LabId } from '@shared/contract'
import { cache } from './cache'
import { channels } from './channels'
import { cluster } from './cluster'
import { dispatch } from './dispatch'

/**
 * What the app shell knows of a built lab's UI. Each lab folder exports one from its `index.ts`;
 * the shell builds its nav and its panel switch from `LAB_FEATURES`, so adding a lab's UI is one
 * line here (plus its folder).
 */
export interface LabFeature {
  /** The lab's id in the contract registry; also its route (`#/<id>`) and nav testid. */
  id: LabId
  /** The name in the nav. */
  title: string
  /** One line on what the lab teaches. */
  about: string
  /** The lab's whole panel; it reads its view with `useLabInfo(id)`. */
  Panel: ComponentType
  /** Redraws an exported lesson run's diagram from its recording, read-only (optional). */
  Replay?: ComponentType<{ recording: unknown }>
}

/** The built labs, in nav order. */
export const LAB_FEATURES: readonly LabFeature[] = [dispatch, channels, cache, cluster]
