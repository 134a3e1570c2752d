import type { LabEmit } from '../lab'
import type { Dispatcher } from './dispatcher'

/**
 * A scripted dispatcher crash stays down this long before its restart, in ms: long enough for
 * replies in flight to reach the dead socket and be lost, as in a real crash.
 */
export const SCRIPTED_DISPATCHER_DOWN_MS = 100

/**
 * `dispatcherCrashAtAcks` (`flowlab run --crash-dispatcher-at N`): the dispatcher-crash fault,
 * then dispatcher-restart, as a student pressing both buttons would. `over()` says the run ended
 * meanwhile (then it stays as it is; restart() also refuses one restarted by hand).
 */
export async function crashAndRestart(
  dispatcher: Dispatcher,
  acks: number,
  emit: LabEmit,
  over: () => boolean
): Promise<void> {
  if (over() || dispatcher.state !== 'running') return
  emit('dispatcher-crash-scripted', 'warn', `crashing the dispatcher after ${acks} acks`, { acks })
  dispatcher.crash()
  await new Promise((resolve) => setTimeout(resolve, SCRIPTED_DISPATCHER_DOWN_MS))
  if (over()) return
  try {
    await dispatcher.restart()
  } catch (err) {
    emit(
      'dispatcher-restart-failed',
      'error',
      `dispatcher restart failed: ${(err as Error).message}`
    )
  }
}
