import { CommandError, ErrorCode } from '@shared/contract'
import type {
  DispatchFaultAction,
  DispatchSettings,
  DispatchWorkerAction,
  LinkDirection,
  LinkTarget
} from '@shared/contract/labs/dispatch'
import type { LabEmit } from '../lab'
import { EpochFlag, type EpochLedger } from './epoch-ledger'
import type { CurvePlan } from '../zmq/curve'
import type { Dispatcher } from './dispatcher'
import type { RedisFaults } from './redis-faults'
import { FaultLink, type FaultKind } from './fault-link'
import type { FlowLog } from './flow-log'
import type { RejectLog } from './reject-log'
import type { RunTelemetry } from './run-telemetry'
import type { WorkerPool } from './worker-pool'

/**
 * What the UI's link and worker buttons do to a run, and what the link's faults tell the checker
 * (each epoch remembers what happened to it, so a violation can name its cause).
 */

/** The faults the FaultLink applies itself. */
export type LinkFaultAction = Extract<
  DispatchFaultAction,
  { kind: 'rule' | 'drop-next' | 'cut' | 'heal' | 'clear' }
>

/**
 * The run's FaultLink (not started): its faults are flagged on the epochs, a duplicated reply is
 * told to the telemetry (one delivery, two replies).
 */
export function createLink(
  settings: DispatchSettings,
  ledger: EpochLedger,
  telemetry: RunTelemetry,
  rejects: RejectLog,
  emit: LabEmit,
  curve: CurvePlan
): FaultLink {
  return new FaultLink({
    endpoint: settings.endpoint,
    pipelined: settings.workerMode === 'pipelined',
    window: settings.window,
    seed: settings.seed ?? null,
    curve,
    onFault: (direction, kind, epoch) => {
      flagLinkFault(ledger, direction, kind, epoch)
      recordLinkFault(telemetry.flow, ledger, direction, kind, epoch)
      if (direction === 'to-dispatcher' && kind === 'duplicated') telemetry.duplicateReply(epoch)
    },
    onReject: (reason, detail) => rejects.add(reason, detail),
    onTrace: (type, level, message, data) => emit(type, level, message, data),
    onError: (err) => emit('link-error', 'error', `link: ${err.message}`)
  })
}

/**
 * Applies one fault of a run: Redis kill/restart, dispatcher crash/restart, or a link fault.
 * @throws CommandError `invalid_state` when the dispatcher cannot crash or restart now
 */
export async function applyFault(
  run: { faults: RedisFaults; dispatcher: Dispatcher; link: FaultLink },
  action: DispatchFaultAction
): Promise<void> {
  switch (action.kind) {
    case 'redis-kill':
      return run.faults.kill()
    case 'redis-restart':
      return run.faults.restart(action.persistence)
    case 'dispatcher-crash':
    case 'dispatcher-restart':
      try {
        if (action.kind === 'dispatcher-crash') run.dispatcher.crash()
        else await run.dispatcher.restart()
      } catch (err) {
        throw new CommandError(ErrorCode.InvalidState, (err as Error).message)
      }
      return
    default:
      applyLinkFault(run.link, action)
  }
}

/** Applies one link fault (rule, drop-next, cut, heal, clear) to one or both directions. */
export function applyLinkFault(link: FaultLink, action: LinkFaultAction): void {
  switch (action.kind) {
    case 'rule':
      for (const d of directions(action.direction)) {
        link.setRule(d, {
          dropP: action.dropP,
          delayMs: action.delayMs,
          jitterMs: action.jitterMs,
          duplicateP: action.duplicateP
        })
      }
      return
    case 'drop-next':
      for (const d of directions(action.direction)) link.dropNext(d, action.count)
      return
    case 'cut':
    case 'heal':
      for (const d of directions(action.direction)) link.setCut(d, action.kind === 'cut')
      return
    case 'clear':
      for (const d of directions(action.direction)) link.clear(d)
      return
  }
}

/** Draws what the link did to one of its messages on the message-flow diagram. */
function recordLinkFault(
  flow: FlowLog,
  ledger: EpochLedger,
  direction: LinkDirection,
  kind: FaultKind,
  epoch: number
): void {
  if (epoch <= 0 || !ledger.has(epoch)) return
  const attempt = ledger.attempts[epoch] as number
  const toWorker = direction === 'to-worker'
  switch (kind) {
    case 'dropped':
    case 'dropped-next':
    case 'dropped-cut':
      flow.add(epoch, toWorker ? 'drop-request' : 'drop-reply', 'link', attempt)
      return
    case 'duplicated':
      flow.add(epoch, 'duplicate', 'link', attempt)
      return
    case 'delayed':
      flow.add(epoch, 'delay', 'link', attempt)
      return
  }
}

/** Marks on the epoch what the link did to one of its messages (`epoch` < 0: unknown). */
export function flagLinkFault(
  ledger: EpochLedger,
  direction: LinkDirection,
  kind: FaultKind,
  epoch: number
): void {
  if (epoch < 0) return
  const toWorker = direction === 'to-worker'
  switch (kind) {
    case 'dropped':
    case 'dropped-next':
      ledger.flag(epoch, toWorker ? EpochFlag.DroppedToWorker : EpochFlag.DroppedToDispatcher)
      return
    case 'dropped-cut':
      ledger.flag(epoch, toWorker ? EpochFlag.CutToWorker : EpochFlag.CutToDispatcher)
      return
    case 'duplicated':
      if (toWorker) ledger.flag(epoch, EpochFlag.DuplicatedToWorker)
      return
    case 'delayed':
      ledger.flag(epoch, EpochFlag.Delayed)
      return
  }
}

/**
 * Applies one worker action to the run's pool.
 * @throws CommandError `invalid_state` when the pool refuses (no such worker, wrong state).
 */
export async function applyWorkerAction(
  pool: WorkerPool,
  settings: DispatchSettings,
  action: DispatchWorkerAction
): Promise<void> {
  try {
    switch (action.action) {
      case 'crash':
        pool.crash(action.workerId)
        return
      case 'crash-at':
        pool.crashAt(action.workerId, action.point, action.every)
        return
      case 'pause':
        pool.pause(action.workerId)
        return
      case 'resume':
        pool.resume(action.workerId)
        return
      case 'slow':
        pool.slow(action.workerId, action.workMs)
        return
      case 'restart':
        await pool.restart(action.workerId)
        return
      case 'add':
        pool.add(action.count, {
          workMs: settings.workMs,
          crashAt: null,
          crashEvery: 0,
          concurrency: settings.workerConcurrency
        })
        return
      case 'remove':
        await pool.remove(action.workerId)
        return
    }
  } catch (err) {
    if (err instanceof CommandError) throw err
    throw new CommandError(ErrorCode.InvalidState, (err as Error).message)
  }
}

function directions(target: LinkTarget): LinkDirection[] {
  return target === 'both' ? ['to-worker', 'to-dispatcher'] : [target]
}
