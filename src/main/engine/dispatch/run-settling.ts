import { DISPATCH_WORKERS_MAX } from '@shared/contract/labs/dispatch'
import type { EpochLedger } from './epoch-ledger'
import type { FaultLink } from './fault-link'
import { effectsAhead } from './run-store'
import type { RunTelemetry } from './run-telemetry'
import type { WorkerPool } from './worker-pool'

/**
 * The pause between a run's last settled epoch and its report: what is still moving (delayed
 * messages, busy workers, telemetry on its way) gets to arrive, so the report counts it.
 */

/** After the last epoch settles, wait until nothing moved for this long before reading effects. */
export const QUIET_MS = 150
/** … but never longer than this in total. */
const QUIESCE_MAX_MS = 5_000
/**
 * The end of a run waits this long at most for telemetry that lags the replies and the effects
 * hash. It is only reached when a record can never come (a SIGKILLed worker's last batch, a
 * worker that sends no telemetry next to one that does); otherwise the wait ends on the batch.
 */
const TELEMETRY_WAIT_MAX_MS = 3_000
/** The same wait when the run was stopped or closed: the user is waiting, the report is partial. */
const TELEMETRY_WAIT_STOPPED_MS = 500
/**
 * A hand-started worker connects its telemetry socket apart from its work socket, so its replies
 * can come before its `ready`. When only hand-started workers replied and none has introduced
 * itself yet, the end of the run gives its `ready` this long (a worker that sends no telemetry,
 * such as examples/python/worker.py, costs the run this much once).
 */
const FIRST_CONTACT_WAIT_MS = 1_000

/** Resolves once no delayed message is in flight, no worker is busy and telemetry is quiet. */
export async function quiesce(
  link: FaultLink,
  pool: WorkerPool,
  telemetry: RunTelemetry
): Promise<void> {
  const started = Date.now()
  for (;;) {
    const now = Date.now()
    if (now - started > QUIESCE_MAX_MS) return
    const busy =
      link.delayedInFlight > 0 ||
      pool.toInfo(DISPATCH_WORKERS_MAX).some((w) => w.state === 'working' || w.state === 'starting')
    if (!busy && now - telemetry.lastAt >= QUIET_MS) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * A worker replies before the batch with that delivery's record goes out, and an execution can
 * land in Redis before its record reaches us (a late duplicate of an acked epoch). While any
 * worker reports telemetry, this waits for those records: the wait ends on the batch that brings
 * them, bounded by TELEMETRY_WAIT_MAX_MS for records that can never come.
 * @param crashTimes wall-clock ms of worker crashes, ascending.
 * @param readEffects re-reads the effects hash into the ledger (while it is ahead of telemetry).
 * @param opts whether the run settled on its own (else it was stopped: a shorter bound), and
 *   whether hand-started workers can report (a telemetry socket is bound).
 */
export async function catchUpTelemetry(
  ledger: EpochLedger,
  telemetry: RunTelemetry,
  pool: WorkerPool,
  crashTimes: readonly number[],
  readEffects: () => Promise<void>,
  opts: { settledNormally: boolean; telemetrySocket: boolean }
): Promise<void> {
  if (pool.size === 0 && telemetry.externalCount === 0) {
    if (!opts.telemetrySocket || ledger.acked === 0) return
    await telemetry.nextBatch(FIRST_CONTACT_WAIT_MS)
    if (telemetry.externalCount === 0) return
  }
  const deadline =
    Date.now() + (opts.settledNormally ? TELEMETRY_WAIT_MAX_MS : TELEMETRY_WAIT_STOPPED_MS)
  let readAt = Date.now()
  for (;;) {
    const ahead = effectsAhead(ledger)
    if (!ahead && !telemetry.lagsReplies(crashTimes)) return
    const left = deadline - Date.now()
    if (left <= 0) return
    await telemetry.nextBatch(Math.min(left, QUIET_MS))
    if (ahead && Date.now() - readAt >= QUIET_MS) {
      await readEffects()
      readAt = Date.now()
    }
  }
}
