/**
 * The worker's Redis connection, with the Lua scripts of the atomic mode defined on it. Only
 * relative imports: this file is loaded in the worker process.
 */
import { Redis } from 'ioredis'
import { luaScript, MARK_AND_APPLY, MARK_AND_APPLY_EPOCHS } from './scripts'

type MarkAndApply = (
  done: string,
  effects: string,
  worker: string,
  ttlMs: number,
  epoch: number
) => Promise<number>

/** `effects, done-key prefix, worker, ttlMs, epochs frame` (see markAndApplyEpochs-1.lua). */
export type MarkAndApplyEpochs = (
  effects: string,
  donePrefix: string,
  worker: string,
  ttlMs: number,
  epochs: Buffer
) => Promise<string>

export type WorkerRedis = Redis & {
  markAndApply: MarkAndApply
  markAndApplyEpochs: MarkAndApplyEpochs
}

/** Connects worker `id` to the Redis at `url` (the URL includes the password). */
export function createWorkerRedis(url: string, id: string): WorkerRedis {
  // Commands wait for Redis to come back (a restart) rather than fail: a failed reply only
  // makes the dispatcher re-send.
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(20 * times, 200),
    // No auto-pipelining: bursts are pipelined explicitly.
    connectionName: `flowlab:worker:${id}`
  })
  redis.on('error', () => undefined)
  redis.defineCommand('markAndApply', { numberOfKeys: 2, lua: luaScript(MARK_AND_APPLY) })
  redis.defineCommand('markAndApplyEpochs', {
    numberOfKeys: 1,
    lua: luaScript(MARK_AND_APPLY_EPOCHS)
  })
  return redis as WorkerRedis
}
