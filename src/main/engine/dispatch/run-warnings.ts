import type { Problem } from '@shared/contract'
import type { DispatchSettings, DispatchWorkerInfo } from '@shared/contract/labs/dispatch'
import type { FaultLink } from './fault-link'

/** A live run that has acked nothing for this long is called stalled. */
export const STALLED_MS = 10_000

/** What the warnings look at: a few numbers from the live run, cheap to read every snapshot. */
export interface RunHealth {
  labId: string
  settings: DispatchSettings
  workers: readonly DispatchWorkerInfo[]
  /** True while the link to the workers (requests) or back (acks) is cut. */
  cut: { toWorker: boolean; toDispatcher: boolean }
  /** Epochs sent and not yet acked or given up. */
  inFlight: number
  /** Epochs not yet settled. */
  unsettled: number
  quietForMs: number
  redisStatus: string
}

const DOWN: ReadonlySet<DispatchWorkerInfo['state']> = new Set(['crashed', 'stopped'])

/**
 * The conditions under which a run cannot progress, each said in plain words with the fix, so no
 * run stalls without a word: Redis gone, an ack timeout that cannot be met, no worker alive, a
 * cut link with epochs waiting, and (when nothing more specific explains it) no ack for a while.
 */
export function runWarnings(h: RunHealth): Problem[] {
  const out: Problem[] = []
  const id = (name: string): string => `dispatch:${name}`
  if (h.redisStatus !== 'up') {
    out.push({
      id: id('redis-lost'),
      severity: 'warning',
      message: `Redis is ${h.redisStatus} during dispatch run ${h.labId}: workers cannot mark or apply effects until it is back.`,
      hint: 'Restart Redis from the Redis panel; the verdict accounts for what a restart without persistence lost.'
    })
  }
  const alive = h.workers.filter((w) => !DOWN.has(w.state))
  const workMs = Math.max(h.settings.workMs, ...alive.map((w) => w.workMs))
  if (h.settings.semantics !== 'at-most-once' && h.settings.timeoutMs <= workMs) {
    const attempts = h.settings.maxAttempts
    out.push({
      id: id('timeout-below-work'),
      severity: 'warning',
      message: `The ack timeout (${h.settings.timeoutMs} ms) is not longer than the work time (${workMs} ms): the dispatcher re-sends every message before its ack can come back${attempts > 0 ? `, until max attempts (${attempts}) gives it up` : ', without end'}.`,
      hint: 'Start the run again with an ack timeout above the work time (Settings → Ack timeout).'
    })
  }
  if (h.workers.length > 0 && alive.length === 0 && h.unsettled > 0) {
    out.push({
      id: id('no-worker'),
      severity: 'error',
      message: `No worker alive: all ${h.workers.length} crashed or stopped and none restarts, so ${h.unsettled} epochs wait.`,
      hint: 'Press "Restart workers" in the Dispatch panel (or Add worker).'
    })
  }
  if (h.cut.toWorker || h.cut.toDispatcher) {
    if (h.inFlight > 0 || h.unsettled > 0) {
      const which = h.cut.toWorker ? 'to the workers' : 'back to the dispatcher'
      out.push({
        id: id('link-cut'),
        severity: 'warning',
        message: `The link ${which} is cut with ${h.unsettled} epochs waiting: nothing settles until it is healed.`,
        hint: 'Press Heal in the Faults panel.'
      })
    }
  }
  if (out.length === 0 && h.quietForMs >= STALLED_MS) {
    out.push({
      id: id('stalled'),
      severity: 'warning',
      message: `Dispatch run ${h.labId} has acked nothing for over ${STALLED_MS / 1_000} s.`,
      hint: 'Look for a lossy link, paused workers, or a crashed dispatcher (Restart dispatcher).'
    })
  }
  return out
}

/** A link rule that hurts messages is standing in either direction (the chart shades it). */
export function linkFaultStanding(link: FaultLink): boolean {
  return (['to-worker', 'to-dispatcher'] as const).some((dir) => {
    const r = link.toInfo(dir).rule
    return r.cut || r.dropNext > 0 || r.dropP > 0 || r.duplicateP > 0 || r.delayMs > 0
  })
}

/** Which directions of the link are cut. */
export function linkCut(link: FaultLink): RunHealth['cut'] {
  return {
    toWorker: link.toInfo('to-worker').rule.cut,
    toDispatcher: link.toInfo('to-dispatcher').rule.cut
  }
}
