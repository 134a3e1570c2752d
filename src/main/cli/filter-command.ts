import type { ChannelEvent, JsonValue, Property } from '../engine/channels/event'
import {
  compileConstraint,
  type CompiledConstraint
} from '../engine/channels/etcl/compiled-constraint'
import { ConstraintSyntaxError } from '../engine/channels/etcl/constraint-syntax-error'
import { ConstraintTypeError } from '../engine/channels/etcl/constraint-type-error'

/** What runFilterCommand needs from its surroundings, so tests can run it without a process. */
export interface FilterCommandIo {
  stdout(line: string): void
  stderr(line: string): void
  readFile(path: string): Promise<string>
}

/** Exit codes: 0 results printed, 1 some `--events` lines were not events, 2 usage or constraint error. */
export const FILTER_EXIT_OK = 0
export const FILTER_EXIT_BAD_EVENTS = 1
export const FILTER_EXIT_USAGE = 2

const USAGE = [
  "usage: flowlab filter --constraint '<ETCL expression>' --event '<event JSON>'",
  "       flowlab filter --constraint '<ETCL expression>' --events <file of JSON lines>",
  '',
  'Prints true or false for each event. An event with a "header" is a structured event',
  '(header, filterable_data, remainder_of_body); any other JSON is an untyped any event.'
]

interface FilterArgs {
  constraint: string
  event?: string
  eventsFile?: string
}

const FLAGS: Readonly<Record<string, keyof FilterArgs>> = {
  '--constraint': 'constraint',
  '--event': 'event',
  '--events': 'eventsFile'
}

class UsageError extends Error {}

/** Parses `--flag value` and `--flag=value`; each flag at most once. */
function parseArgs(argv: readonly string[]): FilterArgs | 'help' {
  const args: Partial<FilterArgs> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') return 'help'
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    const key = FLAGS[flag]
    if (key === undefined) throw new UsageError(`unknown argument '${arg}'`)
    if (args[key] !== undefined) throw new UsageError(`${flag} given more than once`)
    const value = flag === arg ? argv[++i] : arg.slice(eq + 1)
    if (value === undefined) throw new UsageError(`${flag} needs a value`)
    args[key] = value
  }
  if (args.constraint === undefined) throw new UsageError('--constraint is required')
  if ((args.event === undefined) === (args.eventsFile === undefined)) {
    throw new UsageError('give exactly one of --event and --events')
  }
  return args as FilterArgs
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function properties(value: JsonValue | undefined, field: string): Property[] {
  if (value === undefined) return []
  const ok =
    Array.isArray(value) &&
    value.every((p) => isObject(p) && typeof p.name === 'string' && p.value !== undefined)
  if (!ok) throw new Error(`${field} must be an array of {"name", "value"} properties`)
  return value as unknown as Property[]
}

/**
 * Reads the JSON event form of event.ts. JSON with a `header` is a structured event; missing
 * variable_header / filterable_data default to empty, a missing remainder_of_body to null and a
 * missing event_name to "". Any other JSON value is the contents of an untyped any event.
 *
 * @throws Error saying which field is malformed
 */
export function toChannelEvent(json: JsonValue): ChannelEvent {
  if (!isObject(json) || json.header === undefined) return { kind: 'any', data: json }
  const header = json.header
  const fixed = isObject(header) ? header.fixed_header : undefined
  const type = isObject(fixed) ? fixed.event_type : undefined
  if (
    !isObject(type) ||
    typeof type.domain_name !== 'string' ||
    typeof type.type_name !== 'string'
  ) {
    throw new Error('header.fixed_header.event_type needs string domain_name and type_name')
  }
  const name = (fixed as { [key: string]: JsonValue }).event_name ?? ''
  if (typeof name !== 'string') throw new Error('header.fixed_header.event_name must be a string')
  return {
    kind: 'structured',
    event: {
      header: {
        fixed_header: {
          event_type: { domain_name: type.domain_name, type_name: type.type_name },
          event_name: name
        },
        variable_header: properties(
          (header as { [key: string]: JsonValue }).variable_header,
          'header.variable_header'
        )
      },
      filterable_data: properties(json.filterable_data, 'filterable_data'),
      remainder_of_body: json.remainder_of_body ?? null
    }
  }
}

function verdict(constraint: CompiledConstraint, text: string): string {
  let json: JsonValue
  try {
    json = JSON.parse(text) as JsonValue
  } catch (err) {
    throw new Error(`invalid JSON: ${(err as Error).message}`, { cause: err })
  }
  return String(constraint.matches(toChannelEvent(json)))
}

/**
 * `flowlab filter`: evaluates one ETCL constraint against events (digest §4.5), for teaching and
 * for checking filters before attaching them to a channel.
 *
 * With `--event`, prints `true` or `false`. With `--events FILE` (JSON lines), prints one line
 * per non-blank input line, in order: `true`, `false`, or `line N: error: …` when that line is
 * not JSON or not a well-formed structured event. A bad line does not stop the others, and the
 * error goes to stdout so the output stays one line per event; the exit code is then 1. Blank
 * lines are skipped. A constraint syntax or static type error is printed on stderr with its
 * column and a caret under it, and returns 2, as does any usage error.
 *
 * @param argv - the arguments after `filter`
 * @param io - output sinks and file reader
 * @returns the exit code
 */
export async function runFilterCommand(argv: string[], io: FilterCommandIo): Promise<number> {
  let args: FilterArgs | 'help'
  try {
    args = parseArgs(argv)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.stderr(`filter: ${err.message}`)
    USAGE.forEach((line) => io.stderr(line))
    return FILTER_EXIT_USAGE
  }
  if (args === 'help') {
    USAGE.forEach((line) => io.stdout(line))
    return FILTER_EXIT_OK
  }

  let constraint: CompiledConstraint
  try {
    constraint = compileConstraint(args.constraint)
  } catch (err) {
    if (!(err instanceof ConstraintSyntaxError) && !(err instanceof ConstraintTypeError)) throw err
    const kind = err instanceof ConstraintSyntaxError ? 'syntax error' : 'type error'
    io.stderr(`filter: ${kind} at ${err.message}`)
    io.stderr(`  ${args.constraint}`)
    io.stderr(`  ${' '.repeat(err.column - 1)}^`)
    return FILTER_EXIT_USAGE
  }

  if (args.event !== undefined) {
    try {
      io.stdout(verdict(constraint, args.event))
      return FILTER_EXIT_OK
    } catch (err) {
      io.stderr(`filter: --event: ${(err as Error).message}`)
      return FILTER_EXIT_USAGE
    }
  }

  let text: string
  try {
    text = await io.readFile(args.eventsFile as string)
  } catch (err) {
    io.stderr(`filter: cannot read ${args.eventsFile}: ${(err as Error).message}`)
    return FILTER_EXIT_USAGE
  }
  let exit = FILTER_EXIT_OK
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return
    try {
      io.stdout(verdict(constraint, line))
    } catch (err) {
      io.stdout(`line ${i + 1}: error: ${(err as Error).message}`)
      exit = FILTER_EXIT_BAD_EVENTS
    }
  })
  return exit
}
