/** A bad command-line flag: the message names the flag and what it must be (exit 2). */
export class FlagError extends Error {}

/**
 * A number flag: absent → undefined; else a finite number (whole unless `int: false`) within
 * [min, max], or a FlagError that says so.
 */
export function numberFlag(
  name: string,
  raw: string | undefined,
  opts: { int?: boolean; min?: number; max?: number } = {}
): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  const { int = true, min = 0, max = Number.MAX_SAFE_INTEGER } = opts
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (int && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    const kind = int ? 'a whole number' : 'a number'
    throw new FlagError(`--${name} must be ${kind} from ${min} to ${max} (got ${raw})`)
  }
  return value
}
