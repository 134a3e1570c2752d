import type {
  DispatchInfo,
  DispatchReport,
  DispatchSettings,
  DispatchWorkerInfo
} from '@shared/contract/labs/dispatch'
import type { LabEmit } from '../lab'
import { check, GUARANTEE, percentiles, type CheckContext } from './checker'
import type { EpochLedger } from './epoch-ledger'

/** Everything the final report is made of, gathered by the run when it ends. */
export interface ReportInput {
  settings: DispatchSettings
  labId: string
  ledger: EpochLedger
  /** The checker's context with `final: true`. */
  context: CheckContext
  startedAt: number
  endedAt: number
  /** Wall-clock ms of the latest ack (throughput is measured up to it); 0 without acks. */
  lastAckAt: number
  dedupLost: boolean
  effectsLost: boolean
  redisRestarts: number
  persistence: boolean
  /** Ids of workers still paused at the end. */
  paused: string[]
  dispatcher: DispatchInfo['dispatcher']
  link: DispatchReport['link']
  workers: DispatchWorkerInfo[]
  /** Notes so far (e.g. the effects hash could not be read); the report adds its own. */
  notes: string[]
}

/** The run's verdict and numbers: the checker over the ledger, plus what explains them. */
export function buildReport(input: ReportInput): DispatchReport {
  const { ledger, settings } = input
  const notes = [...input.notes]
  const result = check(ledger, input.context)
  const [p50, p99] = percentiles(ledger.latencyMs, [50, 99])
  const durationMs = Math.max(1, input.endedAt - input.startedAt)
  // From the first send to the last ack: the settling pause after it is not throughput.
  const ackSpanMs =
    input.lastAckAt > input.startedAt ? input.lastAckAt - input.startedAt : durationMs
  if (ledger.settled < ledger.n)
    notes.push(`the run was stopped with ${ledger.n - ledger.settled} epoch(s) unsettled`)
  if (input.dedupLost)
    notes.push('Redis restarted without persistence: the dedup marks written before it were lost')
  if (input.effectsLost) {
    notes.push(
      'Redis was killed without persistence and lost the effects hash; executions before the kill come from the workers’ telemetry'
    )
  }
  if (input.paused.length > 0)
    notes.push(
      `worker(s) ${input.paused.join(', ')} were still paused; what they hold is not counted`
    )
  let telemetryExec = 0
  for (let e = 1; e <= ledger.n; e++) telemetryExec += ledger.telemetryExecutions[e] as number
  if (ledger.executions && telemetryExec > result.executions) {
    notes.push(
      `workers reported ${telemetryExec} executions but the effects hash holds ${result.executions}`
    )
  }
  const perEpoch = {
    deliveries: new Array<number>(ledger.n),
    executions: new Array<number>(ledger.n),
    attempts: new Array<number>(ledger.n)
  }
  for (let e = 1; e <= ledger.n; e++) {
    perEpoch.deliveries[e - 1] = ledger.deliveriesOf(e)
    perEpoch.executions[e - 1] = ledger.executionsOf(e)
    perEpoch.attempts[e - 1] = ledger.attempts[e] as number
  }
  return {
    semantics: settings.semantics,
    messages: ledger.n,
    labId: input.labId,
    verdict: result.total === 0 ? 'held' : 'violated',
    guarantee: GUARANTEE[settings.semantics],
    counts: result.counts,
    deliveries: result.deliveries,
    executions: result.executions,
    violations: result.violations,
    byCause: result.byCause,
    stopped: result.stopped,
    throughput: Math.round((ledger.acked * 1_000 * 100) / ackSpanMs) / 100,
    latency: { p50: p50 ?? 0, p99: p99 ?? 0 },
    durationMs,
    perEpoch,
    dispatcher: input.dispatcher,
    link: input.link,
    workers: input.workers,
    redis: { restarts: input.redisRestarts, persistence: input.persistence },
    notes
  }
}

/** The run's one-line verdict in the trace (a warning when the guarantee was violated). */
export function traceVerdict(report: DispatchReport, emit: LabEmit): void {
  emit(
    'verdict',
    report.verdict === 'held' ? 'info' : 'warn',
    `${report.semantics}: guarantee ${report.verdict} (${report.counts.zero} lost, ${report.counts.once} once, ${report.counts.many} repeated; ${report.violations.length} violation(s))`,
    {
      verdict: report.verdict,
      violations: report.violations.length,
      zero: report.counts.zero,
      many: report.counts.many
    }
  )
}
