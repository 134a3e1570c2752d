import type { z } from 'zod'
import { CORE_DOMAINS, CoreCommandSchema, CoreResultSchemas, type Command } from './commands'
import { ErrorCode, type Result } from './errors'
import type { LabContract } from './lab-contract'
import { echo } from './limits'
import { LAB_CONTRACTS } from './labs'

/** Lab contracts by lab id: the registry's (LAB_CONTRACTS) unless an engine runs others. */
export type LabContracts = Readonly<Record<string, LabContract>>

/** Dotted path of a zod issue (`enabled`, `rules.0.p`); `type` when the root is wrong. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'type' : path.map(String).join('.')
}

function describe(issue: z.core.$ZodIssue): string {
  const field = pathOf(issue.path)
  if (issue.code === 'invalid_union' && 'discriminator' in issue) {
    return `unknown command type; expected one of the contract's command types`
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `'${field}' is missing`
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s): ${echo(issue.keys.map(echo).join(', '))}`
  }
  return `'${field}': ${issue.message}`
}

/**
 * Validates an untrusted command. The engine runs it on everything either door (or the CLI) hands
 * it, so what crosses IPC and what crosses the WebSocket are held to the same schema.
 * @param labs - the lab contracts to accept commands of (default: the registry's)
 * @returns the parsed command, or an `invalid_command` error naming the first offending field.
 */
export function parseCommand(input: unknown, labs: LabContracts = LAB_CONTRACTS): Result<Command> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      error: {
        code: ErrorCode.InvalidCommand,
        message: 'a command must be a JSON object with a "type" field',
        field: 'type'
      }
    }
  }
  const type = (input as { type?: unknown }).type
  const schema = commandSchemaOf(type, labs)
  if (!schema) {
    return {
      ok: false,
      error: {
        code: ErrorCode.InvalidCommand,
        // The type is the caller's text: echoed cut to ECHO_MAX_CHARS, never in full (it is traced).
        message: `${typeof type === 'string' ? `invalid '${echo(type)}' command: ` : 'invalid command: '}unknown command type; expected one of the contract's command types`,
        field: 'type',
        issues: [{ field: 'type', message: 'unknown command type' }]
      }
    }
  }
  const parsed = schema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data as Command }
  const issues = parsed.error.issues.map((issue) => {
    const field =
      issue.code === 'unrecognized_keys'
        ? echo(issue.keys[0] ?? pathOf(issue.path))
        : pathOf(issue.path)
    return { field, message: describe(issue) }
  })
  const first = issues[0] ?? { field: 'type', message: 'invalid command' }
  const prefix = typeof type === 'string' ? `invalid '${echo(type)}' command` : 'invalid command'
  return {
    ok: false,
    error: {
      code: ErrorCode.InvalidCommand,
      message: `${prefix}: ${first.message}`,
      field: first.field,
      issues
    }
  }
}

/** The domain of a command type: what comes before the first `:`. */
function domainOf(type: unknown): string | null {
  if (typeof type !== 'string') return null
  const colon = type.indexOf(':')
  return colon > 0 ? type.slice(0, colon) : null
}

/** The schema for commands of this type's domain: the core's, a lab's, or none. */
function commandSchemaOf(type: unknown, labs: LabContracts): z.ZodType | null {
  const domain = domainOf(type)
  if (domain === null) return null
  if ((CORE_DOMAINS as readonly string[]).includes(domain)) return CoreCommandSchema
  return Object.hasOwn(labs, domain) ? (labs[domain]?.commands ?? null) : null
}

/**
 * Checks an engine reply against the contract's reply schema for the command type. The renderer's
 * transport runs it on every `ok` reply, as the doors run `parseCommand` on every command.
 * @returns the value, or an `invalid_message` error saying which command's reply was malformed.
 */
export function parseReply(
  type: string,
  value: unknown,
  labs: LabContracts = LAB_CONTRACTS
): Result<unknown> {
  const domain = domainOf(type)
  const schemas: Readonly<Record<string, z.ZodType>> | undefined =
    domain !== null && (CORE_DOMAINS as readonly string[]).includes(domain)
      ? CoreResultSchemas
      : domain !== null && Object.hasOwn(labs, domain)
        ? labs[domain]?.results
        : undefined
  const schema = schemas?.[type]
  if (!schema) {
    return {
      ok: false,
      error: { code: ErrorCode.InvalidMessage, message: `no reply schema for '${type}'` }
    }
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issue = parsed.error.issues[0]
  return {
    ok: false,
    error: {
      code: ErrorCode.InvalidMessage,
      message: `the engine's reply to '${type}' does not match the contract (${issue ? `${pathOf(issue.path)}: ${issue.message}` : 'invalid'})`
    }
  }
}
