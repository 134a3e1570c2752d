import { parseArgs } from 'node:util'
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

/** What `parseFlagValues` returns: each string flag's raw value, `--json` and `--help`. */
export type FlagValues<F extends string> = Partial<Record<F, string>> & {
  json?: boolean
  help?: boolean
}

/**
 * Parses a headless command's flags: the given string flags plus `--json` and `-h/--help`,
 * nothing positional. `--ops -5` would make parseArgs call the value "ambiguous"; it is joined
 * into `--ops=-5` first, so that the range check can say what is wrong with the number.
 * @throws FlagError for an unknown flag or a missing value.
 */
export function parseFlagValues<F extends string>(
  argv: readonly string[],
  stringFlags: readonly F[]
): FlagValues<F> {
  const joined: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1]
    const flag = arg.startsWith('--') ? arg.slice(2) : ''
    if (
      (stringFlags as readonly string[]).includes(flag) &&
      next !== undefined &&
      /^-\d/.test(next)
    ) {
      joined.push(`${arg}=${next}`)
      i++
    } else joined.push(arg)
  }
  try {
    return parseArgs({
      args: joined,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(stringFlags.map((f) => [f, { type: 'string' as const }])),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values as FlagValues<F>
  } catch (err) {
    throw new FlagError((err as Error).message.split('\n')[0] ?? 'bad flags')
  }
}

/** A flag whose value is one of a fixed list: absent → undefined, else it or a FlagError. */
export function oneOfFlag<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[]
): T | undefined {
  if (raw === undefined) return undefined
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new FlagError(`--${name} must be one of ${allowed.join(', ')} (got ${raw})`)
  }
  return raw as T
}
