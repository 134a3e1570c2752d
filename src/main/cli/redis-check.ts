import type { Engine } from '../engine/engine'
import type { CliIo } from './io'

/**
 * A headless run needs Redis: when the engine's is not up, says why on stderr with the install
 * hints (a missing redis-server) and returns false; the caller cleans up and exits 2.
 */
export function redisReady(engine: Engine, io: CliIo, command: string): boolean {
  const redis = engine.redis
  if (redis.status === 'up') return true
  const info = redis.toInfo()
  io.stderr(
    `flowlab ${command}: Redis is not available (${info.status}): ${info.lastError ?? 'no answer'}`
  )
  for (const hint of info.install ?? []) io.stderr(`  ${hint.platform}: ${hint.command}`)
  return false
}
