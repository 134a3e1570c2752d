import type { ClusterSettings } from '@shared/contract/labs/cluster'
import { parseMoved, type Router } from './router'
import type { RunLog } from './run-log'
import { keyHash } from './topic'

/** Longest pause between two attempts of one message. */
const RETRY_BACKOFF_MAX_MS = 1_000
const RETRY_BACKOFF_STEP_MS = 200

export interface ProducersOptions {
  router: Router
  settings: ClusterSettings
  log: RunLog
  now(): number
  /** Re-reads the topology (coalesced); called after a failed attempt. */
  refresh(): Promise<void>
  stopped(): boolean
}

/** The message key of message `id` (deterministic in the seed). */
export function messageKey(id: number, settings: ClusterSettings): string {
  return `key-${keyHash(`${settings.seed}:${id}`) % settings.keys}`
}

/** Which partition message `id` goes to. */
export function partitionOf(id: number, settings: ClusterSettings): number {
  return settings.partitioner === 'round-robin'
    ? (id - 1) % settings.partitions
    : keyHash(messageKey(id, settings)) % settings.partitions
}

/** A message waiting to be sent again, and when. */
interface Retry {
  id: number
  partition: number
  /** Attempts made so far. */
  tries: number
  due: number
}

/**
 * K producers, each keeping `inFlight` writes going on its own connections until every message
 * has been acknowledged or has failed. acks=1: the leader's reply; acks=all: the reply and WAIT
 * for every in-sync replica, a timed-out WAIT being a failed attempt. A failed attempt waits in
 * its producer's retry queue instead of holding a slot, so a partition without a leader stalls
 * only its own messages, as a Kafka producer's per-partition batches do.
 */
export async function runProducers(o: ProducersOptions): Promise<void> {
  const started = o.now()
  const loops: Array<Promise<void>> = []
  for (let k = 0; k < o.settings.producers; k++) {
    const retries: Retry[] = []
    for (let w = 0; w < o.settings.inFlight; w++) loops.push(produceLoop(o, k, started, retries))
  }
  await Promise.all(loops)
}

async function produceLoop(
  o: ProducersOptions,
  producer: number,
  started: number,
  retries: Retry[]
): Promise<void> {
  const { settings, log } = o
  for (;;) {
    if (o.stopped()) {
      const left = retries.splice(0)
      for (let i = 0; i < left.length; i++) log.fail('stopped before its retry')
      return
    }
    let job = takeDue(retries, o.now())
    if (!job) {
      if (!log.hasMore) {
        const next = retries.reduce((min, r) => Math.min(min, r.due), Infinity)
        if (next === Infinity) return
        await delay(Math.max(1, next - o.now()))
        continue
      }
      if (settings.ratePerSec > 0) {
        // Pace by send slots, and take the id only when the slot is due, right before the send:
        // a loop whose wait ended later must not send an earlier id after a later one.
        const due = started + (log.slot() * 1000) / settings.ratePerSec
        const wait = due - o.now()
        if (wait > 0) await delay(wait)
      }
      const id = log.take()
      if (id === null) continue
      job = { id, partition: partitionOf(id, settings), tries: 0, due: 0 }
      if (retries.some((r) => r.partition === job?.partition)) {
        // Behind the partition's waiting retries, so that this producer keeps its order there.
        retries.push(job)
        continue
      }
    }
    const attempt = log.attempt(job.id)
    const sentAt = performance.now()
    const result = await writeOnce(o, producer, job.id, job.partition)
    if (result.ok) {
      log.latency(performance.now() - sentAt)
      log.ack({
        id: job.id,
        partition: job.partition,
        producer,
        at: o.now(),
        node: result.node,
        attempt
      })
    } else if (job.tries < settings.retries && !o.stopped()) {
      if (!result.redirected) void o.refresh().catch(() => undefined)
      const backoff = result.redirected
        ? 0
        : Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_STEP_MS * (job.tries + 1))
      retries.push({ ...job, tries: job.tries + 1, due: o.now() + backoff })
    } else log.fail(result.error)
  }
}

/**
 * Takes a due message that is the oldest waiting one of its partition (a partition's messages
 * go out in id order), if any.
 */
function takeDue(retries: Retry[], now: number): Retry | undefined {
  const heads = new Map<number, number>()
  retries.forEach((r, i) => {
    const head = heads.get(r.partition)
    if (head === undefined || r.id < (retries[head] as Retry).id) heads.set(r.partition, i)
  })
  let best = -1
  for (const i of heads.values()) {
    const r = retries[i] as Retry
    if (r.due <= now && (best < 0 || r.due < (retries[best] as Retry).due)) best = i
  }
  return best < 0 ? undefined : retries.splice(best, 1)[0]
}

type WriteResult = { ok: true; node: string } | { ok: false; error: string; redirected?: boolean }

async function writeOnce(
  o: ProducersOptions,
  producer: number,
  id: number,
  partition: number
): Promise<WriteResult> {
  const plan = o.router.plans[partition]
  const leader = o.router.leaderOf(partition)
  if (!plan || !leader) return { ok: false, error: `partition ${partition} has no leader` }
  const conn = o.router.connection(`p${producer}`, leader)
  if (!conn) return { ok: false, error: `no connection to ${leader.slice(0, 8)}` }
  const isr = o.settings.acks === 'all' ? o.router.inSync(partition).length : 0
  if (o.settings.acks === 'all' && 1 + isr < o.settings.minInSync) {
    return {
      ok: false,
      error: `not enough in-sync replicas: ${1 + isr} of the ${o.settings.minInSync} copies min-in-sync asks for`
    }
  }
  try {
    const written = conn.call(
      'XADD',
      plan.key,
      '*',
      'm',
      String(id),
      'p',
      String(producer),
      'k',
      messageKey(id, o.settings)
    )
    // Sent on the same connection right behind the XADD, so it waits for exactly that write.
    // Its failure is read below only when the XADD succeeded; caught here so it is never unhandled.
    const waited =
      isr > 0
        ? conn.call('WAIT', isr, o.settings.waitTimeoutMs).then(
            (n) => Number(n),
            (err: unknown) => err as Error
          )
        : null
    await written
    if (waited) {
      const replicas = await waited
      if (replicas instanceof Error) throw replicas
      if (replicas < isr) {
        return {
          ok: false,
          error: `WAIT: ${replicas} of ${isr} replicas had it within ${o.settings.waitTimeoutMs} ms`
        }
      }
    }
    return { ok: true, node: leader }
  } catch (err) {
    const message = (err as Error).message
    const moved = parseMoved(message)
    if (moved) {
      o.router.moved(moved.slot, moved.port)
      return { ok: false, error: message, redirected: true }
    }
    return { ok: false, error: message }
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
