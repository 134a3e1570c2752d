import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClusterHost } from '../../src/main/engine/cluster/host/cluster-host'
import { keySlot } from '../../src/main/engine/cluster/host/key-slot'
import type { ClusterNode } from '../../src/main/engine/cluster/host/topology'
import { isAlive, processesMentioning, waitUntilGone } from '../helpers/process-table'
import { tempDir } from '../helpers/temp-dir'

const slotCount = (n: ClusterNode): number => n.slots.reduce((sum, [a, b]) => sum + b - a + 1, 0)
const primaries = (nodes: ClusterNode[]): ClusterNode[] =>
  nodes.filter((n) => n.role === 'primary' && n.state === 'alive' && n.slots.length > 0)

describe('ClusterHost, managed 3 primaries × 1 replica', () => {
  const dir = tempDir('flowlab-cluster-')
  /** What the host recorded for the process registry: pid -> kind, while alive. */
  const recorded = new Map<number, string>()
  const host = new ClusterHost({
    dir: dir.path,
    primaries: 3,
    replicasPerPrimary: 1,
    processes: {
      record: (pid, kind) => recorded.set(pid, kind),
      forget: (pid) => recorded.delete(pid)
    }
  })
  /** Every pid and port the cluster ever used, to prove none is left after close. */
  const pids = new Set<number>()
  const ports = new Set<number>()
  const remember = (): void => {
    for (const n of host.nodes()) {
      if (n.pid !== null) pids.add(n.pid)
      ports.add(n.port)
    }
  }
  let client: Cluster

  beforeAll(async () => {
    await host.start()
    remember()
    client = new Cluster(host.startupNodes(), { redisOptions: host.redisOptions() })
    client.on('error', () => undefined)
  })
  afterAll(async () => {
    client?.disconnect()
    await host.close()
    dir.remove()
  })

  it('starts six nodes: three primaries of about a third of the slots, one replica each', () => {
    const nodes = host.nodes()
    expect(nodes).toHaveLength(6)
    expect(host.password).toMatch(/^[0-9a-f]{48}$/)
    const ps = primaries(nodes)
    expect(ps).toHaveLength(3)
    expect(ps.reduce((sum, p) => sum + slotCount(p), 0)).toBe(16_384)
    for (const p of ps) {
      expect(Math.abs(slotCount(p) - 16_384 / 3)).toBeLessThanOrEqual(1)
      expect(nodes.filter((n) => n.role === 'replica' && n.primaryId === p.id)).toHaveLength(1)
    }
    for (const n of nodes) {
      expect(n.id).toMatch(/^[0-9a-f]{40}$/)
      expect(n).toMatchObject({ host: '127.0.0.1', state: 'alive', managed: true })
      expect(n.pid).toBeGreaterThan(0)
      expect(recorded.get(n.pid ?? 0)).toBe('redis-server')
    }
    expect(recorded.size).toBe(6)
  })

  it('serves keys through an ioredis Cluster client', async () => {
    await client.set('foo', 'bar')
    expect(await client.get('foo')).toBe('bar')
    const owner = host.nodes().find((n) => n.slots.some(([a, b]) => a <= 12182 && b >= 12182))
    expect(await host.nodeClient(owner?.id ?? '').get('foo')).toBe('bar')
  })

  it('kill a primary: its replica takes its slots; restart: it comes back as a replica', async () => {
    const victim = primaries(host.nodes())[0] as ClusterNode
    const replica = host.nodes().find((n) => n.primaryId === victim.id) as ClusterNode
    await host.kill(victim.id)
    expect(isAlive(victim.pid ?? 0)).toBe(false)
    expect(host.nodes().find((n) => n.id === victim.id)?.state).toBe('dead')
    const after = await host.waitFor(
      (nodes) => {
        const r = nodes.find((n) => n.id === replica.id)
        return r?.role === 'primary' && JSON.stringify(r.slots) === JSON.stringify(victim.slots)
      },
      15_000,
      'the replica to take over'
    )
    expect(after.find((n) => n.id === victim.id)?.flags).toContain('fail')
    await host.restart(victim.id)
    remember()
    const back = host.nodes().find((n) => n.id === victim.id)
    expect(back).toMatchObject({ role: 'replica', primaryId: replica.id, state: 'alive' })
    expect(back?.slots).toEqual([])
  })

  it('pause and resume a node', async () => {
    const replica = host.nodes().find((n) => n.role === 'replica') as ClusterNode
    expect(replica.flags).not.toContain('fail')
    await host.pause(replica.id)
    expect(host.nodes().find((n) => n.id === replica.id)?.state).toBe('paused')
    await expect(host.pause(replica.id)).rejects.toMatchObject({ code: 'invalid-state' })
    // The others notice: after the node timeout they flag it failed.
    await host.waitFor(
      (nodes) => nodes.find((n) => n.id === replica.id)?.flags.includes('fail') === true,
      15_000,
      'the paused node to be flagged failed'
    )
    await host.resume(replica.id)
    await host.waitFor(
      (nodes) => {
        const n = nodes.find((x) => x.id === replica.id)
        return n?.state === 'alive' && !n.flags.includes('fail')
      },
      15_000,
      'the resumed node to be alive again'
    )
  })

  it('failover of a paused primary (FORCE); the old primary, resumed, follows the new one', async () => {
    const primary = primaries(host.nodes())[1] as ClusterNode
    const replica = host.nodes().find((n) => n.primaryId === primary.id) as ClusterNode
    await host.pause(primary.id)
    await host.failover(replica.id)
    expect(host.nodes().find((n) => n.id === replica.id)).toMatchObject({
      role: 'primary',
      slots: primary.slots
    })
    await host.resume(primary.id)
    await host.waitFor(
      (nodes) => {
        const old = nodes.find((n) => n.id === primary.id)
        return old?.role === 'replica' && old.primaryId === replica.id && old.state === 'alive'
      },
      15_000,
      'the resumed old primary to follow the new one'
    )
    await expect(host.failover(replica.id)).rejects.toMatchObject({ code: 'invalid-state' })
    await expect(host.failover('f'.repeat(40))).rejects.toMatchObject({ code: 'unknown-node' })
  })

  it('addNode, then moveSlots moves a slot with a stream in it to the new node', async () => {
    const key = 'orders{p0}'
    await client.xadd(key, '*', 'n', '1')
    await client.xadd(key, '*', 'n', '2')
    const added = await host.addNode()
    remember()
    expect(added).toMatchObject({ role: 'primary', slots: [], state: 'alive', managed: true })
    expect(host.nodes()).toHaveLength(7)
    const slot = keySlot(key)
    await host.moveSlots(slot, slot, added.id)
    const owner = host.nodes().find((n) => n.id === added.id)
    expect(owner?.slots).toEqual([[slot, slot]])
    expect(await host.nodeClient(added.id).xlen(key)).toBe(2)
    expect(await client.xlen(key)).toBe(2)
    expect(await client.get('foo')).toBe('bar')
  })

  it('close stops every node, paused ones too, and leaves no redis-server behind', async () => {
    const someone = host.nodes().find((n) => n.state === 'alive') as ClusterNode
    await host.pause(someone.id)
    client.disconnect()
    await host.close()
    await host.close()
    await waitUntilGone([...pids])
    expect(recorded.size).toBe(0)
    for (const port of ports) expect(processesMentioning(`127.0.0.1:${port}`)).toEqual([])
    await expect(host.refresh()).rejects.toMatchObject({ code: 'invalid-state' })
  })
})
