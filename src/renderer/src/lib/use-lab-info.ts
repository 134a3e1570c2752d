import type { LabId, Snapshot } from '@shared/contract'
import { useConsole } from '../store'

/**
 * The one place a panel reads its lab's view from the snapshot, so that where the snapshot keeps
 * it (today `snapshot.labs[id]`) is known here and nowhere else. Undefined until the first frame.
 */
export function useLabInfo<K extends LabId>(id: K): Snapshot['labs'][K] | undefined {
  return useConsole((s) => s.snapshot?.labs[id])
}
