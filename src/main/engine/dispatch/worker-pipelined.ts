/**
 * The pipelined worker mode (protocol v2, see protocol-batch.ts): a request carries a batch of
 * epochs, and exactly-once-atomic marks and applies the whole batch in one Lua call that takes the
 * request's binary epochs frame as is (markAndApplyEpochs-1.lua). Other semantics, work time, or a
 * crash armed take the seed's steps per epoch (worker-semantics.ts), so a crash point keeps its
 * per-message meaning: the epochs before the one that may crash are done and replied as one batch,
 * the crashing one dies at its point, the later ones die with the process. Only relative imports:
 * this file is loaded in the worker process.
 */
import { dispatchKeys } from './keys'
import {
  BATCH_ENTRY_BYTES,
  BatchStatus,
  encodeBatchReplyHeader,
  parseBatchRequest,
  type BatchHeader
} from './protocol-batch'
import type { RequestHeader, Workload } from './protocol'
import { Outcome, preciseNow } from './telemetry'
import type { WorkerCrash } from './worker-crash'
import type { Delivery, Frames, Job } from './worker-job'
import { runBurst, runOne, type CrashPointHook, type SemanticsContext } from './worker-semantics'
import type { WorkerTelemetry } from './worker-telemetry'

/** What a batch needs of the worker. */
export interface PipelinedWorker {
  workerId: string
  labId: string | undefined
  telemetry: WorkerTelemetry
  crash: WorkerCrash
  point: CrashPointHook
  semantics(): SemanticsContext
  /** Sends one reply (sends are serialized by the worker). */
  send(frames: Frames): Promise<void>
}

const STATUS_OF = { done: BatchStatus.Done, duplicate: BatchStatus.Duplicate, failed: 2 } as const

/**
 * Handles one v2 request `body` (after the envelope) and sends its replies. A malformed one is
 * counted and dropped: its epochs time out and are re-sent, as a lost request would be.
 */
export async function handleBatch(
  w: PipelinedWorker,
  envelope: Buffer[],
  body: Buffer[]
): Promise<void> {
  const parsed = parseBatchRequest(body, w.labId)
  if (!parsed.ok) {
    w.telemetry.reject()
    return
  }
  const { header, epochs } = parsed.value
  const n = epochs.length / BATCH_ENTRY_BYTES
  const start = preciseNow()
  const ds: Delivery[] = []
  for (let i = 0; i < n; i++) {
    const d: Delivery = {
      epoch: epochs.readUInt32LE(i * BATCH_ENTRY_BYTES),
      attempt: epochs.readUInt32LE(i * BATCH_ENTRY_BYTES + 4),
      start,
      executed: false,
      marked: false,
      naive: header.semantics === 'exactly-once-naive'
    }
    w.telemetry.begin(d)
    ds.push(d)
  }
  // Epochs before the first that may crash are handled together; the rest one by one.
  let split = 0
  while (split < n && !w.crash.ahead) {
    w.crash.countBatched()
    split++
  }
  const ctx = w.semantics()
  const statuses = Buffer.from(epochs)
  if (split > 0) {
    if (
      split === n &&
      header.semantics === 'exactly-once-atomic' &&
      header.ms + ctx.extraWorkMs <= 0
    ) {
      await atomicBatch(w, ctx, header, epochs, ds, statuses)
    } else {
      const jobs = ds.slice(0, split).map((d) => job(envelope, header, d))
      await runBurst(ctx, jobs)
      jobs.forEach((j, i) => finish(w, j, statuses, i))
    }
    await w.send([...envelope, encodeBatchReplyHeader(w.workerId), statuses.subarray(0, split * 8)])
  }
  for (let i = split; i < n; i++) {
    const j = job(envelope, header, ds[i] as Delivery)
    w.crash.countOne()
    w.telemetry.working(j.d.epoch)
    await runOne(ctx, j, w.point)
    finish(w, j, statuses, i)
    const one = statuses.subarray(i * BATCH_ENTRY_BYTES, (i + 1) * BATCH_ENTRY_BYTES)
    await w.send([...envelope, encodeBatchReplyHeader(w.workerId), one])
  }
}

/** The lean path: one Lua call for the whole batch, its epochs frame passed through. */
async function atomicBatch(
  w: PipelinedWorker,
  ctx: SemanticsContext,
  header: BatchHeader,
  epochs: Buffer,
  ds: Delivery[],
  statuses: Buffer
): Promise<void> {
  const keys = dispatchKeys(header.lab)
  let applied = ''
  let error: unknown = null
  try {
    applied = await ctx.redis.markAndApplyEpochs(
      keys.effects,
      `${keys.prefix}done:`,
      ctx.workerId,
      header.ttlMs,
      epochs
    )
  } catch (err) {
    error = err
  }
  const end = preciseNow()
  ds.forEach((d, i) => {
    const at = i * BATCH_ENTRY_BYTES + 4
    if (error !== null || applied.length !== ds.length) {
      statuses.writeUInt32LE(BatchStatus.Failed, at)
      w.telemetry.done(d, Outcome.Failed, end)
    } else if (applied.charCodeAt(i) === 49) {
      d.executed = true
      d.marked = true
      statuses.writeUInt32LE(BatchStatus.Done, at)
      w.telemetry.done(d, Outcome.Executed, end)
    } else {
      statuses.writeUInt32LE(BatchStatus.Duplicate, at)
      w.telemetry.done(d, Outcome.Duplicate, end)
    }
  })
}

/** One epoch of a batch as a lockstep job (the seed's steps apply to it unchanged). */
function job(envelope: Buffer[], h: BatchHeader, d: Delivery): Job {
  const header: RequestHeader = {
    v: 1,
    lab: h.lab,
    epoch: d.epoch,
    attempt: d.attempt,
    semantics: h.semantics,
    sentAt: h.sentAt
  }
  const workload: Workload = { op: 'work', ms: h.ms, ttlMs: h.ttlMs }
  return { envelope, header, workload, d, status: 'done' }
}

/** Writes a finished job's status into entry `i` of the reply, and its telemetry record. */
function finish(w: PipelinedWorker, j: Job, statuses: Buffer, i: number): void {
  statuses.writeUInt32LE(STATUS_OF[j.status], i * BATCH_ENTRY_BYTES + 4)
  w.telemetry.done(
    j.d,
    j.status === 'failed'
      ? Outcome.Failed
      : j.status === 'duplicate'
        ? Outcome.Duplicate
        : Outcome.Executed
  )
}
