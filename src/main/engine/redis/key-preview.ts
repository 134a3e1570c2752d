import type { ChainableCommander, Redis, RedisKey } from 'ioredis'
import {
  REDIS_PREVIEW_ENTRY_FIELDS_MAX,
  REDIS_PREVIEW_ITEM_MAX_BYTES,
  REDIS_PREVIEW_ITEMS_MAX,
  REDIS_PREVIEW_STREAM_ENTRIES_MAX,
  REDIS_PREVIEW_STRING_MAX_BYTES,
  truncateUtf8,
  type RedisValuePreview
} from '@shared/contract'

/**
 * HSCAN/SSCAN calls a preview makes at most, after the first, to gather REDIS_PREVIEW_ITEMS_MAX
 * items: COUNT is only a hint, and a sparse hash table can answer a round with few or none.
 */
const PREVIEW_SCAN_ROUNDS_MAX = 8

/** The types whose size and value the browser knows how to read; any other is a module's. */
const KNOWN_TYPES = new Set(['string', 'list', 'hash', 'set', 'zset', 'stream'])

/** What one read of a key found, everything but the preview taken in one MULTI (one instant). */
export interface KeyRead {
  type: string
  /** PTTL in ms; null without a TTL. */
  ttlMs: number | null
  size: number | null
  preview: RedisValuePreview
}

/**
 * Queues the read-only command that measures a key of this type (STRLEN, LLEN, HLEN, SCARD,
 * ZCARD, XLEN). @returns false for a module type, for which nothing was queued.
 */
export function queueSize(chain: ChainableCommander, type: string, key: RedisKey): boolean {
  switch (type) {
    case 'string':
      chain.strlen(key)
      return true
    case 'list':
      chain.llen(key)
      return true
    case 'hash':
      chain.hlen(key)
      return true
    case 'set':
      chain.scard(key)
      return true
    case 'zset':
      chain.zcard(key)
      return true
    case 'stream':
      chain.xlen(key)
      return true
    default:
      return false
  }
}

/** A PTTL reply as the contract's ttlMs: null for no TTL (-1); -2 (missing) is the caller's. */
export function ttlOf(pttl: number): number | null {
  return pttl < 0 ? null : pttl
}

/**
 * Reads a key of `type` in one MULTI: TYPE, PTTL, its size and the first page of its value, so
 * they describe one instant. Every command is a read; PTTL reports the TTL and never changes it.
 * @returns the read; `missing` when the key is gone; `changed` when it now has another type
 *   (the caller reads TYPE again and retries).
 */
export async function readTyped(
  client: Redis,
  key: string,
  type: string
): Promise<KeyRead | 'missing' | 'changed'> {
  const tx = client.multi()
  tx.type(key)
  tx.pttl(key)
  const sized = queueSize(tx, type, key)
  queueValue(tx, type, key)
  const replies = (await tx.exec()) ?? []
  const [typeNow, pttl, ...rest] = replies.map(([err, value]) => {
    if (err) throw err
    return value
  })
  if (typeNow === 'none' || pttl === -2) return 'missing'
  if (typeNow !== type) return 'changed'
  const size = sized ? Number(rest.shift()) : null
  return {
    type,
    ttlMs: ttlOf(Number(pttl)),
    size,
    preview: await previewOf(client, key, type, size ?? 0, rest[0])
  }
}

/** Queues the first page of the value: at most the preview limits' worth of items. */
function queueValue(tx: ChainableCommander, type: string, key: string): void {
  switch (type) {
    case 'string':
      tx.getrangeBuffer(key, 0, REDIS_PREVIEW_STRING_MAX_BYTES - 1)
      break
    case 'list':
      tx.lrange(key, 0, REDIS_PREVIEW_ITEMS_MAX - 1)
      break
    case 'hash':
      tx.hscan(key, '0', 'COUNT', REDIS_PREVIEW_ITEMS_MAX)
      break
    case 'set':
      tx.sscan(key, '0', 'COUNT', REDIS_PREVIEW_ITEMS_MAX)
      break
    case 'zset':
      tx.zrange(key, 0, String(REDIS_PREVIEW_ITEMS_MAX - 1), 'WITHSCORES')
      break
    case 'stream':
      tx.xrevrange(key, '+', '-', 'COUNT', REDIS_PREVIEW_STREAM_ENTRIES_MAX)
      break
  }
}

/** Cuts items to REDIS_PREVIEW_ITEM_MAX_BYTES and remembers whether any was cut. */
class Cutter {
  cut = false

  text(value: unknown): string {
    const text = String(value)
    const kept = truncateUtf8(text, REDIS_PREVIEW_ITEM_MAX_BYTES)
    if (kept !== text) this.cut = true
    return kept
  }
}

async function previewOf(
  client: Redis,
  key: string,
  type: string,
  size: number,
  first: unknown
): Promise<RedisValuePreview> {
  const cutter = new Cutter()
  switch (type) {
    case 'string': {
      const bytes = first as Buffer
      const truncated = size > bytes.length
      // A cut can fall inside a character: in stream mode the decoder leaves an incomplete last
      // sequence out instead of turning it into U+FFFD. Invalid bytes elsewhere become U+FFFD.
      const value = new TextDecoder('utf-8').decode(bytes, { stream: truncated })
      return { type, value, truncated }
    }
    case 'list': {
      const items = (first as string[]).map((item) => cutter.text(item))
      return { type, items, truncated: cutter.cut || size > items.length }
    }
    case 'hash': {
      const flat = await scanMore(client, 'hscan', key, first as [string, string[]], 2)
      const fields: { field: string; value: string }[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) {
        fields.push({ field: cutter.text(flat[i]), value: cutter.text(flat[i + 1]) })
      }
      return { type, fields, truncated: cutter.cut || size > fields.length }
    }
    case 'set': {
      const members = (await scanMore(client, 'sscan', key, first as [string, string[]], 1)).map(
        (member) => cutter.text(member)
      )
      return { type, members, truncated: cutter.cut || size > members.length }
    }
    case 'zset': {
      // RESP2 (and ioredis' legacy mapping of RESP3) flattens member, score; RESP3 pairs them.
      const flat = (first as unknown[]).flat()
      const members: { member: string; score: string }[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) {
        members.push({ member: cutter.text(flat[i]), score: String(flat[i + 1]) })
      }
      return { type, members, truncated: cutter.cut || size > members.length }
    }
    case 'stream': {
      let cutFields = false
      const entries = (first as [string, string[]][]).map(([id, flat]) => {
        const fields: { field: string; value: string }[] = []
        for (let i = 0; i + 1 < flat.length; i += 2) {
          if (fields.length === REDIS_PREVIEW_ENTRY_FIELDS_MAX) {
            cutFields = true
            break
          }
          fields.push({ field: cutter.text(flat[i]), value: cutter.text(flat[i + 1]) })
        }
        return { id, fields }
      })
      return { type, entries, truncated: cutter.cut || cutFields || size > entries.length }
    }
    default:
      if (KNOWN_TYPES.has(type)) throw new Error(`no preview for type ${type}`)
      return { type: 'other', truncated: false }
  }
}

/**
 * Continues an HSCAN/SSCAN whose first round (taken in the MULTI) gave fewer than
 * REDIS_PREVIEW_ITEMS_MAX items, for at most PREVIEW_SCAN_ROUNDS_MAX more rounds. SCAN may
 * return an element twice, so items are de-duplicated by their first element (field or member).
 * @param stride - 2 for HSCAN (field, value pairs), 1 for SSCAN
 * @returns the flat elements of at most REDIS_PREVIEW_ITEMS_MAX items.
 */
async function scanMore(
  client: Redis,
  command: 'hscan' | 'sscan',
  key: string,
  first: [string, string[]],
  stride: 1 | 2
): Promise<string[]> {
  const seen = new Set<string>()
  const out: string[] = []
  const take = (flat: string[]): void => {
    for (let i = 0; i + stride - 1 < flat.length; i += stride) {
      if (out.length / stride >= REDIS_PREVIEW_ITEMS_MAX) return
      const name = flat[i] as string
      if (seen.has(name)) continue
      seen.add(name)
      out.push(...flat.slice(i, i + stride))
    }
  }
  let [cursor, flat] = first
  take(flat)
  for (let round = 0; round < PREVIEW_SCAN_ROUNDS_MAX; round++) {
    if (cursor === '0' || out.length / stride >= REDIS_PREVIEW_ITEMS_MAX) break
    ;[cursor, flat] = await client[command](key, cursor, 'COUNT', REDIS_PREVIEW_ITEMS_MAX)
    take(flat)
  }
  return out
}
