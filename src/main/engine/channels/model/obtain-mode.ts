import type { EventType } from '../event'
import { ObtainInfoMode } from './constants'
import { NotifyError, NotifyErrorCode } from './notify-error'

/**
 * Applies an ObtainInfoMode (§2.8).
 * @throws NotifyError BAD_PARAM for an unknown mode
 */
export function applyObtainMode(
  mode: ObtainInfoMode,
  current: () => EventType[]
): { types: EventType[]; updates: boolean } {
  switch (mode) {
    case ObtainInfoMode.ALL_NOW_UPDATES_OFF:
      return { types: current(), updates: false }
    case ObtainInfoMode.ALL_NOW_UPDATES_ON:
      return { types: current(), updates: true }
    case ObtainInfoMode.NONE_NOW_UPDATES_OFF:
      return { types: [], updates: false }
    case ObtainInfoMode.NONE_NOW_UPDATES_ON:
      return { types: [], updates: true }
    default:
      throw new NotifyError(NotifyErrorCode.BAD_PARAM, `unknown ObtainInfoMode ${String(mode)}`)
  }
}
