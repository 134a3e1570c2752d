import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Sqlite from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '@shared/contract'
import type { CacheInfo } from '@shared/contract/labs/cache'
import { cacheLab, cacheLabOf } from '../../src/main/engine/cache'
import { createEngine, type Engine } from '../../src/main/engine'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { readRows, startRedis, tempDir, until } from './cache-harness'

// Through the engine: the data path end to end, the Redis panel's kill and restart taken by a live
// run, faults, and acceptance 4 (bad input gets a clear error and changes nothing).
describe('Cache lab through the engine', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let engine: Engine | null = null
  let remove: (() => void) | null = null

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterEach(async () => {
    await engine?.close()
    engine = null
    remove?.()
    remove = null
  })

  afterAll(async () => {
    await closeRedis()
  })

  async function start(dbPath?: string): Promise<{ e: Engine; dir: string }> {
    const temp = tempDir()
    remove = temp.remove
    engine = createEngine({
      dataDir: temp.dir,
      door: 'cli',
      sharedRedis: redis,
      labDefinitions: [cacheLab],
      ...(dbPath ? { labs: { cache: { dbPath: dbPath } } } : {})
    })
    await engine.start()
    return { e: engine, dir: temp.dir }
  }

  function info(e: Engine): CacheInfo {
    return (e.getSnapshot().labs as unknown as Record<string, CacheInfo>).cache as CacheInfo
  }

  it('runs a write-back run with faults and a Redis kill/restart from the Redis panel', async () => {
    const { e } = await start()
    const started = await e.execute({
      type: 'cache:start',
      settings: {
        strategy: 'write-back',
        ops: 1_500,
        keys: 20,
        ratePerSec: 500,
        dbLatencyMs: 1,
        persistence: false
      }
    })
    expect(started).toEqual({ ok: true, value: null })
    const lab = cacheLabOf(e)
    await until(() => lab.toInfo().progress.done >= 100)
    expect(await e.execute({ type: 'cache:fault', fault: { kind: 'evict', key: 'k1' } })).toEqual({
      ok: true,
      value: null
    })
    await e.execute({ type: 'cache:fault', fault: { kind: 'expire' } })
    await e.execute({ type: 'cache:fault', fault: { kind: 'db-slow', ms: 100, extraMs: 5 } })
    await e.execute({ type: 'cache:fault', fault: { kind: 'crash-flusher' } })
    expect(await e.execute({ type: 'cache:flush' })).toEqual({ ok: true, value: null })
    await e.execute({ type: 'cache:fault', fault: { kind: 'second-writer', p: 0.1 } })
    await until(() => lab.toInfo().progress.done >= 400)
    await e.execute({ type: 'redis:kill' })
    await e.execute({ type: 'redis:restart' })
    const report = await lab.waitForSettled()
    expect(report.faults).toMatchObject({
      evictions: 1,
      expirations: 1,
      dbSlowPeriods: 1,
      flusherCrashes: 1,
      cacheCrashes: 1
    })
    expect(report.counts.secondWrites).toBeGreaterThan(0)
    expect(
      report.counts.reads +
        report.counts.writes +
        report.counts.failedReads +
        report.counts.failedWrites
    ).toBe(1_500)
    const snapshot = info(e)
    expect(snapshot.status).toBe('done')
    expect(snapshot.verdict).toBe(report.verdict)
    expect(snapshot.entries.length).toBe(20)
    expect(snapshot.guarantees.map((g) => g.name)).toEqual(['no-stale-reads', 'no-lost-writes'])
    // Every lost write is explained by the crash (the Redis panel's kill went through the run).
    expect(
      report.violations
        .filter((v) => v.kind === 'lost-write')
        .every((v) => v.cause === 'cache-crash-dirty')
    ).toBe(true)
  })

  it('a database down period fails writes without losing acknowledged ones (write-through)', async () => {
    const { e } = await start()
    const lab = cacheLabOf(e)
    await e.execute({
      type: 'cache:start',
      settings: {
        strategy: 'write-through',
        ops: 600,
        keys: 20,
        dbLatencyMs: 1,
        ratePerSec: 1_000,
        dbDownAtOp: 100,
        dbDownMs: 200
      }
    })
    await until(() => lab.toInfo().db.down)
    const report = await lab.waitForSettled()
    expect(report.faults.dbDownPeriods).toBe(1)
    expect(report.counts.failedWrites + report.counts.failedReads).toBeGreaterThan(0)
    expect(report.counts.lostWrites).toBe(0)
    const rows = readRows(report.dbPath)
    for (const [key, acked] of Object.entries(report.lastAcked))
      expect(rows.get(key)).toEqual(acked)
  })

  it('write-behind shows its queue and drains it at the end', async () => {
    const { e } = await start()
    const lab = cacheLabOf(e)
    await e.execute({
      type: 'cache:start',
      settings: {
        strategy: 'write-behind',
        ops: 2_000,
        keys: 20,
        readRatio: 0.2,
        ratePerSec: 1_000,
        behindDelayMs: 100,
        dbLatencyMs: 1
      }
    })
    await until(() => (lab.toInfo().queue?.depth ?? 0) > 0)
    expect(lab.toInfo().queue?.oldestAgeMs).not.toBeNull()
    const report = await lab.waitForSettled()
    expect(report.verdict).toBe('held')
    expect(lab.toInfo().queue?.depth).toBe(0)
    expect(lab.toInfo().queue?.flushLagMs).not.toBeNull()
  })

  it('rejects bad settings, a live run, a non-SQLite and a read-only file; nothing changes', async () => {
    const temp = tempDir()
    const notDb = join(temp.dir, 'notes.txt')
    writeFileSync(notDb, 'hello, not a database\n')
    const readOnly = join(temp.dir, 'ro.sqlite')
    const seeded = new Sqlite(readOnly)
    seeded.exec(
      "CREATE TABLE items(key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL); INSERT INTO items VALUES ('k1', 'mine', 7)"
    )
    seeded.close()
    chmodSync(readOnly, 0o444)
    const roBytes = readFileSync(readOnly)
    try {
      for (const [path, words] of [
        [notDb, 'not a SQLite database'],
        [readOnly, 'read-only']
      ] as const) {
        const { e } = await start(path)
        const reply = await e.execute({ type: 'cache:start', settings: { ops: 10 } })
        expect(reply.ok).toBe(false)
        if (!reply.ok) {
          expect(reply.error.code).toBe(ErrorCode.InvalidCommand)
          expect(reply.error.message).toContain(words)
        }
        expect(info(e).status).toBe('idle')
        expect(info(e).lastError).toBeNull()
        await engine?.close()
        engine = null
        remove?.()
        remove = null
      }
      expect(readFileSync(notDb, 'utf8')).toBe('hello, not a database\n')
      expect(readFileSync(readOnly).equals(roBytes)).toBe(true)

      const { e } = await start()
      for (const settings of [{ strategy: 'bogus' }, { ops: -5 }, { keys: 0 }, { readRatio: 2 }]) {
        const reply = await e.execute({ type: 'cache:start', settings })
        expect(reply.ok).toBe(false)
        if (!reply.ok) expect(reply.error.code).toBe(ErrorCode.InvalidCommand)
      }
      expect(info(e).status).toBe('idle')
      const noRun = await e.execute({ type: 'cache:fault', fault: { kind: 'evict' } })
      expect(!noRun.ok && noRun.error.code).toBe(ErrorCode.InvalidState)
      await e.execute({
        type: 'cache:start',
        settings: { ops: 100_000, ratePerSec: 100, dbLatencyMs: 0 }
      })
      const twice = await e.execute({ type: 'cache:start', settings: { ops: 10 } })
      expect(!twice.ok && twice.error.code).toBe(ErrorCode.InvalidState)
      expect(info(e).settings?.ops).toBe(100_000)
      expect(await e.execute({ type: 'cache:stop' })).toEqual({ ok: true, value: null })
      expect(info(e).status).toBe('stopped')
    } finally {
      chmodSync(readOnly, 0o644)
      temp.remove()
    }
  })
})
