import type { Problem, RedisInfo } from '@shared/contract'

/** What is wrong with Redis right now, in plain words with what to do next; [] when all is well. */
export function redisProblems(redis: RedisInfo): Problem[] {
  switch (redis.status) {
    case 'missing':
      return [
        {
          id: 'redis:missing',
          severity: 'error',
          message: 'redis-server is not installed, so the labs that need Redis cannot run.',
          hint: 'Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL, then restart Flowlab.'
        }
      ]
    case 'down':
      return [
        {
          id: 'redis:down',
          severity: 'warning',
          message: 'Redis is down.',
          hint: redis.managed
            ? 'Press Restart in the Redis panel.'
            : 'Start the server at REDIS_URL.'
        }
      ]
    case 'reconnecting':
      return [{ id: 'redis:reconnecting', severity: 'warning', message: 'Reconnecting to Redis…' }]
    case 'error':
      return [
        {
          id: 'redis:error',
          severity: 'error',
          message: redis.lastError ?? 'Redis failed.',
          hint: redis.managed ? 'Press Restart in the Redis panel.' : 'Check REDIS_URL.'
        }
      ]
    default:
      return []
  }
}
