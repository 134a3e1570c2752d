import type { Router } from './router'
import type { RunLog } from './run-log'
import { delay } from './producer'

/** The consumer group every run reads with. */
export const CONSUMER_GROUP = 'flowlab'
/** Entries one read takes at most. */
const READ_COUNT = 500
/** How long one read blocks when the partition is caught up. */
const READ_BLOCK_MS = 100
/** Empty reads in a row, after the producers are done, that mean "caught up". */
const IDLE_READS_TO_FINISH = 3
/** A consumer gives up draining this long after the producers are done. */
export const DRAIN_MAX_MS = 10_000

export interface ConsumerOptions {
  router: Router
  partition: number
  log: RunLog
  now(): number
  refresh(): Promise<void>
  /** The producers are done (acked or failed every message). */
  producersDone(): number | null
  stopped(): boolean
}

type Entry = [string, string[] | null]
type StreamReply = unknown

/**
 * The entries of a one-stream XREADGROUP reply: `[[key, entries]]` as Redis sends it, or
 * `[key, entries]` as ioredis hands it back for a single stream.
 */
function streamEntries(reply: StreamReply): Entry[] {
  if (!Array.isArray(reply) || reply.length === 0) return []
  const stream = typeof reply[0] === 'string' ? reply : reply[0]
  return Array.isArray(stream) && Array.isArray(stream[1]) ? (stream[1] as Entry[]) : []
}

/**
 * One member of the consumer group per partition: reads the partition in order from whoever
 * leads it now (XREADGROUP … >), records each delivery, acknowledges it (XACK), and follows the
 * leader through a failover. Ends once the producers are done and the partition is drained.
 */
export async function runConsumer(o: ConsumerOptions): Promise<void> {
  const plan = o.router.plans[o.partition]
  if (!plan) return
  const owner = `c${o.partition}`
  let idle = 0
  for (;;) {
    const doneAt = o.producersDone()
    if (o.stopped() && doneAt !== null) return
    if (doneAt !== null && (idle >= IDLE_READS_TO_FINISH || o.now() - doneAt > DRAIN_MAX_MS)) return
    const leader = o.router.leaderOf(o.partition)
    const conn = leader ? o.router.connection(owner, leader) : null
    if (!leader || !conn) {
      await delay(READ_BLOCK_MS)
      continue
    }
    let reply: StreamReply
    try {
      reply = await conn.call(
        'XREADGROUP',
        'GROUP',
        CONSUMER_GROUP,
        owner,
        'COUNT',
        READ_COUNT,
        'BLOCK',
        READ_BLOCK_MS,
        'STREAMS',
        plan.key,
        '>'
      )
    } catch (err) {
      const message = (err as Error).message
      if (/NOGROUP/.test(message)) {
        // A leader that never saw the group (it was created after the last sync): start it over.
        await conn
          .call('XGROUP', 'CREATE', plan.key, CONSUMER_GROUP, '0', 'MKSTREAM')
          .catch(() => undefined)
      } else {
        o.router.drop(owner, leader)
        await o.refresh().catch(() => undefined)
        await delay(READ_BLOCK_MS * 2)
      }
      continue
    }
    const entries = streamEntries(reply)
    if (entries.length === 0) {
      if (doneAt !== null) idle++
      continue
    }
    idle = 0
    const ids: string[] = []
    for (const [streamId, fields] of entries) {
      ids.push(streamId)
      // An entry trimmed after it was delivered comes back without fields: nothing to record.
      if (fields) o.log.deliver(o.partition, Number(field(fields, 'm')), streamId)
    }
    await conn.call('XACK', plan.key, CONSUMER_GROUP, ...ids).catch(() => undefined)
  }
}

/** The value of `name` in a stream entry's flat field list. */
export function field(fields: readonly string[] | null, name: string): string | undefined {
  if (!fields) return undefined
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]
  return undefined
}
