import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  CommandType,
  ErrorCode,
  REDIS_KEY_NAME_MAX_BYTES,
  REDIS_PREVIEW_ITEM_MAX_BYTES,
  REDIS_PREVIEW_ITEMS_MAX,
  REDIS_PREVIEW_STREAM_ENTRIES_MAX,
  REDIS_PREVIEW_STRING_MAX_BYTES,
  REDIS_SCAN_PAGE_MAX_KEYS,
  RedisReadKeyResultSchema,
  RedisScanKeysResultSchema,
  utf8Bytes,
  type RedisKeyRow,
  type RedisReadKeyResult,
  type RedisScanKeysResult,
  type Result
} from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { startRedis, tempDir } from './cache-harness'

/** The engine with no labs on the file's Redis: only the core commands run. */
async function startEngine(redis: RedisHost): Promise<{ engine: Engine; remove(): void }> {
  const temp = tempDir()
  const engine = createEngine({
    dataDir: temp.dir,
    door: 'cli',
    sharedRedis: redis,
    labDefinitions: []
  })
  await engine.start()
  return { engine, remove: temp.remove }
}

function ok<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

/** Every page from cursor 0 to the end, each checked against the reply schema. */
async function allPages(
  engine: Engine,
  prefix: string,
  count: number
): Promise<RedisScanKeysResult[]> {
  const pages: RedisScanKeysResult[] = []
  let cursor = '0'
  do {
    const page = RedisScanKeysResultSchema.parse(
      ok(await engine.execute({ type: CommandType.RedisScanKeys, prefix, cursor, count }))
    )
    pages.push(page)
    cursor = page.cursor
  } while (cursor !== '0')
  return pages
}

async function readKey(engine: Engine, key: string): Promise<RedisReadKeyResult> {
  return RedisReadKeyResultSchema.parse(
    ok(await engine.execute({ type: CommandType.RedisReadKey, key }))
  )
}

/** The count of calls per command from INFO commandstats (`cmdstat_get:calls=3,...`). */
async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const text = await client.info('commandstats')
  const calls = new Map<string, number>()
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls.set(match[1] as string, Number(match[2]))
  }
  return calls
}

/** INFO keyspace without `avg_ttl` (a running estimate that moves by itself): `db0:keys=7,expires=6`. */
async function keyspace(client: Redis): Promise<string> {
  return (await client.info('keyspace')).replace(/,avg_ttl=\d+/g, '')
}

/** `rdb_changes_since_last_save`: Redis's count of writes (every write bumps it). */
async function writesSoFar(client: Redis): Promise<number> {
  const text = await client.info('persistence')
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(text)?.[1] ?? NaN)
}

describe('Redis key browser', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let engine: Engine
  let removeDir: () => void
  let client: Redis
  let prefix: string

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
    ;({ engine, remove: removeDir } = await startEngine(redis))
    client = redis.createClient('test')
  })

  afterEach(async () => {
    // Each test writes below its own prefix; delete them so the next starts from nothing.
    const keys: Buffer[] = []
    let cursor = '0'
    do {
      const [next, batch] = await client.scanBuffer(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next.toString()
      keys.push(...batch)
    } while (cursor !== '0')
    if (keys.length > 0) await client.del(...keys)
  })

  afterAll(async () => {
    client.disconnect()
    await engine.close()
    removeDir()
    await closeRedis()
  })

  function freshPrefix(): string {
    prefix = `flowlab:test-${randomUUID()}:`
    return prefix
  }

  it('lists a key of each type with its type, TTL and size', async () => {
    const p = freshPrefix()
    await client.set(`${p}string`, 'hello')
    await client.set(`${p}ttl`, 'x', 'PX', 600_000)
    await client.rpush(`${p}list`, 'a', 'b', 'c')
    await client.hset(`${p}hash`, { f1: 'v1', f2: 'v2' })
    await client.sadd(`${p}set`, 'm1', 'm2', 'm3', 'm4')
    await client.zadd(`${p}zset`, 1, 'z1', 2, 'z2', 3, 'z3')
    await client.xadd(`${p}stream`, '*', 'a', '1')
    await client.xadd(`${p}stream`, '*', 'b', '2')
    await client.set(Buffer.concat([Buffer.from(`${p}bin-`), Buffer.from([0xff, 0xfe])]), 'b')
    await client.set(`${p}${'k'.repeat(REDIS_KEY_NAME_MAX_BYTES)}`, 'long name')
    // Same first letters, not the prefix: must not be listed.
    await client.set(`${p.slice(0, -1)}-other`, 'no')

    const pages = await allPages(engine, p, 200)
    const rows = new Map<string, RedisKeyRow>()
    for (const row of pages.flatMap((page) => page.keys)) rows.set(row.key.slice(p.length), row)
    expect(rows.size).toBe(9)
    expect(rows.get('string')).toEqual({
      key: `${p}string`,
      readable: true,
      type: 'string',
      ttlMs: null,
      size: 5
    })
    expect(rows.get('list')).toMatchObject({ type: 'list', size: 3, ttlMs: null })
    expect(rows.get('hash')).toMatchObject({ type: 'hash', size: 2 })
    expect(rows.get('set')).toMatchObject({ type: 'set', size: 4 })
    expect(rows.get('zset')).toMatchObject({ type: 'zset', size: 3 })
    expect(rows.get('stream')).toMatchObject({ type: 'stream', size: 2 })
    const ttl = rows.get('ttl')?.ttlMs ?? -1
    expect(ttl).toBeGreaterThan(500_000)
    expect(ttl).toBeLessThanOrEqual(600_000)
    // A name that is not UTF-8 arrives with U+FFFD and cannot be named back.
    expect(rows.get('bin-\uFFFD\uFFFD')).toMatchObject({ type: 'string', readable: false, size: 1 })
    const long = [...rows.values()].find((row) => row.key.includes('kkkk'))
    expect(long?.readable).toBe(false)
    expect(utf8Bytes(long?.key ?? '')).toBeLessThanOrEqual(REDIS_KEY_NAME_MAX_BYTES)
    expect(long?.key).toContain('…[truncated')
  })

  it('pages through every key under the prefix exactly once, and only those', async () => {
    const p = freshPrefix()
    const names = Array.from({ length: 250 }, (_, i) => `${p}k${i}`)
    const pipeline = client.pipeline()
    for (const name of names) pipeline.set(name, '1')
    // Noise around the prefix: other keys, and glob characters that must be taken literally.
    for (let i = 0; i < 100; i++) pipeline.set(`flowlab:noise-${randomUUID()}`, '1')
    pipeline.set(`${p}glob*[a]?:1`, '1')
    pipeline.set(`${p}globX[a]?:1`, '1')
    await pipeline.exec()

    const pages = await allPages(engine, p, 20)
    const seen = pages.flatMap((page) => page.keys.map((row) => row.key))
    expect(pages.length).toBeGreaterThanOrEqual(5)
    for (const page of pages) expect(page.keys.length).toBeLessThanOrEqual(REDIS_SCAN_PAGE_MAX_KEYS)
    expect(new Set(seen).size).toBe(seen.length)
    expect(new Set(seen)).toEqual(new Set([...names, `${p}glob*[a]?:1`, `${p}globX[a]?:1`]))

    const literal = await allPages(engine, `${p}glob*[a]?`, 200)
    expect(literal.flatMap((page) => page.keys.map((row) => row.key))).toEqual([`${p}glob*[a]?:1`])
    const pNoise = 'flowlab:noise-'
    const noise = await allPages(engine, pNoise, 200)
    // Tidy the noise too (it is not under this test's prefix).
    await client.del(...noise.flatMap((page) => page.keys.map((row) => row.key)))
  })

  it('previews each type within the named limits, marking what was cut', async () => {
    const p = freshPrefix()
    const many = Array.from({ length: 300 }, (_, i) => i)
    await client.set(`${p}big`, 'x'.repeat(20_000))
    // 3-byte characters: the cut must not split one (no U+FFFD at the end).
    await client.set(`${p}euro`, '€'.repeat(5_000))
    await client.set(`${p}json`, JSON.stringify({ a: 1, b: [true, null] }))
    await client.hset(`${p}hash`, Object.fromEntries(many.map((i) => [`f${i}`, `v${i}`])))
    await client.rpush(`${p}list`, ...many.map((i) => `item${i}`))
    await client.rpush(`${p}longitem`, 'y'.repeat(1_000))
    await client.sadd(`${p}set`, ...many.map((i) => `m${i}`))
    await client.zadd(`${p}zset`, ...many.flatMap((i) => [300 - i, `z${i}`]))
    for (let i = 0; i < 100; i++) await client.xadd(`${p}stream`, `${i + 1}-0`, 'n', String(i))

    const big = await readKey(engine, `${p}big`)
    expect(big).toMatchObject({ exists: true, type: 'string', size: 20_000, ttlMs: null })
    if (!big.exists || big.preview.type !== 'string') throw new Error('not a string preview')
    expect(big.preview.value).toBe('x'.repeat(REDIS_PREVIEW_STRING_MAX_BYTES))
    expect(big.preview.truncated).toBe(true)

    const euro = await readKey(engine, `${p}euro`)
    if (!euro.exists || euro.preview.type !== 'string') throw new Error('not a string preview')
    expect(euro.preview.value).toBe('€'.repeat(Math.floor(REDIS_PREVIEW_STRING_MAX_BYTES / 3)))

    expect(await readKey(engine, `${p}json`)).toMatchObject({
      preview: { type: 'string', value: '{"a":1,"b":[true,null]}', truncated: false }
    })

    const hash = await readKey(engine, `${p}hash`)
    if (!hash.exists || hash.preview.type !== 'hash') throw new Error('not a hash preview')
    expect(hash.size).toBe(300)
    expect(hash.preview.fields).toHaveLength(REDIS_PREVIEW_ITEMS_MAX)
    expect(hash.preview.truncated).toBe(true)
    for (const { field, value } of hash.preview.fields) expect(value).toBe(`v${field.slice(1)}`)
    expect(new Set(hash.preview.fields.map((f) => f.field)).size).toBe(REDIS_PREVIEW_ITEMS_MAX)

    expect(await readKey(engine, `${p}list`)).toMatchObject({
      size: 300,
      preview: { type: 'list', items: many.slice(0, 50).map((i) => `item${i}`), truncated: true }
    })
    const longItem = await readKey(engine, `${p}longitem`)
    if (!longItem.exists || longItem.preview.type !== 'list') throw new Error('not a list')
    expect(longItem.preview.truncated).toBe(true)
    expect(utf8Bytes(longItem.preview.items[0] ?? '')).toBeLessThanOrEqual(
      REDIS_PREVIEW_ITEM_MAX_BYTES
    )
    expect(longItem.preview.items[0]).toMatch(/^y+…\[truncated \d+ bytes\]$/)

    const set = await readKey(engine, `${p}set`)
    if (!set.exists || set.preview.type !== 'set') throw new Error('not a set preview')
    expect(set.preview.members).toHaveLength(REDIS_PREVIEW_ITEMS_MAX)
    expect(new Set(set.preview.members).size).toBe(REDIS_PREVIEW_ITEMS_MAX)
    for (const member of set.preview.members) expect(member).toMatch(/^m\d+$/)

    expect(await readKey(engine, `${p}zset`)).toMatchObject({
      size: 300,
      preview: {
        type: 'zset',
        // Lowest score first: z299 has score 1.
        members: many.slice(0, 50).map((i) => ({ member: `z${299 - i}`, score: String(i + 1) })),
        truncated: true
      }
    })

    const stream = await readKey(engine, `${p}stream`)
    if (!stream.exists || stream.preview.type !== 'stream') throw new Error('not a stream')
    expect(stream.size).toBe(100)
    expect(stream.preview.entries).toHaveLength(REDIS_PREVIEW_STREAM_ENTRIES_MAX)
    expect(stream.preview.entries[0]).toEqual({
      id: '100-0',
      fields: [{ field: 'n', value: '99' }]
    })
    expect(stream.preview.entries.at(-1)?.id).toBe('81-0')
    expect(stream.preview.truncated).toBe(true)

    // A missing key is an answer, not an error.
    expect(await readKey(engine, `${p}nothing`)).toEqual({ key: `${p}nothing`, exists: false })
  })

  it('only reads: TTLs, key count and write count unchanged, no write command run', async () => {
    const p = freshPrefix()
    await client.set(`${p}string`, 'v')
    await client.rpush(`${p}list`, 'a', 'b')
    await client.hset(`${p}hash`, 'f', 'v')
    await client.sadd(`${p}set`, 'm')
    await client.zadd(`${p}zset`, 1, 'm')
    await client.xadd(`${p}stream`, '*', 'f', 'v')
    const keys = ['string', 'list', 'hash', 'set', 'zset', 'stream'].map((k) => `${p}${k}`)
    for (const key of keys) await client.pexpire(key, 600_000 + keys.indexOf(key))
    // OBJECT IDLETIME has a resolution of seconds: let the keys age a little first.
    let idle = 0
    const deadline = Date.now() + 30_000
    while (idle < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      idle = Number(await client.object('IDLETIME', `${p}hash`))
    }
    expect(idle).toBeGreaterThanOrEqual(2)

    const expiresBefore = await Promise.all(keys.map((key) => client.pexpiretime(key)))
    const dbsizeBefore = await client.dbsize()
    const keyspaceBefore = await keyspace(client)
    const writesBefore = await writesSoFar(client)
    const callsBefore = await commandCalls(client)

    const listed = await allPages(engine, p, 50)
    expect(listed.flatMap((page) => page.keys)).toHaveLength(keys.length)
    const reads = await Promise.all(keys.map((key) => readKey(engine, key)))
    expect(reads.every((read) => read.exists)).toBe(true)

    expect(await Promise.all(keys.map((key) => client.pexpiretime(key)))).toEqual(expiresBefore)
    expect(expiresBefore.every((at) => at > Date.now())).toBe(true)
    expect(await client.dbsize()).toBe(dbsizeBefore)
    expect(await keyspace(client)).toBe(keyspaceBefore)
    expect(await writesSoFar(client)).toBe(writesBefore)
    // Every command that ran meanwhile (the browser's, this test's INFO and the host's poll) is
    // one Redis itself does not flag as a write.
    const callsAfter = await commandCalls(client)
    const ran = [...callsAfter].filter(([name, n]) => n > (callsBefore.get(name) ?? 0))
    expect(ran.map(([name]) => name)).toEqual(expect.arrayContaining(['scan', 'type', 'pttl']))
    for (const [name] of ran) {
      const [info] = (await client.command('INFO', name)) as [[string, number, string[]]]
      expect({ name, write: info[2].includes('write') }).toEqual({ name, write: false })
    }
    expect(ran.map(([name]) => name)).not.toContain('keys')

    // Idle time: untouched where the server has CLIENT NO-TOUCH (7.2+); before that, reading a
    // value is an access for LRU, and the reply says so.
    const [major = 0, minor = 0] = (
      (await client.info('server')).match(/redis_version:(\d+)\.(\d+)/) ?? []
    )
      .slice(1)
      .map(Number)
    const hasNoTouch = major > 7 || (major === 7 && minor >= 2)
    expect(listed[0]?.noTouch).toBe(hasNoTouch)
    expect(reads.map((read) => read.exists && read.noTouch)).toEqual(keys.map(() => hasNoTouch))
    const idleAfter = Number(await client.object('IDLETIME', `${p}hash`))
    if (hasNoTouch) expect(idleAfter).toBeGreaterThanOrEqual(idle)
    else expect(idleAfter).toBeLessThan(idle)
  })

  it('rejects bad input with a structured error, and changes nothing', async () => {
    const p = freshPrefix()
    await client.set(`${p}a`, '1')
    const dbsize = await client.dbsize()
    const writes = await writesSoFar(client)
    const bad: [Record<string, unknown>, string][] = [
      [{ type: CommandType.RedisScanKeys, prefix: 'p'.repeat(257) }, 'prefix'],
      [{ type: CommandType.RedisScanKeys, prefix: 7 }, 'prefix'],
      [{ type: CommandType.RedisScanKeys, count: 0 }, 'count'],
      [{ type: CommandType.RedisScanKeys, count: 201 }, 'count'],
      [{ type: CommandType.RedisScanKeys, count: 2.5 }, 'count'],
      [{ type: CommandType.RedisScanKeys, cursor: 'abc' }, 'cursor'],
      [{ type: CommandType.RedisScanKeys, cursor: '-1' }, 'cursor'],
      [{ type: CommandType.RedisScanKeys, cursor: '18446744073709551616' }, 'cursor'],
      [{ type: CommandType.RedisScanKeys, match: '*' }, 'match'],
      [{ type: CommandType.RedisReadKey }, 'key'],
      [{ type: CommandType.RedisReadKey, key: '' }, 'key'],
      [{ type: CommandType.RedisReadKey, key: '€'.repeat(342) }, 'key'],
      [{ type: CommandType.RedisReadKey, key: `${p}a`, count: 5 }, 'count']
    ]
    for (const [command, field] of bad) {
      const result = await engine.execute(command)
      expect(result.ok, JSON.stringify(command).slice(0, 80)).toBe(false)
      if (result.ok) continue
      expect(result.error).toMatchObject({ code: ErrorCode.InvalidCommand, field })
      expect(result.error.message).toContain(`'${command.type as string}'`)
    }
    // The largest cursor and the longest key are still accepted.
    expect(
      (
        await engine.execute({
          type: CommandType.RedisScanKeys,
          prefix: p,
          cursor: '18446744073709551615'
        })
      ).ok
    ).toBe(true)
    expect(await readKey(engine, 'k'.repeat(REDIS_KEY_NAME_MAX_BYTES))).toMatchObject({
      exists: false
    })
    expect(await client.dbsize()).toBe(dbsize)
    expect(await writesSoFar(client)).toBe(writes)
  })
})

describe('Redis key browser with Redis down', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let engine: Engine
  let removeDir: () => void

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
    ;({ engine, remove: removeDir } = await startEngine(redis))
  })

  afterAll(async () => {
    await engine.close()
    removeDir()
    await closeRedis()
  })

  it('says Redis is down and what to do, then works again after a restart', async () => {
    const key = `flowlab:test-${randomUUID()}:k`
    const client = redis.createClient('test')
    await client.set(key, 'v')
    // A first read opens the browser's connection, so the kill below also cuts a live one.
    expect(await readKey(engine, key)).toMatchObject({ exists: true })
    ok(await engine.execute({ type: CommandType.RedisKill }))
    for (const command of [
      { type: CommandType.RedisScanKeys },
      { type: CommandType.RedisReadKey, key }
    ]) {
      const result = await engine.execute(command)
      expect(result).toEqual({
        ok: false,
        error: {
          code: ErrorCode.RedisUnavailable,
          message: 'Redis is down: restart it from the Redis panel',
          details: { status: 'down' }
        }
      })
    }
    ok(await engine.execute({ type: CommandType.RedisRestart }))
    // The browser's own connection reconnects on its backoff; the read waits for it.
    let read: Result<unknown> = { ok: false, error: { code: ErrorCode.Internal, message: '' } }
    const deadline = Date.now() + 20_000
    while (!read.ok && Date.now() < deadline) {
      read = await engine.execute({ type: CommandType.RedisReadKey, key })
      if (!read.ok) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // The managed server runs with AOF on: the key survived the kill.
    expect(read).toMatchObject({ ok: true, value: { exists: true, preview: { value: 'v' } } })
    await client.del(key)
    client.disconnect()
  })
})
