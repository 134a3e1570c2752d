import type { Redis } from 'ioredis'
import { ClusterError } from './cluster-errors'
import type { ClusterAuth } from './node-connections'
import { CLUSTER_SLOTS } from './key-slot'
import { slotOwner, type ClusterNode } from './topology'

/** Slots handled per round of pipelined SETSLOT commands. */
const SLOTS_PER_BATCH = 256
/** Keys moved per MIGRATE. */
const KEYS_PER_MIGRATE = 100
/** MIGRATE's own timeout (for one batch of keys), in ms; below BULK_COMMAND_TIMEOUT_MS. */
const MIGRATE_TIMEOUT_MS = 10_000

/** @throws ClusterError 'bad-options' unless 0 <= from <= to <= 16383 (integers). */
export function checkSlotRange(from: number, to: number): void {
  if (
    !Number.isInteger(from) ||
    !Number.isInteger(to) ||
    from < 0 ||
    to >= CLUSTER_SLOTS ||
    from > to
  ) {
    throw new ClusterError(
      'bad-options',
      `moveSlots: need 0 <= from <= to <= 16383 (got ${from}..${to})`
    )
  }
}

/** Sends the commands in one pipeline; throws the first error. */
async function batch(client: Redis, commands: string[][]): Promise<unknown[]> {
  if (commands.length === 0) return []
  const pipeline = client.pipeline()
  for (const [name, ...args] of commands) pipeline.call(name as string, ...args)
  const replies = (await pipeline.exec()) ?? []
  return replies.map(([err, reply]) => {
    if (err) throw err
    return reply
  })
}

/**
 * Moves the slots from..to (inclusive) to `target`, as `redis-cli --cluster reshard` does: for
 * each slot owned elsewhere, IMPORTING on the target and MIGRATING on the owner, every key moved
 * with MIGRATE (DUMP/RESTORE: streams and their consumer groups included), then SETSLOT NODE on
 * the target, the owner and every other primary. Slots nobody owns are simply given to the target.
 * @returns the target and how many keys were moved.
 * @throws ClusterError 'unknown-node' / 'invalid-state' for a target that is no alive primary.
 */
export async function moveSlotRange(
  nodes: ClusterNode[],
  from: number,
  to: number,
  targetId: string,
  admin: (node: ClusterNode) => Redis,
  auth: ClusterAuth
): Promise<{ target: ClusterNode; moved: number }> {
  const target = nodes.find((n) => n.id === targetId)
  if (!target) throw new ClusterError('unknown-node', `no node ${targetId} in the cluster`)
  if (target.role !== 'primary' || target.state !== 'alive') {
    throw new ClusterError('invalid-state', `target ${target.port} must be an alive primary`)
  }
  const bySource = new Map<ClusterNode, number[]>()
  const unowned: number[] = []
  for (let slot = from; slot <= to; slot++) {
    const owner = slotOwner(nodes, slot)
    if (owner === target) continue
    if (!owner) {
      unowned.push(slot)
      continue
    }
    if (owner.state !== 'alive') {
      throw new ClusterError(
        'invalid-state',
        `slot ${slot} belongs to ${owner.port}, which is ${owner.state}`
      )
    }
    bySource.set(owner, [...(bySource.get(owner) ?? []), slot])
  }
  const login =
    auth.password === undefined
      ? []
      : auth.username
        ? ['AUTH2', auth.username, auth.password]
        : ['AUTH', auth.password]
  const others = nodes.filter((n) => n.role === 'primary' && n.state === 'alive' && n !== target)
  const t = admin(target)
  let moved = 0
  for (const [source, slots] of bySource) {
    const s = admin(source)
    for (let i = 0; i < slots.length; i += SLOTS_PER_BATCH) {
      const chunk = slots.slice(i, i + SLOTS_PER_BATCH).map(String)
      await batch(
        t,
        chunk.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id])
      )
      await batch(
        s,
        chunk.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id])
      )
      const counts = (await batch(
        s,
        chunk.map((slot) => ['CLUSTER', 'COUNTKEYSINSLOT', slot])
      )) as number[]
      for (const [j, slot] of chunk.entries()) {
        if (!counts[j]) continue
        for (;;) {
          const keys = (await s.call(
            'CLUSTER',
            'GETKEYSINSLOT',
            slot,
            String(KEYS_PER_MIGRATE)
          )) as string[]
          if (keys.length === 0) break
          await s.call(
            'MIGRATE',
            target.host,
            String(target.port),
            '',
            '0',
            String(MIGRATE_TIMEOUT_MS),
            ...login,
            'KEYS',
            ...keys
          )
          moved += keys.length
        }
      }
      // The target first, so it bumps its epoch and owns the slots before the owner lets go.
      const assign = chunk.map((slot) => ['CLUSTER', 'SETSLOT', slot, 'NODE', target.id])
      await batch(t, assign)
      await batch(s, assign)
      for (const other of others) {
        // Another primary learns it by gossip anyway; a failure here only delays that.
        if (other !== source) await batch(admin(other), assign).catch(() => undefined)
      }
    }
  }
  for (let i = 0; i < unowned.length; i += SLOTS_PER_BATCH) {
    await batch(t, [['CLUSTER', 'ADDSLOTS', ...unowned.slice(i, i + SLOTS_PER_BATCH).map(String)]])
  }
  return { target, moved }
}
