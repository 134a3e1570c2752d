import { CommandError, ErrorCode } from '@shared/contract'

/** Where a Redis server is and how to log in to it. */
export interface RedisEndpoint {
  host: string
  port: number
  password: string | undefined
  username: string | undefined
  db: number
  tls: boolean
}

/** Reads REDIS_URL; throws a CommandError (with the password hidden) when it is not usable. */
export function parseRedisUrl(url: string): RedisEndpoint {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new CommandError(ErrorCode.InvalidCommand, `REDIS_URL is not a URL: ${redactUrl(url)}`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CommandError(
      ErrorCode.InvalidCommand,
      `REDIS_URL must start with redis:// or rediss:// (got ${parsed.protocol})`
    )
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:'
  }
}

/** Replaces any password in a Redis URL with `***` so it can be shown and logged. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/, (_m, scheme: string, auth: string) => {
    const user = auth.includes(':') ? auth.slice(0, auth.indexOf(':')) : ''
    return `${scheme}${user}:***@`
  })
}
