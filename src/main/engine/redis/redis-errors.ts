import { CommandError, ErrorCode, type RedisStatus } from '@shared/contract'

/** Shown (with REDIS_INSTALL_HINTS) when there is no redis-server to start. */
export const REDIS_MISSING_MESSAGE =
  'redis-server was not found on PATH. Install it (see below) or set REDIS_URL to a running Redis, then restart Flowlab.'

/** Why a command that needs Redis cannot run: it is missing, or not (yet) reachable. */
export function redisUnavailableError(status: RedisStatus, lastError: string | null): CommandError {
  return new CommandError(
    status === 'missing' ? ErrorCode.RedisMissing : ErrorCode.RedisUnavailable,
    lastError ?? 'Redis is not available'
  )
}

/** Why `what` (kill, restart…) cannot be done to a server given by REDIS_URL. */
export function redisNotManagedError(what: string): CommandError {
  return new CommandError(
    ErrorCode.RedisNotManaged,
    `Flowlab is using REDIS_URL, so it cannot ${what} that server; only a Redis it started itself`
  )
}
