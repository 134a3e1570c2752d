import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ScenarioResult } from '@shared/contract/scenario'
import { createEngine } from '../engine/engine'
import type { RedisHost } from '../engine/redis/redis-host'
import type { ScenarioEngine } from '../engine/scenario-adapter'
import { RUN_DIR_PREFIX } from '../cli/run-dirs'
import { runScenario, type RunScenarioOptions } from './runner'
import type { CheckedScenario } from './validate'

export interface HeadlessOptions extends RunScenarioOptions {
  /** Use this started Redis instead of a managed one per scenario (tests). */
  redis?: RedisHost
  /** REDIS_URL to use instead of a managed redis-server. */
  redisUrl?: string
  env?: NodeJS.ProcessEnv
  /** Called with the engine once it runs (the CLI stops it on Ctrl-C). */
  onEngine?: (engine: ScenarioEngine) => void
}

/** Redis could not be had: the scenario did not run (exit 2). */
export class ScenarioSetupError extends Error {}

/**
 * Runs one scenario on a fresh engine (its data in a `flowlab-run-*` folder, so a killed run is
 * cleaned up by the next `flowlab run` or `flowlab scenario`) that runs only its lab (real Redis, real workers), as
 * `flowlab run` does, then closes it and removes its data folder.
 */
export async function runScenarioHeadless(
  checked: CheckedScenario,
  opts: HeadlessOptions = {}
): Promise<ScenarioResult> {
  const { adapter, scenario } = checked
  const extra = adapter.engineOptions?.(opts.settings ?? scenario.settings) ?? {}
  const dataDir = mkdtempSync(join(tmpdir(), RUN_DIR_PREFIX))
  const engine = createEngine({
    dataDir,
    door: 'cli',
    redisUrl: opts.redisUrl,
    env: opts.env ?? process.env,
    ...(extra.redisPersistence === undefined ? {} : { redisPersistence: extra.redisPersistence }),
    ...(opts.redis ? { sharedRedis: opts.redis } : {}),
    labDefinitions: [adapter.definition],
    labs: extra.labs ?? {}
  })
  try {
    await engine.start()
    if (engine.redis.status !== 'up') {
      const info = engine.redis.toInfo()
      throw new ScenarioSetupError(
        `Redis is not available (${info.status}): ${info.lastError ?? 'no answer'}`
      )
    }
    opts.onEngine?.(engine)
    return await runScenario(engine, checked, opts)
  } finally {
    await engine.close().catch(() => undefined)
    if (opts.redis && opts.redis.status === 'up' && !opts.redis.toInfo().persistence) {
      // A scenario without AOF must not leave a shared server without it.
      await opts.redis.setPersistence(true).catch(() => undefined)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
}
