import {
  DISPATCH_INFO_LIST_MAX,
  type DispatchInfo,
  type DispatchPage,
  type DispatchReport,
  type DispatchSettings,
  type DispatchStatus,
  type DispatchWorkerInfo
} from '@shared/contract/labs/dispatch'
import type { RedisHost } from '../redis/redis-host'
import { GUARANTEE, judgeEpoch, type CheckContext, type CheckResult } from './checker'
import type { Dispatcher } from './dispatcher'
import { EpochState, type EpochLedger } from './epoch-ledger'
import type { FaultLink } from './fault-link'

/**
 * The lab's bounded plain-JSON view for the UI (well under 256 KB whatever the run size): every
 * list is capped at DISPATCH_INFO_LIST_MAX, the epoch table is one page of it.
 */

/** The view before the first run. */
export function idleInfo(
  status: DispatchStatus,
  redis: RedisHost,
  rejected: DispatchInfo['link']['rejected']
): DispatchInfo {
  const emptyDir = {
    rule: { dropP: 0, delayMs: 0, jitterMs: 0, duplicateP: 0, dropNext: 0, cut: false },
    counters: {
      forwarded: 0,
      dropped: 0,
      droppedNext: 0,
      droppedCut: 0,
      delayed: 0,
      duplicated: 0
    }
  }
  return {
    status,
    labId: null,
    endpoint: null,
    curveServerKey: null,
    redisUrl: redis.url,
    settings: null,
    startedAt: null,
    elapsedMs: 0,
    progress: { messages: 0, acked: 0, givenUp: 0, settled: 0, inFlight: 0 },
    collections: {
      msgs: { count: 0, items: [] },
      sentMsgs: { count: 0, items: [] },
      rcvdMsgs: { count: 0, items: [] }
    },
    dispatcher: {
      state: 'stopped',
      durable: false,
      sends: 0,
      resends: 0,
      acks: 0,
      lateAcks: 0,
      crashes: 0
    },
    workers: [],
    link: { toWorker: emptyDir, toDispatcher: emptyDir, rejected },
    epochs: { total: 0, from: 1, violationsOnly: false, items: [] },
    flow: { sampleEvery: 1, until: null, epochs: [], events: [], selected: null },
    dedup: { from: 1, items: [] },
    series: [],
    redis: { restarts: 0, persistence: redis.toInfo().persistence },
    verdict: {
      state: 'pending',
      guarantee: '',
      counts: { zero: 0, once: 0, many: 0 },
      violations: { total: 0, items: [] },
      byCause: {},
      stopped: null
    }
  }
}

/** What a run shows, gathered by the run. */
export interface RunInfoInput {
  status: DispatchStatus
  labId: string
  settings: DispatchSettings
  /** The CURVE public key of the work endpoint; null when it is plain. */
  curveServerKey: string | null
  redis: RedisHost
  startedAt: number
  endedAt: number | null
  ledger: EpochLedger
  dispatcher: Dispatcher
  link: DispatchInfo['link']
  workers: DispatchWorkerInfo[]
  page: DispatchPage
  dedup: DispatchInfo['dedup']
  series: DispatchInfo['series']
  redisRestarts: number
  /** The (live or final) checker result. */
  result: CheckResult
  /** What the checker judged with (the per-epoch table judges each row the same way). */
  context: CheckContext
  /** The message-flow diagram's view. */
  flow: DispatchInfo['flow']
  /** Set once the run has ended. */
  report: DispatchReport | null
}

/** The view of a live or ended run. */
export function runInfo(input: RunInfoInput): DispatchInfo {
  const { ledger, settings, result } = input
  const max = DISPATCH_INFO_LIST_MAX
  return {
    status: input.status,
    labId: input.labId,
    endpoint: settings.endpoint,
    curveServerKey: input.curveServerKey,
    redisUrl: input.redis.url,
    settings,
    startedAt: input.startedAt,
    elapsedMs: (input.endedAt ?? Date.now()) - input.startedAt,
    progress: {
      messages: ledger.n,
      acked: ledger.acked,
      givenUp: ledger.givenUp,
      settled: ledger.settled,
      inFlight: input.dispatcher.inFlight
    },
    collections: input.dispatcher.collections(max),
    dispatcher: dispatcherInfo(input.dispatcher, settings.durableDispatcher),
    workers: input.workers,
    link: input.link,
    epochs: epochPage(ledger, input.context, input.page, max),
    flow: input.flow,
    dedup: input.dedup,
    series: input.series,
    redis: { restarts: input.redisRestarts, persistence: input.redis.toInfo().persistence },
    verdict: {
      state: input.report ? input.report.verdict : 'pending',
      guarantee: GUARANTEE[settings.semantics],
      counts: result.counts,
      violations: { total: result.total, items: result.violations.slice(0, max) },
      byCause: result.byCause,
      stopped: result.stopped
    }
  }
}

export function dispatcherInfo(
  dispatcher: Dispatcher,
  durable: boolean
): DispatchInfo['dispatcher'] {
  const s = dispatcher.stats
  return {
    state: dispatcher.state,
    durable,
    sends: s.sends,
    resends: s.resends,
    acks: s.acks,
    lateAcks: s.lateAcks,
    crashes: s.crashes
  }
}

/** One page of the per-epoch table, from `page.epochFrom`, violations only if asked. */
function epochPage(
  ledger: EpochLedger,
  context: CheckContext,
  page: DispatchPage,
  max: number
): DispatchInfo['epochs'] {
  const items: DispatchInfo['epochs']['items'] = []
  const from = Math.min(Math.max(1, page.epochFrom), Math.max(1, ledger.n))
  for (let e = from; e <= ledger.n && items.length < max; e++) {
    const executions = ledger.executionsOf(e)
    const judged = judgeEpoch(ledger, e, context)
    const ok = judged.kind !== 'violation'
    if (page.violationsOnly && ok) continue
    const st = ledger.state[e]
    items.push({
      epoch: e,
      attempts: ledger.attempts[e] as number,
      deliveries: ledger.deliveriesOf(e),
      executions,
      state:
        st === EpochState.Acked
          ? 'acked'
          : st === EpochState.GivenUp
            ? 'given-up'
            : st === EpochState.Sent
              ? 'sent'
              : 'queued',
      ok,
      verdict: judged.kind,
      cause: judged.kind === 'violation' ? judged.cause : null
    })
  }
  return { total: ledger.n, from, violationsOnly: page.violationsOnly, items }
}

/** The link's view: both directions' rules and counters, and the frames it rejected. */
export function linkInfo(
  link: FaultLink,
  rejected: DispatchInfo['link']['rejected']
): DispatchInfo['link'] {
  return {
    toWorker: link.toInfo('to-worker'),
    toDispatcher: link.toInfo('to-dispatcher'),
    rejected
  }
}
