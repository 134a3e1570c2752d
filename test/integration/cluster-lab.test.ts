import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterInfo, ClusterReport } from '@shared/contract/labs/cluster'
import { clusterLab, clusterLabOf, type ClusterLab } from '../../src/main/engine/cluster'
import { createEngine, type Engine } from '../../src/main/engine/engine'
import { redisServersUnder } from '../helpers/process-table'
import { tempDir } from '../helpers/temp-dir'

/**
 * Acceptance 1, 4 and 5 of the Cluster lab, on a managed 3 + 3 Redis Cluster: leaders spread
 * two partitions per primary; a leader killed mid-run is replaced by its former replica and,
 * with acks=all, no acknowledged message is lost; with acks=1 and a follower that fell behind,
 * the messages it never got are lost and named; bad input changes nothing; no node survives.
 */

const redisUnder = redisServersUnder

describe('Cluster lab on a managed 3 + 3 cluster', () => {
  const dir = tempDir('flowlab-cluster-lab-')
  let engine: Engine
  let lab: ClusterLab

  beforeAll(async () => {
    engine = createEngine({ dataDir: dir.path, door: 'cli', labDefinitions: [clusterLab] })
    await engine.start()
    lab = clusterLabOf(engine)
  })
  afterAll(async () => {
    await engine?.close()
    dir.remove()
  })

  it('refuses bad input and changes nothing', async () => {
    const zero = await engine.execute({ type: 'cluster:up', primaries: 0 })
    expect(zero).toMatchObject({
      ok: false,
      error: { code: 'invalid_command', field: 'primaries' }
    })
    const unreachable = await engine.execute({ type: 'cluster:up', url: 'redis://127.0.0.1:1' })
    expect(unreachable.ok).toBe(false)
    if (!unreachable.ok) expect(unreachable.error.message).toMatch(/127\.0\.0\.1:1/)
    expect(lab.status).toBe('down')
    const early = await engine.execute({ type: 'cluster:start', settings: {} })
    expect(early).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    expect(redisUnder(join(dir.path, 'labs', 'cluster'))).toEqual([])
  })

  it('starts six brokers, three of them primaries', async () => {
    const up = await engine.execute({ type: 'cluster:up', primaries: 3, replicas: 1 })
    expect(up).toEqual({ ok: true, value: null })
    const info = lab.toInfo()
    expect(info.status).toBe('up')
    expect(info.brokers).toHaveLength(6)
    expect(info.brokers.filter((b) => b.role === 'primary')).toHaveLength(3)
    expect(redisUnder(join(dir.path, 'labs', 'cluster'))).toHaveLength(6)
    const tooMany = await engine.execute({ type: 'cluster:start', settings: { partitions: 65 } })
    expect(tooMany).toMatchObject({
      ok: false,
      error: { code: 'invalid_command', field: 'settings.partitions' }
    })
    expect(lab.toInfo().run).toBeNull()
  })

  let first: ClusterReport
  let before: ClusterInfo

  it('acks=all: the killed leader’s partitions get a former replica as leader, and nothing acknowledged is lost', async () => {
    before = lab.toInfo()
    const started = await engine.execute({
      type: 'cluster:start',
      settings: {
        partitions: 6,
        messages: 2_000,
        acks: 'all',
        killLeaderAt: 400,
        followerLagMs: 300
      }
    })
    expect(started).toEqual({ ok: true, value: null })
    first = await lab.waitForSettled()
    // Each primary led exactly two of the six partitions.
    const led = new Map<string, number>()
    for (const p of first.partitions)
      led.set(p.leaderBefore ?? '', (led.get(p.leaderBefore ?? '') ?? 0) + 1)
    expect([...led.values()]).toEqual([2, 2, 2])
    const victim = first.partitions[0]?.leaderBefore as string
    const formerReplicas = before.brokers.filter((b) => b.primaryId === victim).map((b) => b.id)
    for (const p of first.partitions.filter((q) => q.leaderBefore === victim)) {
      expect(formerReplicas).toContain(p.leaderAfter)
    }
    expect(first.failovers).toContainEqual(expect.objectContaining({ failedNode: victim }))
    expect(first.nodes.find((n) => n.id === victim)?.alive).toBe(false)
    expect(first.counts.lostAcked).toBe(0)
    expect(first.verdict).toBe('held')
    expect(first.counts.acked + first.counts.failed).toBe(2_000)
    expect(lab.toInfo().timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['killed', 'elected'])
    )
  })

  it('acks=1 with a follower behind: the writes it never got are lost, each with its cause', async () => {
    const victim = first.partitions[0]?.leaderBefore as string
    const restarted = await engine.execute({
      type: 'cluster:fault',
      fault: { kind: 'restart-broker', node: victim }
    })
    expect(restarted).toEqual({ ok: true, value: null })
    const started = await engine.execute({
      type: 'cluster:start',
      settings: { partitions: 6, messages: 2_000, acks: '1', killLeaderAt: 400, followerLagMs: 500 }
    })
    expect(started).toEqual({ ok: true, value: null })
    const report = await lab.waitForSettled()
    expect(report.verdict).toBe('violated')
    expect(report.counts.lostAcked).toBeGreaterThan(0)
    const lost = report.violations.filter((v) => v.kind === 'lost')
    expect(lost).toHaveLength(report.counts.lostAcked)
    for (const v of lost)
      expect(v.cause).toMatch(/was killed \d+ ms after the ack; its replica was \d+ entr/)
    const killedLeaders = new Set(
      report.partitions.filter((p) => p.leaderBefore !== p.leaderAfter).map((p) => p.id)
    )
    for (const v of lost) expect(killedLeaders.has(v.partition)).toBe(true)
  })

  it('stops every node when the cluster goes down', async () => {
    const pids = lab.toInfo().brokers.length
    expect(pids).toBe(6)
    expect(await engine.execute({ type: 'cluster:down' })).toEqual({ ok: true, value: null })
    expect(lab.status).toBe('down')
    expect(redisUnder(join(dir.path, 'labs', 'cluster'))).toEqual([])
  })
})
