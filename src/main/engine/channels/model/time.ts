import type { JsonValue } from '../event'
import { TIME_T_UNITS_PER_MS, UTC_T_UNIX_EPOCH } from './constants'

/**
 * TimeBase conversions (digest notation). JSON has no 64-bit integers, so TimeT/UtcT values are
 * accepted as integral numbers or as decimal digit strings; UtcT also as the struct
 * `{ time, inacclo?, inacchi?, tdf? }` where `time` is either of those.
 */

/** Parses a TimeT (relative, 100 ns units). @returns the units as bigint, or null if malformed */
export function parseTimeT(value: JsonValue | undefined): bigint | null {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : null
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
  return null
}

/** Converts a TimeT to ms (fractions of a ms are truncated). Malformed or negative → 0. */
export function timeTToMs(value: JsonValue | undefined): number {
  const units = parseTimeT(value)
  if (units === null || units <= 0n) return 0
  return Number(units / BigInt(TIME_T_UNITS_PER_MS))
}

/** Converts ms to a TimeT number (100 ns units). */
export function msToTimeT(ms: number): number {
  return Math.round(ms * TIME_T_UNITS_PER_MS)
}

/** Parses a UtcT. @returns 100 ns units since 1582-10-15, or null if malformed */
export function parseUtcT(value: JsonValue | undefined): bigint | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return parseTimeT(value['time'])
  }
  return parseTimeT(value)
}

/** Converts a UtcT to ms since the Unix epoch (`tdf` is informational, `time` is already UTC). */
export function utcTToUnixMs(value: JsonValue | undefined): number | null {
  const units = parseUtcT(value)
  if (units === null) return null
  return Number((units - UTC_T_UNIX_EPOCH) / BigInt(TIME_T_UNITS_PER_MS))
}

/** Builds a UtcT struct (with zero inaccuracy and tdf) for a Unix time in ms. */
export function unixMsToUtcT(ms: number): {
  time: string
  inacclo: number
  inacchi: number
  tdf: number
} {
  const units = BigInt(Math.round(ms)) * BigInt(TIME_T_UNITS_PER_MS) + UTC_T_UNIX_EPOCH
  return { time: units.toString(), inacclo: 0, inacchi: 0, tdf: 0 }
}
