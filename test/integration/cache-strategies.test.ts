import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CacheReport } from '@shared/contract/labs/cache'
import type { CacheLab } from '../../src/main/engine/cache'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { makeLab, readRows, startRedis, tempDir, until } from './cache-harness'

/** Every key not listed as lost holds exactly its last acknowledged write in the file. */
function expectRowsMatchLastAcked(report: CacheReport): void {
  const rows = readRows(report.dbPath)
  const lost = new Set(report.violations.filter((v) => v.kind === 'lost-write').map((v) => v.key))
  for (const [key, acked] of Object.entries(report.lastAcked)) {
    if (!lost.has(key)) expect(rows.get(key), key).toEqual(acked)
  }
}

// Acceptance 1: real redis-server, a real SQLite file, each strategy's risk shown or ruled out.
describe('Cache lab strategies', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let lab: CacheLab | null = null
  let remove: (() => void) | null = null

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterEach(async () => {
    await lab?.close()
    lab = null
    remove?.()
    remove = null
  })

  afterAll(async () => {
    await closeRedis()
  })

  function open(): ReturnType<typeof makeLab> {
    const temp = tempDir()
    remove = temp.remove
    const made = makeLab(redis, temp.dir)
    lab = made.lab
    return made
  }

  it('every strategy runs end to end and keeps its promise without faults', async () => {
    const { lab: l } = open()
    for (const strategy of [
      'none',
      'cache-aside',
      'write-through',
      'write-back',
      'write-behind'
    ] as const) {
      await l.startRun({
        strategy,
        ops: 300,
        keys: 20,
        clients: 1,
        dbLatencyMs: 1,
        behindDelayMs: 10
      })
      const report = await l.waitForSettled()
      expect(report.strategy).toBe(strategy)
      expect(report.counts.reads + report.counts.writes).toBe(300)
      expect(report.counts.lostWrites).toBe(0)
      expect(report.guarantees.find((g) => g.name === 'no-lost-writes')?.held).toBe(true)
      expect(report.verdict).toBe('held')
      if (strategy !== 'none') expect(report.counts.hits).toBeGreaterThan(0)
      expectRowsMatchLastAcked(report)
    }
  })

  it('write-through with a cache crash loses no acknowledged write', async () => {
    const { lab: l } = open()
    await l.startRun({
      strategy: 'write-through',
      ops: 600,
      keys: 30,
      clients: 4,
      dbLatencyMs: 1,
      crashCacheAtOp: 300,
      persistence: false
    })
    const report = await l.waitForSettled()
    expect(report.faults.cacheCrashes).toBe(1)
    expect(report.counts.lostWrites).toBe(0)
    expect(report.violations.filter((v) => v.kind === 'lost-write')).toEqual([])
    expect(report.guarantees.find((g) => g.name === 'no-lost-writes')?.held).toBe(true)
    expectRowsMatchLastAcked(report)
  })

  it('write-back with a crash before the flush loses exactly the dirty entries, named', async () => {
    const { lab: l, events } = open()
    await l.startRun({
      strategy: 'write-back',
      ops: 300,
      keys: 30,
      clients: 1,
      readRatio: 0.5,
      dbLatencyMs: 1,
      crashCacheAtOp: 300,
      persistence: false
    })
    const report = await l.waitForSettled()
    const crash = events.find((e) => e.type === 'cache-crash')
    const rows = readRows(report.dbPath)
    // The dirty entries are the keys whose newest acknowledged write never reached the file.
    const dirtyKeys = Object.entries(report.lastAcked)
      .filter(([key, acked]) => (rows.get(key)?.version ?? -1) < acked.version)
      .map(([key]) => key)
      .sort()
    expect(dirtyKeys.length).toBeGreaterThan(0)
    expect(crash?.data?.dirty).toBe(dirtyKeys.length)
    const lost = report.violations.filter((v) => v.kind === 'lost-write')
    expect([...new Set(lost.map((v) => v.key))].sort()).toEqual(dirtyKeys)
    expect(lost.every((v) => v.cause === 'cache-crash-dirty')).toBe(true)
    expect(report.counts.lostWrites).toBe(lost.length)
    expect(report.verdict).toBe('violated')
    expect(report.guarantees.find((g) => g.name === 'no-lost-writes')?.held).toBe(false)
    expectRowsMatchLastAcked(report)
  })

  for (const persistence of [false, true]) {
    it(`write-behind with a crash ${persistence ? 'and AOF on loses nothing' : 'and persistence off loses the queue'}`, async () => {
      const { lab: l } = open()
      await l.startRun({
        strategy: 'write-behind',
        ops: 300,
        keys: 30,
        clients: 1,
        readRatio: 0.5,
        dbLatencyMs: 1,
        behindDelayMs: 600_000,
        crashCacheAtOp: 300,
        persistence
      })
      const report = await l.waitForSettled()
      expect(report.faults.cacheCrashes).toBe(1)
      const lost = report.violations.filter((v) => v.kind === 'lost-write')
      if (persistence) {
        expect(lost).toEqual([])
        expect(report.verdict).toBe('held')
      } else {
        // Nothing was due before the crash: every acknowledged write was still in the queue.
        expect(report.counts.lostWrites).toBe(report.counts.writes)
        expect(lost.length).toBeGreaterThan(0)
        expect(lost.every((v) => v.cause === 'behind-queue-lost')).toBe(true)
      }
      expectRowsMatchLastAcked(report)
    })
  }

  it('cache-aside with a second writer reads stale values that stop after the TTL', async () => {
    const { lab: l } = open()
    const ttlMs = 200
    await l.startRun({
      strategy: 'cache-aside',
      ops: 3_000,
      keys: 10,
      clients: 1,
      readRatio: 0.9,
      ratePerSec: 500,
      ttlMs,
      dbLatencyMs: 1,
      secondWriterP: 0.05
    })
    await until(() => l.toInfo().progress.done >= 1_000 && l.toInfo().counts.staleReads > 0)
    await l.fault({ kind: 'second-writer', p: 0 })
    const offAt = Date.now()
    const report = await l.waitForSettled()
    const stale = report.violations.filter((v) => v.kind === 'stale-read')
    expect(stale.length).toBeGreaterThan(0)
    expect(stale.every((v) => v.cause === 'second-writer')).toBe(true)
    // One client: a stale entry was filled before the second write, so it expires within the
    // TTL of it; the margin covers the one operation that may have been planned before "off".
    const last = Math.max(...stale.map((v) => v.at))
    expect(last).toBeLessThan(offAt + ttlMs + 2_000)
    expect(report.durationMs).toBeGreaterThan(0)
    expect(report.guarantees.find((g) => g.name === 'no-stale-reads')?.held).toBe(false)
    expect(report.counts.lostWrites).toBe(0)
  })

  it('write-back with concurrent clients: every write lost in a crash is blamed on the crash', async () => {
    const { lab: l } = open()
    await l.startRun({
      strategy: 'write-back',
      ops: 1_200,
      keys: 400,
      clients: 4,
      readRatio: 0.3,
      dbLatencyMs: 1,
      crashCacheAtOp: 1_150,
      persistence: false
    })
    const report = await l.waitForSettled()
    expect(report.counts.lostWrites).toBeGreaterThan(0)
    const causes = new Set(report.violations.map((v) => v.cause))
    expect([...causes]).toEqual(['cache-crash-dirty'])
    expectRowsMatchLastAcked(report)
  })

  it('write-back: expiring dirty entries loses their writes, named as such', async () => {
    const { lab: l, events } = open()
    await l.startRun({
      strategy: 'write-back',
      ops: 100_000,
      keys: 1_000,
      clients: 2,
      readRatio: 0.5,
      ratePerSec: 400,
      dbLatencyMs: 1
    })
    await until(() => l.toInfo().progress.done >= 60)
    // With 1,000 keys the view lists the dirty ones first, wherever they are in k1..k1000.
    await until(() =>
      l.toInfo().entries.some((e) => e.cache?.dirty === true && Number(e.key.slice(1)) > 200)
    )
    await l.execute({ type: 'cache:fault', fault: { kind: 'expire' } })
    const report = await l.stop()
    expect(report).not.toBeNull()
    const expired = events.find((e) => e.type === 'cache-expire-dirty')
    expect(Number(expired?.data?.dirty)).toBeGreaterThan(0)
    const lost = report?.violations.filter((v) => v.kind === 'lost-write') ?? []
    expect(lost.length).toBeGreaterThan(0)
    expect(report?.violations.filter((v) => v.cause !== 'expired-dirty')).toEqual([])
    expectRowsMatchLastAcked(report as CacheReport)
  })

  it('a stop ends the workload early and still flushes and checks', async () => {
    const { lab: l } = open()
    await l.startRun({
      strategy: 'write-back',
      ops: 100_000,
      keys: 20,
      ratePerSec: 200,
      dbLatencyMs: 1
    })
    await until(() => l.toInfo().progress.done >= 20)
    const report = await l.stop()
    expect(report?.verdict).toBe('held')
    expect(l.status).toBe('stopped')
    expect(join(report?.dbPath ?? '')).toContain('cache.sqlite')
    expectRowsMatchLastAcked(report as CacheReport)
  })
})
