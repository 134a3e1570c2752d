/**
 * A pre-parse look at one JSON message, so that a hostile nesting depth is refused before the
 * recursive schema checks run (zod's JSON validation recurses once per level and overflows the
 * stack near 2 000 levels). One linear pass over the bytes, no allocation: the deepest nesting of
 * objects and arrays outside strings, and the top-level `"id"` when it is a plain integer (so the
 * refusal can still be matched to its request).
 */
export interface JsonScan {
  /** Deepest nesting of `{`/`[` seen (1 for a flat object). */
  depth: number
  /** The top-level integer `id`, or null. */
  id: number | null
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const COLON = 0x3a
const COMMA = 0x2c
/** Digits read for an id at most (Number.MAX_SAFE_INTEGER has 16). */
const ID_DIGITS_MAX = 16

/** Scans `buf` (UTF-8 JSON; need not be valid — then the result is only an estimate). */
export function scanJson(buf: Uint8Array): JsonScan {
  let depth = 0
  let deepest = 0
  let inString = false
  let escaped = false
  let topIsObject = false
  let expectKey = false
  let keyStart = -1
  let keyIsId = false
  let id: number | null = null
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]
    if (inString) {
      if (escaped) escaped = false
      else if (c === BACKSLASH) escaped = true
      else if (c === QUOTE) {
        inString = false
        if (keyStart >= 0) {
          keyIsId = i - keyStart === 2 && buf[keyStart] === 0x69 && buf[keyStart + 1] === 0x64
          keyStart = -1
        }
      }
      continue
    }
    switch (c) {
      case QUOTE:
        inString = true
        if (depth === 1 && topIsObject && expectKey) {
          keyStart = i + 1
          expectKey = false
        }
        break
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        depth++
        if (depth > deepest) deepest = depth
        if (depth === 1) {
          topIsObject = c === OPEN_OBJECT
          expectKey = topIsObject
        }
        break
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        depth--
        break
      case COMMA:
        if (depth === 1 && topIsObject) {
          expectKey = true
          keyIsId = false
        }
        break
      case COLON:
        if (depth === 1 && keyIsId && id === null) id = readInteger(buf, i + 1)
        keyIsId = false
        break
    }
  }
  return { depth: deepest, id }
}

/** A non-negative integer literal starting at `from` (after blanks), or null. */
function readInteger(buf: Uint8Array, from: number): number | null {
  let i = from
  while (
    i < buf.length &&
    (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0a || buf[i] === 0x0d)
  )
    i++
  const start = i
  while (
    i < buf.length &&
    i - start <= ID_DIGITS_MAX &&
    (buf[i] ?? 0) >= 0x30 &&
    (buf[i] ?? 0) <= 0x39
  )
    i++
  if (i === start || i - start > ID_DIGITS_MAX) return null
  const next = buf[i]
  if (next === 0x2e || next === 0x65 || next === 0x45) return null // 1.5, 1e3: not an integer id
  const value = Number(Buffer.from(buf.subarray(start, i)).toString('latin1'))
  return Number.isSafeInteger(value) ? value : null
}
