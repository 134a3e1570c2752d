import type { z } from 'zod'
import { CommandSchema, type Command } from './commands'
import { ErrorCode, type Result } from './errors'

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
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`
  return `'${field}': ${issue.message}`
}

/**
 * Validates an untrusted command. Used by both doors, so what crosses IPC and what crosses the
 * WebSocket are held to the same schema.
 * @returns the parsed command, or an `invalid_command` error naming the first offending field.
 */
export function parseCommand(input: unknown): Result<Command> {
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
  const parsed = CommandSchema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issues = parsed.error.issues.map((issue) => {
    const field =
      issue.code === 'unrecognized_keys'
        ? (issue.keys[0] ?? pathOf(issue.path))
        : pathOf(issue.path)
    return { field, message: describe(issue) }
  })
  const first = issues[0] ?? { field: 'type', message: 'invalid command' }
  const type = (input as { type?: unknown }).type
  const prefix = typeof type === 'string' ? `invalid '${type}' command` : 'invalid command'
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
