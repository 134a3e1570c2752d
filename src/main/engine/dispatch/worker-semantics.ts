/**
 * The Redis side of the three semantics, `if ja_executada(epoch): return; work(m);
 * marcar_executada(epoch)`: once for a whole burst with no crash armed (each step one round trip),
 * and once per request the seed's way with every crash point live. Both set each job's status and
 * its delivery's progress; replying and telemetry are the caller's. Only relative imports: this
 * file is loaded in the worker process.
 */
import type { CrashPoint } from '../../../shared/contract/labs/dispatch'
import { dispatchKeys } from './keys'
import { Outcome } from './telemetry'
import { fail, groupByLab, work, type Delivery, type Job } from './worker-job'
import type { MarkAndApplyEpochs, WorkerRedis } from './worker-redis'

/** What a step needs of the worker. */
export interface SemanticsContext {
  redis: WorkerRedis
  /** Worker id written in the dedup marks. */
  workerId: string
  /** Extra work time per message in ms (on top of the workload's `ms`). */
  extraWorkMs: number
}

/** Called at each crash point a delivery reaches; never resolves when a crash fires there. */
export type CrashPointHook = (point: CrashPoint, d: Delivery, outcome: Outcome) => Promise<void>

/**
 * The fast path of a burst with no crash armed (so no crash point can fire): every step is one
 * round trip for the whole burst.
 */
export async function runBurst(ctx: SemanticsContext, jobs: Job[]): Promise<void> {
  const redis = ctx.redis
  const naive: Job[] = []
  const plain: Job[] = []
  const atomic: Job[] = []
  let workMs = 0
  for (const job of jobs) {
    workMs = Math.max(workMs, job.workload.ms + ctx.extraWorkMs)
    if (job.header.semantics === 'exactly-once-naive') naive.push(job)
    else if (job.header.semantics === 'exactly-once-atomic') atomic.push(job)
    else plain.push(job)
  }
  try {
    // Naive step 1, the check: EXISTS per epoch (separate commands, one pipeline).
    const fresh: Job[] = []
    if (naive.length > 0) {
      const pipe = redis.pipeline()
      for (const job of naive) pipe.exists(dispatchKeys(job.header.lab).done(job.d.epoch))
      const res = (await pipe.exec()) ?? []
      naive.forEach((job, i) => {
        const [err, value] = res[i] ?? [new Error('no reply'), null]
        if (err) fail(job, err)
        else if (value === 1) job.status = 'duplicate'
        else fresh.push(job)
      })
    }
    // The work of the whole burst at once, as concurrent REP sockets would do it.
    await work(workMs)
    // Step 2, the effect: HINCRBY per epoch (plain and naive), one Lua call per lab (atomic).
    const effects = [...plain, ...fresh]
    const pipe = redis.pipeline()
    for (const job of effects) {
      pipe.hincrby(dispatchKeys(job.header.lab).effects, String(job.d.epoch), 1)
    }
    // One Lua call per lab with the burst's epochs as one binary argument (markAndApplyEpochs-1,
    // as a pipelined batch): measured, the client's work per argument was a large share.
    const atomicByLab = groupByLab(atomic)
    for (const [lab, group] of atomicByLab) {
      const keys = dispatchKeys(lab)
      const entries = Buffer.allocUnsafe(group.length * 8)
      group.forEach((job, i) => {
        entries.writeUInt32LE(job.d.epoch, i * 8)
        entries.writeUInt32LE(job.d.attempt, i * 8 + 4)
      })
      const ttlMs = (group[0] as Job).workload.ttlMs
      ;(pipe as unknown as { markAndApplyEpochs: MarkAndApplyEpochs }).markAndApplyEpochs(
        keys.effects,
        `${keys.prefix}done:`,
        ctx.workerId,
        ttlMs,
        entries
      )
    }
    if (effects.length > 0 || atomic.length > 0) {
      const res = (await pipe.exec()) ?? []
      effects.forEach((job, i) => {
        const err = res[i]?.[0] ?? (res[i] ? null : new Error('no reply'))
        if (err) fail(job, err)
        else job.d.executed = true
      })
      let r = effects.length
      for (const group of atomicByLab.values()) {
        const [err, value] = res[r++] ?? [new Error('no reply'), null]
        group.forEach((job, i) => {
          if (err) return fail(job, err)
          const applied = (value as string).charCodeAt(i) === 49 ? 1 : 0
          if (applied === 1) {
            job.d.executed = true
            job.d.marked = true
          } else job.status = 'duplicate'
        })
      }
    }
    // Naive step 3, the mark: SET per executed epoch, after its effect.
    const toMark = fresh.filter((job) => job.d.executed)
    if (toMark.length > 0) {
      const marks = redis.pipeline()
      for (const job of toMark) {
        marks.set(
          dispatchKeys(job.header.lab).done(job.d.epoch),
          ctx.workerId,
          'PX',
          job.workload.ttlMs
        )
      }
      const res = (await marks.exec()) ?? []
      toMark.forEach((job, i) => {
        const err = res[i]?.[0] ?? (res[i] ? null : new Error('no reply'))
        if (err) fail(job, err)
        else job.d.marked = true
      })
    }
  } catch (err) {
    for (const job of jobs) if (job.status !== 'failed' && !job.d.executed) fail(job, err)
  }
}

/** One request the seed's way, with every crash point live (through `point`). */
export async function runOne(
  ctx: SemanticsContext,
  job: Job,
  point: CrashPointHook
): Promise<void> {
  const { header, workload, d } = job
  const redis = ctx.redis
  const keys = dispatchKeys(header.lab)
  const epoch = header.epoch
  const workMs = workload.ms + ctx.extraWorkMs
  let status: 'done' | 'duplicate' | 'failed' = 'done'
  try {
    await point('before-work', d, Outcome.CrashBeforeWork)
    switch (header.semantics) {
      case 'at-most-once':
      case 'at-least-once':
        await work(workMs)
        await redis.hincrby(keys.effects, String(epoch), 1)
        d.executed = true
        await point('after-work', d, Outcome.CrashAfterWork)
        await point('after-mark', d, Outcome.CrashAfterMark)
        break
      case 'exactly-once-naive':
        // The seed: three separate calls, check → work → mark. A crash or a second delivery
        // between the check and the mark is the window the lab demonstrates.
        if ((await redis.exists(keys.done(epoch))) === 1) {
          status = 'duplicate'
          break
        }
        await work(workMs)
        await redis.hincrby(keys.effects, String(epoch), 1)
        d.executed = true
        await point('after-work', d, Outcome.CrashAfterWork)
        await redis.set(keys.done(epoch), ctx.workerId, 'PX', workload.ttlMs)
        d.marked = true
        await point('after-mark', d, Outcome.CrashAfterMark)
        break
      case 'exactly-once-atomic': {
        await work(workMs)
        const applied = await redis.markAndApply(
          keys.done(epoch),
          keys.effects,
          ctx.workerId,
          workload.ttlMs,
          epoch
        )
        if (applied !== 1) {
          status = 'duplicate'
          break
        }
        d.executed = true
        d.marked = true
        await point('after-work', d, Outcome.CrashAfterMark)
        await point('after-mark', d, Outcome.CrashAfterMark)
        break
      }
    }
    await point('before-reply', d, Outcome.CrashBeforeReply)
  } catch (err) {
    fail(job, err)
    return
  }
  job.status = status
}
