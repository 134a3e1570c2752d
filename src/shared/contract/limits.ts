import { ErrorCode, type ErrorInfo } from './errors'

/**
 * The bounds every door (the WebSocket gateway, the IPC bridge) puts on untrusted input, checked
 * by `guardInput` BEFORE anything parses it (JSON.parse, zod): zod's schemas recurse, so a value
 * nested a few thousand levels deep would throw a RangeError inside them. Both doors use these
 * constants through the one function below, so a command refused by one is refused by the other.
 */

/**
 * Largest input in bytes of UTF-8 JSON. WebSocket: the whole message text (envelope included);
 * IPC: the command, counted as its JSON would be (strings, keys and punctuation).
 */
export const INPUT_MAX_BYTES = 64 * 1024
/** Deepest nesting of arrays and objects, in levels (a flat `{"type":…}` is 1; the WebSocket envelope adds 1). */
export const INPUT_MAX_DEPTH = 64
/** Longest piece of a caller's text (a command type, a key name) echoed back in an error message, in characters. */
export const ECHO_MAX_CHARS = 64

/** A refused input's answer: the error half of the result envelope. */
export interface Refusal {
  ok: false
  error: ErrorInfo
}

/** How the input reaches the door: JSON text still to be parsed, or an already decoded value. */
export type InputForm = 'json-text' | 'value'

/**
 * Checks an untrusted input against INPUT_MAX_BYTES and INPUT_MAX_DEPTH without recursion and
 * without parsing it; it stops at the first limit crossed, so its cost is bounded by the limits.
 * @param form - `json-text` for a WebSocket message, `value` for what IPC (or the CLI) hands over
 * @returns null when the input is within both limits; otherwise a `limit_exceeded` error whose
 *   `details` name the limit (`limit`, `max`, `unit`). Nothing has been parsed or changed.
 */
export function guardInput(input: unknown, form: InputForm = 'value'): Refusal | null {
  const error =
    form === 'json-text' && typeof input === 'string' ? checkText(input) : checkValue(input)
  return error ? { ok: false, error } : null
}

/** Bytes of `text` in UTF-8 (a lone surrogate counts 3, as TextEncoder writes U+FFFD). */
export function utf8Bytes(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/**
 * Cuts `text` to at most `maxBytes` of UTF-8, marker included, never inside a surrogate pair; the
 * marker says how many bytes were left out: `…[truncated 1234 bytes]`. Short text is returned as is.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text
  const total = utf8Bytes(text)
  if (total <= maxBytes) return text
  // The marker's own size depends on the count; the count's digits never exceed the total's.
  const reserve = utf8Bytes(`…[truncated ${total} bytes]`)
  const keepMax = Math.max(0, maxBytes - reserve)
  let kept = 0
  let end = 0
  while (end < text.length) {
    const c = text.charCodeAt(end)
    const pair = c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(end + 1))
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3
    if (kept + size > keepMax) break
    kept += size
    end += pair ? 2 : 1
  }
  return `${text.slice(0, end)}…[truncated ${total - kept} bytes]`
}

/** A caller's text for an error message: at most ECHO_MAX_CHARS characters, cut with `…`. */
export function echo(text: string): string {
  if (text.length <= ECHO_MAX_CHARS) return text
  let end = ECHO_MAX_CHARS
  if (isLowSurrogate(text.charCodeAt(end))) end--
  return `${text.slice(0, end)}… (${text.length} characters)`
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}

function tooLarge(): ErrorInfo {
  return {
    code: ErrorCode.LimitExceeded,
    message: `input larger than INPUT_MAX_BYTES (${INPUT_MAX_BYTES} bytes); nothing was run`,
    details: { limit: 'INPUT_MAX_BYTES', max: INPUT_MAX_BYTES, unit: 'bytes' }
  }
}

function tooDeep(): ErrorInfo {
  return {
    code: ErrorCode.LimitExceeded,
    message: `input nested deeper than INPUT_MAX_DEPTH (${INPUT_MAX_DEPTH} levels); nothing was run`,
    details: { limit: 'INPUT_MAX_DEPTH', max: INPUT_MAX_DEPTH, unit: 'levels' }
  }
}

/** JSON text: size, then bracket depth outside strings (unbalanced text is JSON.parse's to refuse). */
function checkText(text: string): ErrorInfo | null {
  // Every UTF-16 unit is at least one UTF-8 byte, so a long string fails before it is counted.
  if (text.length > INPUT_MAX_BYTES || utf8Bytes(text) > INPUT_MAX_BYTES) return tooLarge()
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: the next unit is escaped
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > INPUT_MAX_DEPTH) return tooDeep()
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return null
}

/**
 * A decoded value (IPC's structured clone may carry typed arrays, Maps, Sets, BigInts and even
 * cycles): walked with an explicit stack, each item's JSON size charged before it is pushed, so
 * the walk ends within INPUT_MAX_BYTES items and a cycle ends as "too deep".
 */
function checkValue(root: unknown): ErrorInfo | null {
  let bytes = 0
  const stack: [unknown, number][] = [[root, 1]]
  const charge = (n: number): boolean => (bytes += n) > INPUT_MAX_BYTES
  try {
    while (stack.length > 0) {
      const [value, depth] = stack.pop() as [unknown, number]
      if (typeof value === 'string') {
        if (value.length > INPUT_MAX_BYTES || charge(utf8Bytes(value) + 2)) return tooLarge()
        continue
      }
      if (typeof value !== 'object' || value === null) {
        if (charge(scalarBytes(value))) return tooLarge()
        continue
      }
      if (depth > INPUT_MAX_DEPTH) return tooDeep()
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
        if (charge(value.byteLength + 2)) return tooLarge()
        continue
      }
      const children = childrenOf(value)
      if (children === null) return tooLarge()
      for (const [key, child] of children) {
        if (charge(key === null ? 1 : utf8Bytes(key) + 4)) return tooLarge()
        stack.push([child, depth + 1])
      }
      if (charge(2)) return tooLarge()
    }
  } catch {
    // A value that cannot even be walked (a hostile getter, a revoked proxy) is not JSON data.
    return tooLarge()
  }
  return null
}

/** JSON size of a scalar (numbers as written; values JSON cannot hold count as `null`). */
function scalarBytes(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value).length
  if (typeof value === 'boolean') return value ? 4 : 5
  return 4
}

/**
 * The entries of a container as [key, child]: arrays, Sets and Maps by position (key null), other
 * objects by own enumerable key. Null when its length alone is over INPUT_MAX_BYTES (a sparse
 * array of a billion holes is refused without visiting them).
 */
function childrenOf(value: object): Iterable<[string | null, unknown]> | null {
  if (Array.isArray(value)) {
    if (value.length > INPUT_MAX_BYTES) return null
    return Array.from(value, (child): [null, unknown] => [null, child])
  }
  if (value instanceof Map) {
    if (value.size > INPUT_MAX_BYTES) return null
    return [...value].flatMap(([k, v]): [null, unknown][] => [
      [null, k],
      [null, v]
    ])
  }
  if (value instanceof Set) {
    if (value.size > INPUT_MAX_BYTES) return null
    return Array.from(value, (child): [null, unknown] => [null, child])
  }
  const keys = Object.keys(value)
  if (keys.length > INPUT_MAX_BYTES) return null
  return keys.map((key): [string, unknown] => [key, (value as Record<string, unknown>)[key]])
}
