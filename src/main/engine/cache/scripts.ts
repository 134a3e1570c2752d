import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

/**
 * The Cache lab's Lua scripts (atomic per entry). Kept inline so the built app needs no files
 * beside its code; each is named like a BullMQ script file, `camelName-<numKeys>`.
 */
export interface CacheScript {
  name: string
  numKeys: number
  source: string
  sha: string
}

function script(name: string, numKeys: number, source: string): CacheScript {
  return { name, numKeys, source, sha: createHash('sha1').update(source).digest('hex') }
}

/**
 * setIfNewer-2: KEYS entry, dirty set; ARGV value, version, dirty (0/1), ttlMs (0 = none), key.
 * Writes the entry only when it is missing or older, so the cache never moves back a version.
 * Returns 1 when written, 0 when a newer (or the same) version was there.
 */
export const SET_IF_NEWER = script(
  'setIfNewer-2',
  2,
  `local cur = redis.call('HGET', KEYS[1], 'version')
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'version', ARGV[2], 'dirty', ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) else redis.call('PERSIST', KEYS[1]) end
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[5]) end
return 1`
)

/**
 * setQueued-3: KEYS entry, dirty set, queue; ARGV value, version, key, queue item (JSON).
 * setIfNewer (dirty, no TTL) and, when written, the write appended to the write-behind queue in
 * the same atomic step: an acknowledged write is in both or in neither.
 */
export const SET_QUEUED = script(
  'setQueued-3',
  3,
  `local cur = redis.call('HGET', KEYS[1], 'version')
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'value', ARGV[1], 'version', ARGV[2], 'dirty', '1')
redis.call('PERSIST', KEYS[1])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[4])
return 1`
)

/**
 * cleanIfVersion-2: KEYS entry, dirty set; ARGV version, key. After a flush wrote `version` to
 * the database: the entry is clean if it still holds that version; the key leaves the dirty set
 * unless the entry is dirty with a newer version.
 */
export const CLEAN_IF_VERSION = script(
  'cleanIfVersion-2',
  2,
  `local cur = redis.call('HGET', KEYS[1], 'version')
if cur == ARGV[1] then redis.call('HSET', KEYS[1], 'dirty', '0') end
if redis.call('HGET', KEYS[1], 'dirty') ~= '1' then redis.call('SREM', KEYS[2], ARGV[2]) end
return 1`
)

/** getEntry-1: KEYS entry. Returns value, version, dirty and PTTL in one round trip. */
export const GET_ENTRY = script(
  'getEntry-1',
  1,
  `local e = redis.call('HMGET', KEYS[1], 'value', 'version', 'dirty')
return { e[1], e[2], e[3], redis.call('PTTL', KEYS[1]) }`
)

/** Runs a script by SHA, loading it when the server does not know it (a restarted server). */
export async function runScript(
  client: Redis,
  s: CacheScript,
  keys: readonly string[],
  args: readonly (string | number)[]
): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, s.numKeys, ...keys, ...args)
  } catch (err) {
    if (!(err as Error).message.includes('NOSCRIPT')) throw err
    return client.eval(s.source, s.numKeys, ...keys, ...args)
  }
}

/**
 * expireEntry-2: KEYS entry, dirty set; ARGV key. Deletes the entry as a TTL would and takes the
 * key out of the dirty set. Returns the version a dirty entry held (its writes are now lost), or
 * -1 when the entry was clean or missing.
 */
export const EXPIRE_ENTRY = script(
  'expireEntry-2',
  2,
  `local fields = redis.call('HMGET', KEYS[1], 'version', 'dirty')
redis.call('UNLINK', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
if fields[1] and fields[2] == '1' then return tonumber(fields[1]) end
return -1`
)
