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

/**
 * K producers, each keeping `inFlight` writes going on its own connections until every message
 * has been acknowledged or has failed. acks=1: the leader's reply; acks=all: the reply and WAIT
 * for every in-sync replica, a timed-out WAIT being a failed attempt.
 */
export async function runProducers(o: ProducersOptions): Promise<void> {
  const started = o.now()
  const loops: Array<Promise<void>> = []
  for (let k = 0; k < o.settings.producers; k++) {
    for (let w = 0; w < o.settings.inFlight; w++) loops.push(produceLoop(o, k, started))
  }
  await Promise.all(loops)
}

async function produceLoop(o: ProducersOptions, producer: number, started: number): Promise<void> {
  const { settings, log } = o
  for (;;) {
    if (o.stopped()) return
    if (settings.ratePerSec > 0) {
      // Pace by send slots, and take the id only when the slot is due, right before the send:
      // a loop whose wait ended later must not send an earlier id after a later one.
      const due = started + (log.slot() * 1000) / settings.ratePerSec
      const wait = due - o.now()
      if (wait > 0) await delay(wait)
    }
    const id = log.take()
    if (id === null) return
    const partition = partitionOf(id, settings)
    let error = ''
    let acked = false
    for (let n = 0; n <= settings.retries && !o.stopped(); n++) {
      const attempt = log.attempt(id)
      const sentAt = performance.now()
      const result = await writeOnce(o, producer, id, partition)
      if (result.ok) {
        log.latency(performance.now() - sentAt)
        log.ack({ id, partition, producer, at: o.now(), node: result.node, attempt })
        acked = true
        break
      }
      error = result.error
      if (result.redirected) continue
      await o.refresh().catch(() => undefined)
      await delay(Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_STEP_MS * (n + 1)))
    }
    if (!acked) log.fail(error || 'stopped')
  }
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
