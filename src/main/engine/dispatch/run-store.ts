import type { Redis } from 'ioredis'
import type { DispatchInfo } from '@shared/contract/labs/dispatch'
import type { EpochLedger } from './epoch-ledger'
import type { DispatchKeys } from './keys'

/**
 * What a run reads from and clears in Redis: the keys an earlier run left, the effects hash
 * (ground truth of executions) and a page of dedup marks for the UI.
 */

/** Marks per dedup page. */
export const DEDUP_PAGE_SIZE = 100

/** Deletes what an earlier run with the same lab id left (effects, sent_msgs, marks). */
export async function cleanRunKeys(client: Redis, keys: DispatchKeys): Promise<void> {
  await client.del(keys.effects, keys.sent)
  let cursor = '0'
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${keys.prefix}done:*`, 'COUNT', 5_000)
    cursor = next
    if (found.length > 0) await client.unlink(...found)
  } while (cursor !== '0')
}

/**
 * Reads the effects hash into `ledger.executions`, on top of what a restart without persistence
 * saved (`ledger.effectsBase`).
 * @param effectsLost Redis was killed without persistence: the hash forgot what ran before it.
 */
export async function readEffects(
  client: Redis,
  keys: DispatchKeys,
  ledger: EpochLedger,
  effectsLost: boolean
): Promise<void> {
  const executions = new Uint32Array(ledger.n + 1)
  const base = ledger.effectsBase
  if (base) executions.set(base)
  let cursor = '0'
  do {
    const [next, fields] = await client.hscan(keys.effects, cursor, 'COUNT', 5_000)
    cursor = next
    for (let i = 0; i < fields.length; i += 2) {
      const epoch = Number(fields[i])
      if (ledger.has(epoch))
        executions[epoch] = (executions[epoch] as number) + Number(fields[i + 1])
    }
  } while (cursor !== '0')
  if (effectsLost) {
    // The hash forgot what ran before the kill; the workers' own reports are the best floor.
    for (let e = 1; e <= ledger.n; e++) {
      executions[e] = Math.max(executions[e] as number, ledger.telemetryExecutions[e] as number)
    }
  }
  ledger.executions = executions
}

/** The dedup marks (`done:<epoch>`: worker and TTL) of epochs `from` … `from + page - 1`. */
export async function readDedupPage(
  client: Redis,
  keys: DispatchKeys,
  from: number,
  n: number
): Promise<DispatchInfo['dedup']> {
  const to = Math.min(n, from + DEDUP_PAGE_SIZE - 1)
  const pipe = client.pipeline()
  for (let e = from; e <= to; e++) {
    pipe.get(keys.done(e))
    pipe.pttl(keys.done(e))
  }
  const res = (await pipe.exec()) ?? []
  const items: DispatchInfo['dedup']['items'] = []
  for (let e = from, i = 0; e <= to; e++, i += 2) {
    const worker = res[i]?.[1]
    const ttl = res[i + 1]?.[1]
    if (typeof worker === 'string')
      items.push({ epoch: e, worker, ttlMs: typeof ttl === 'number' ? ttl : -1 })
  }
  return { from, items }
}

/** True when some epoch shows more executions in Redis than deliveries reported. */
export function effectsAhead(ledger: EpochLedger): boolean {
  const executions = ledger.executions
  if (!executions) return false
  for (let e = 1; e <= ledger.n; e++) {
    if ((executions[e] as number) > ledger.deliveriesOf(e)) return true
  }
  return false
}
