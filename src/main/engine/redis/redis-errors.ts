import { CommandError, ErrorCode, type RedisInfo, type RedisStatus } from '@shared/contract'

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

/**
 * Why the Redis panel cannot look at keys right now, with what to do about it.
 * @param info - the host's view (status, managed, lastError)
 * @param cause - what the connection reported, when a command failed under way
 */
export function redisDownError(
  info: Pick<RedisInfo, 'status' | 'managed' | 'lastError'>,
  cause?: string
): CommandError {
  if (info.status === 'missing') {
    return new CommandError(
      ErrorCode.RedisMissing,
      'redis-server is not installed: the Redis panel says how to install it'
    )
  }
  const fix = info.managed
    ? 'restart it from the Redis panel'
    : 'check that the server named by REDIS_URL is running'
  const why =
    info.status === 'starting' || info.status === 'reconnecting'
      ? `Redis is ${info.status}: try again in a moment, or ${fix}`
      : info.status === 'up'
        ? `Redis stopped answering${cause ? ` (${cause})` : ''}: try again, or ${fix}`
        : `Redis is ${info.status}: ${fix}`
  return new CommandError(
    ErrorCode.RedisUnavailable,
    info.lastError && info.status !== 'up' ? `${why} (${info.lastError})` : why,
    { status: info.status }
  )
}
