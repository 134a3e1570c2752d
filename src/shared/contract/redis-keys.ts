import { z } from 'zod'
import { utf8Bytes } from './limits'

/**
 * The Redis panel's key browser: `redis:scanKeys` pages through the keys under a prefix with
 * SCAN, `redis:readKey` previews one key's value. Both only read (SCAN, TYPE, PTTL and the
 * type's read commands; never KEYS, never a write), and every reply is bounded by the constants
 * below. Key names and values travel as JSON strings decoded as UTF-8: bytes that are not UTF-8
 * arrive as U+FFFD (the replacement character).
 */

/** The key browser's command names (members of `CommandType` in commands.ts). */
export const RedisKeysCommandType = {
  ScanKeys: 'redis:scanKeys',
  ReadKey: 'redis:readKey'
} as const

/** The prefix the panel starts with: every key Flowlab itself writes begins with it. */
export const REDIS_KEYS_PREFIX_DEFAULT = 'flowlab:'
/** Longest prefix accepted, in bytes of UTF-8. */
export const REDIS_KEYS_PREFIX_MAX_BYTES = 256
/** Longest key name `redis:readKey` accepts, in bytes of UTF-8; longer names are shown cut. */
export const REDIS_KEY_NAME_MAX_BYTES = 1024
/** SCAN cursors are unsigned 64-bit integers: at most 20 decimal digits. */
export const REDIS_SCAN_CURSOR_MAX_DIGITS = 20
/** The largest SCAN cursor (2^64 - 1). */
const REDIS_SCAN_CURSOR_MAX = 2n ** 64n - 1n
/** Keys asked for per page when the caller does not say. */
export const REDIS_SCAN_COUNT_DEFAULT = 50
/** Largest page size a caller may ask for, in keys. */
export const REDIS_SCAN_COUNT_MAX = 200
/**
 * Most keys one page can carry. SCAN's COUNT is a hint that it can overshoot by the length of the
 * last hash bucket it walks (a handful of keys), so a page may hold a few more than `count`; the
 * cursor has already moved past them and they cannot be held back without losing them.
 */
export const REDIS_SCAN_PAGE_MAX_KEYS = 2 * REDIS_SCAN_COUNT_MAX
/** A string value's preview: at most this many bytes of it are read (GETRANGE) and sent. */
export const REDIS_PREVIEW_STRING_MAX_BYTES = 8 * 1024
/** Fields of a hash, items of a list, members of a set or zset shown, at most. */
export const REDIS_PREVIEW_ITEMS_MAX = 50
/** Entries of a stream shown (the newest), at most. */
export const REDIS_PREVIEW_STREAM_ENTRIES_MAX = 20
/** Field/value pairs shown per stream entry, at most. */
export const REDIS_PREVIEW_ENTRY_FIELDS_MAX = 16
/** Each field, item, member or stream value is cut to this many bytes (marker included). */
export const REDIS_PREVIEW_ITEM_MAX_BYTES = 256

/** A string of at most `max` bytes of UTF-8. */
function boundedText(max: number, what: string): z.ZodString {
  return z.string().refine((text) => utf8Bytes(text) <= max, `${what} is over ${max} bytes`)
}

/** Where SCAN continues: `0` starts, and a reply's `0` means the walk is complete. */
const CursorSchema = z
  .string()
  .regex(
    new RegExp(`^[0-9]{1,${REDIS_SCAN_CURSOR_MAX_DIGITS}}$`),
    'a SCAN cursor: decimal digits, 0 to start'
  )
  // zod runs every check even after one failed: BigInt only sees digits.
  .refine(
    (cursor) => !/^[0-9]+$/.test(cursor) || BigInt(cursor) <= REDIS_SCAN_CURSOR_MAX,
    'a SCAN cursor fits in 64 bits'
  )

/** One page of the keys whose names start with `prefix`. */
export const RedisScanKeysSchema = z.strictObject({
  type: z.literal(RedisKeysCommandType.ScanKeys),
  /** Names start with this, taken literally (`*`, `?`, `[` are escaped); '' means every key. */
  prefix: boundedText(REDIS_KEYS_PREFIX_MAX_BYTES, 'prefix').default(REDIS_KEYS_PREFIX_DEFAULT),
  /** `0` for the first page, then the `cursor` of the previous reply. */
  cursor: CursorSchema.default('0'),
  /** Page size in keys (a hint, as SCAN's COUNT: a page may be shorter or a few keys longer). */
  count: z.number().int().min(1).max(REDIS_SCAN_COUNT_MAX).default(REDIS_SCAN_COUNT_DEFAULT)
})

/** One key's value preview. */
export const RedisReadKeySchema = z.strictObject({
  type: z.literal(RedisKeysCommandType.ReadKey),
  /** The exact key name (as a scanKeys row gives it when `readable`). */
  key: boundedText(REDIS_KEY_NAME_MAX_BYTES, 'key').min(1, 'key is empty')
})

/** A key's type as TYPE reports it; a module's own type (e.g. `ReJSON-RL`) passes through. */
const KeyTypeSchema = z.string().max(64)
/** PTTL in ms; null when the key has no TTL. */
const TtlSchema = z.number().int().min(0).nullable()
/** A bounded text from Redis (a field, an item, a member), already cut with a marker. */
const ItemSchema = z.string().max(REDIS_PREVIEW_ITEM_MAX_BYTES)
const FieldValueSchema = z.strictObject({ field: ItemSchema, value: ItemSchema })

export const RedisKeyRowSchema = z.strictObject({
  /** The name, decoded as UTF-8 and cut to REDIS_KEY_NAME_MAX_BYTES (with a marker) if longer. */
  key: z.string().max(REDIS_KEY_NAME_MAX_BYTES),
  /** False when the name is not valid UTF-8 or was cut, so `redis:readKey` cannot name it. */
  readable: z.boolean(),
  /** TYPE: string, list, hash, set, zset, stream, or a module type. */
  type: KeyTypeSchema,
  /** PTTL in ms; null when the key never expires. */
  ttlMs: TtlSchema,
  /** STRLEN (bytes), LLEN, HLEN, SCARD, ZCARD or XLEN; null for a module type. */
  size: z.number().int().min(0).nullable()
})
export type RedisKeyRow = z.infer<typeof RedisKeyRowSchema>

export const RedisScanKeysResultSchema = z.strictObject({
  /** Pass this back for the next page; `0` when every key has been visited. */
  cursor: z.string(),
  /** This page's keys, in SCAN order (a key deleted meanwhile is left out). */
  keys: z.array(RedisKeyRowSchema).max(REDIS_SCAN_PAGE_MAX_KEYS),
  /**
   * True when reading did not change any key's idle time (CLIENT NO-TOUCH, Redis 7.2+); on older
   * servers the size commands count as an access for LRU/LFU (TTLs are never changed).
   */
  noTouch: z.boolean()
})
export type RedisScanKeysResult = z.infer<typeof RedisScanKeysResultSchema>

/** The value, by type; `truncated` says that more exists than is shown. */
export const RedisValuePreviewSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    /** The first REDIS_PREVIEW_STRING_MAX_BYTES bytes, decoded (an incomplete last character is left out). */
    value: z.string().max(REDIS_PREVIEW_STRING_MAX_BYTES),
    truncated: z.boolean()
  }),
  z.strictObject({
    type: z.literal('hash'),
    /** The first fields HSCAN returns (hash order is not meaningful). */
    fields: z.array(FieldValueSchema).max(REDIS_PREVIEW_ITEMS_MAX),
    truncated: z.boolean()
  }),
  z.strictObject({
    type: z.literal('list'),
    /** Items from the head (index 0). */
    items: z.array(ItemSchema).max(REDIS_PREVIEW_ITEMS_MAX),
    truncated: z.boolean()
  }),
  z.strictObject({
    type: z.literal('set'),
    /** The first members SSCAN returns. */
    members: z.array(ItemSchema).max(REDIS_PREVIEW_ITEMS_MAX),
    truncated: z.boolean()
  }),
  z.strictObject({
    type: z.literal('zset'),
    /** Lowest scores first; a score as Redis writes it (`1.5`, `inf`, `-inf`). */
    members: z
      .array(z.strictObject({ member: ItemSchema, score: z.string().max(64) }))
      .max(REDIS_PREVIEW_ITEMS_MAX),
    truncated: z.boolean()
  }),
  z.strictObject({
    type: z.literal('stream'),
    /** Newest entry first. */
    entries: z
      .array(
        z.strictObject({
          id: z.string().max(64),
          fields: z.array(FieldValueSchema).max(REDIS_PREVIEW_ENTRY_FIELDS_MAX)
        })
      )
      .max(REDIS_PREVIEW_STREAM_ENTRIES_MAX),
    truncated: z.boolean()
  }),
  /** A module's type: shown by name only. */
  z.strictObject({ type: z.literal('other'), truncated: z.literal(false) })
])
export type RedisValuePreview = z.infer<typeof RedisValuePreviewSchema>

export const RedisReadKeyResultSchema = z.discriminatedUnion('exists', [
  /** No such key (never existed, deleted or expired): a plain answer, not an error. */
  z.strictObject({ key: z.string(), exists: z.literal(false) }),
  z.strictObject({
    key: z.string(),
    exists: z.literal(true),
    type: KeyTypeSchema,
    ttlMs: TtlSchema,
    /** As in a scanKeys row. */
    size: z.number().int().min(0).nullable(),
    preview: RedisValuePreviewSchema,
    /** As in the scanKeys reply. */
    noTouch: z.boolean()
  })
])
export type RedisReadKeyResult = z.infer<typeof RedisReadKeyResultSchema>
