import type {
  DispatchViolation,
  ExecutionCounts,
  Semantics,
  ViolationCause
} from '@shared/contract/labs/dispatch'
import { EpochFlag, type EpochLedger } from './epoch-ledger'

/** The guarantee each mode asserts, in words (ARCHITECTURE §2's table). */
export const GUARANTEE: Record<Semantics, string> = {
  'at-most-once': 'each epoch executed 0 or 1 times',
  'at-least-once': 'each epoch executed at least once',
  'exactly-once-naive': 'each epoch executed exactly once',
  'exactly-once-atomic': 'each epoch executed exactly once'
}

export interface CheckContext {
  semantics: Semantics
  /** True once the run settled and executions come from the effects hash. */
  final: boolean
  /**
   * The user stopped the run before it settled: epochs never sent, and epochs a re-sending mode
   * would still have re-sent, are listed apart ("not sent / unsettled: run stopped"), not judged.
   */
  stopped: boolean
  /** Redis restarted without persistence during the run (the dedup table was lost). */
  dedupLost: boolean
  /** Wall-clock ms of worker crashes seen (bounded), for lost epochs without other evidence. */
  crashTimes: readonly number[]
  timeoutMs: number
}

/**
 * Whether an epoch with `executions` satisfies the mode's guarantee. Before the run settles an
 * epoch may still be executed, so "not yet" is not a violation.
 */
export function epochOk(semantics: Semantics, executions: number, final: boolean): boolean {
  switch (semantics) {
    case 'at-most-once':
      return executions <= 1
    case 'at-least-once':
      return executions >= 1 || !final
    default:
      return executions === 1 || (!final && executions === 0)
  }
}

/** How one epoch is judged: ok, a violation with its cause, or set apart by a stop. */
export type EpochJudgement =
  { kind: 'ok' } | { kind: 'violation'; cause: ViolationCause } | { kind: 'not-sent' | 'unsettled' }

/** Modes whose dispatcher re-sends until an ack (so a stop, not a fault, left an epoch at 0). */
function resends(semantics: Semantics): boolean {
  return semantics !== 'at-most-once'
}

/** Judges one epoch against the mode's guarantee (the per-epoch table and the checker agree). */
export function judgeEpoch(ledger: EpochLedger, epoch: number, ctx: CheckContext): EpochJudgement {
  const executions = ledger.executionsOf(epoch)
  if (ctx.stopped && executions === 0) {
    const attempts = ledger.attempts[epoch] as number
    if (attempts === 0) return { kind: 'not-sent' }
    const f = ledger.flags[epoch] as number
    const lostAnyway = f & (EpochFlag.DispatcherCrash | EpochFlag.MaxAttempts)
    if (resends(ctx.semantics) && !lostAnyway) return { kind: 'unsettled' }
  }
  if (epochOk(ctx.semantics, executions, ctx.final)) return { kind: 'ok' }
  return { kind: 'violation', cause: causeOf(ledger, epoch, ctx) }
}

/**
 * The most specific cause the evidence supports for an epoch executed 0 or more than once, per
 * mode. Order matters: a crash between work and mark explains a repeat better than the re-send
 * that followed it, and a lost dedup table better than both. Only exactly-once-naive has a check
 * that two concurrent deliveries can both pass; at-most-once never re-sends, so its repeats come
 * from the link.
 */
export function causeOf(ledger: EpochLedger, epoch: number, ctx: CheckContext): ViolationCause {
  const executions = ledger.executionsOf(epoch)
  const f = ledger.flags[epoch] as number
  if (executions === 0) {
    if (f & EpochFlag.DispatcherCrash) return 'dispatcher-crashed'
    if (f & EpochFlag.CutToWorker) return 'link-cut'
    if (f & EpochFlag.CrashedHolding) return 'worker-crashed'
    if (f & EpochFlag.DroppedToWorker) return 'dropped-to-worker'
    if (crashedWhileSent(ledger, epoch, ctx)) return 'worker-crashed'
    if (f & EpochFlag.MaxAttempts) return 'max-attempts'
    return 'unexplained'
  }
  if (ctx.semantics === 'at-most-once') {
    return f & EpochFlag.DuplicatedToWorker ? 'duplicated-by-link' : 'unexplained'
  }
  const base = ledger.effectsBase
  if (
    ctx.dedupLost &&
    base &&
    (base[epoch] as number) >= 1 &&
    executions > (base[epoch] as number)
  ) {
    return 'dedup-lost-redis-restart'
  }
  if (f & EpochFlag.CrashAfterWork) return 'crash-after-work-before-mark'
  if (ctx.semantics === 'exactly-once-naive' && f & EpochFlag.Concurrent) {
    return 'concurrent-deliveries'
  }
  if (f & EpochFlag.DuplicatedToWorker) return 'duplicated-by-link'
  if ((ledger.attempts[epoch] as number) > 1) return 'ack-lost-resent'
  return 'unexplained'
}

function crashedWhileSent(ledger: EpochLedger, epoch: number, ctx: CheckContext): boolean {
  const from = ledger.firstSentAt[epoch] as number
  if (from === 0 || ctx.crashTimes.length === 0) return false
  const to = from + ctx.timeoutMs * Math.max(1, ledger.attempts[epoch] as number) + ctx.timeoutMs
  return ctx.crashTimes.some((t) => t >= from && t <= to)
}

export interface CheckResult {
  counts: ExecutionCounts
  deliveries: number
  executions: number
  /** Up to `limit` violations, in epoch order. */
  violations: DispatchViolation[]
  /** The true number of violations. */
  total: number
  byCause: Partial<Record<ViolationCause, number>>
  /** Set apart by a stop (never judged): epochs never sent, and epochs still owed a re-send. */
  stopped: { notSent: number; unsettled: number } | null
}

/**
 * Checks every epoch against the mode's guarantee.
 * @param limit most violations to return (the count and per-cause totals are always complete).
 */
export function check(
  ledger: EpochLedger,
  ctx: CheckContext,
  limit = Number.POSITIVE_INFINITY
): CheckResult {
  const counts: ExecutionCounts = { zero: 0, once: 0, many: 0 }
  const violations: DispatchViolation[] = []
  const byCause: Partial<Record<ViolationCause, number>> = {}
  let total = 0
  let deliveries = 0
  let executionsTotal = 0
  let notSent = 0
  let unsettled = 0
  for (let epoch = 1; epoch <= ledger.n; epoch++) {
    const executions = ledger.executionsOf(epoch)
    const d = ledger.deliveriesOf(epoch)
    deliveries += d
    executionsTotal += executions
    if (executions === 0) counts.zero++
    else if (executions === 1) counts.once++
    else counts.many++
    const judged = judgeEpoch(ledger, epoch, ctx)
    if (judged.kind === 'not-sent') notSent++
    if (judged.kind === 'unsettled') unsettled++
    if (judged.kind !== 'violation') continue
    const cause = judged.cause
    total++
    byCause[cause] = (byCause[cause] ?? 0) + 1
    if (violations.length < limit) {
      violations.push({
        epoch,
        executions,
        deliveries: d,
        attempts: ledger.attempts[epoch] as number,
        cause
      })
    }
  }
  return {
    counts,
    deliveries,
    executions: executionsTotal,
    violations,
    total,
    byCause,
    stopped: ctx.stopped ? { notSent, unsettled } : null
  }
}

/** Percentile (0..100) of the acked latencies, by sorting a copy. NaN-free; 0 when none. */
export function percentiles(latencies: Float32Array, ps: number[]): number[] {
  const values: number[] = []
  for (const v of latencies) if (!Number.isNaN(v)) values.push(v)
  if (values.length === 0) return ps.map(() => 0)
  const sorted = Float64Array.from(values).sort()
  return ps.map((p) => {
    const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
    return Math.round((sorted[idx] as number) * 100) / 100
  })
}
