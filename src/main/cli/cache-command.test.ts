import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RedisHost } from '../engine/redis/redis-host'
import { runCacheCommand } from './cache-command'
import { parseCacheFlags } from './cache-flags'
import type { CliIo } from './io'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowlab-cache-flags-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `flowlab cache` with a Redis that records whether anything reached for it. */
async function run(
  argv: string[]
): Promise<{ code: number; stdout: string[]; stderr: string[]; touched: boolean }> {
  const stdout: string[] = []
  const stderr: string[] = []
  let touched = false
  const redis = new Proxy({} as RedisHost, {
    get: () => {
      touched = true
      throw new Error('the command reached for Redis')
    }
  })
  const io: CliIo = {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    readFile: () => Promise.reject(new Error('no files here')),
    env: { REDIS_URL: '' },
    onShutdown: () => undefined
  }
  const code = await runCacheCommand(argv, io, { redis })
  return { code, stdout, stderr, touched }
}

describe('flowlab cache flags', () => {
  it.each([
    [['--strategy', 'write-around'], '--strategy must be one of none, cache-aside, write-through'],
    [['--ops', '-5'], '--ops must be a whole number from 1 to 10000000 (got -5)'],
    [['--ops=-5'], '--ops must be a whole number from 1 to 10000000 (got -5)'],
    [['--keys', '0'], '--keys must be a whole number from 1 to 1000000 (got 0)'],
    [['--clients', '2.5'], '--clients must be a whole number from 1 to 64 (got 2.5)'],
    [['--read-ratio', '1.5'], '--read-ratio must be a number from 0 to 1 (got 1.5)'],
    [['--ttl-ms', '-1'], '--ttl-ms must be a whole number from 0 to 3600000 (got -1)'],
    [['--db-latency-ms', 'slow'], '--db-latency-ms must be a whole number'],
    [['--second-writer', '-0.1'], '--second-writer must be a number from 0 to 1 (got -0.1)'],
    [['--persistence', 'yes'], '--persistence must be one of on, off (got yes)'],
    [['--persistence', 'true'], '--persistence must be one of on, off (got true)'],
    [['--db-down-ms', '500'], '--db-down-ms needs --db-down-at'],
    [['--ops', '100', '--crash-cache-at', '200'], '--crash-cache-at 200 is past the end'],
    [['--db', ''], '--db needs a file name'],
    [['--colour'], "Unknown option '--colour'"]
  ])('%j exits 2 with a clear message and starts nothing', async (argv, message) => {
    const db = join(dir, 'cache.sqlite')
    const r = await run(argv.includes('--db') ? argv : [...argv, '--db', db])
    expect(r.code).toBe(2)
    expect(r.stderr.join('\n')).toContain(`flowlab cache: ${message}`)
    expect(r.stderr.join('\n')).toContain('usage: flowlab cache')
    expect(r.stdout).toEqual([])
    expect(r.touched).toBe(false)
    expect(existsSync(db)).toBe(false)
  })

  it('--crash-cache-at needs the managed Redis', async () => {
    const r = await run(['--crash-cache-at', '10', '--redis-url', 'redis://127.0.0.1:1'])
    expect(r.code).toBe(2)
    expect(r.stderr[0]).toContain('--crash-cache-at needs the managed redis-server')
    expect(r.touched).toBe(false)
  })

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout[0]).toContain('usage: flowlab cache')
    expect(r.touched).toBe(false)
  })

  it('maps every flag onto the contract settings, defaults applied', () => {
    const parsed = parseCacheFlags(
      [
        '--strategy=write-behind',
        '--ops',
        '500',
        '--keys',
        '20',
        '--clients',
        '2',
        '--read-ratio',
        '0.5',
        '--rate',
        '100',
        '--distribution',
        'zipf',
        '--seed',
        '7',
        '--ttl-ms',
        '0',
        '--aside-write',
        'update',
        '--db-latency-ms',
        '0',
        '--flush-every-ms',
        '250',
        '--behind-delay-ms',
        '50',
        '--behind-batch',
        '10',
        '--crash-cache-at',
        '400',
        '--db-down-at',
        '100',
        '--db-down-ms',
        '300',
        '--second-writer',
        '0.1',
        '--persistence',
        'off',
        '--db',
        'rel/cache.sqlite',
        '--json'
      ],
      {}
    )
    if (parsed === 'help') throw new Error('not help')
    expect(parsed.settings).toEqual({
      strategy: 'write-behind',
      ops: 500,
      keys: 20,
      clients: 2,
      readRatio: 0.5,
      ratePerSec: 100,
      keyDistribution: 'zipf',
      seed: 7,
      ttlMs: 0,
      asideWrite: 'update',
      dbLatencyMs: 0,
      flushEveryMs: 250,
      behindDelayMs: 50,
      behindBatch: 10,
      secondWriterP: 0.1,
      persistence: false,
      crashCacheAtOp: 400,
      dbDownAtOp: 100,
      dbDownMs: 300
    })
    expect(parsed.dbPath).toBe(join(process.cwd(), 'rel/cache.sqlite'))
    expect(parsed.json).toBe(true)
  })

  it('without flags runs the contract defaults on a temporary database', () => {
    const parsed = parseCacheFlags([], { REDIS_URL: 'redis://127.0.0.1:6379' })
    if (parsed === 'help') throw new Error('not help')
    expect(parsed.settings).toMatchObject({
      strategy: 'cache-aside',
      ops: 2_000,
      keys: 100,
      clients: 4,
      readRatio: 0.8,
      crashCacheAtOp: 0
    })
    expect(parsed.settings.persistence).toBeUndefined()
    expect(parsed.dbPath).toBeNull()
    expect(parsed.redisUrl).toBe('redis://127.0.0.1:6379')
  })
})
