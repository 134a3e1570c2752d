import type { Redis } from 'ioredis'
import { CommandError, ErrorCode } from '@shared/contract'
import type { LabEmit } from '../lab'
import type { RedisHost } from '../redis/redis-host'
import type { EpochLedger } from './epoch-ledger'
import type { DispatchKeys } from './keys'

export interface RedisFaultsOptions {
  redis: RedisHost
  /** The lab's commands connection. */
  client: Redis
  ledger: EpochLedger
  keys: DispatchKeys
  emit: LabEmit
  /** Restart Redis once this many epochs are acked (0/undefined = never). */
  restartAtAcks: number | undefined
}

/**
 * Redis kills and restarts during one run, and what they cost the checker: a server without
 * persistence comes back empty, so the dedup marks (and, after a kill, the effects) written
 * before it are gone. Operations are serialised: a restart must not interleave with a kill.
 */
export class RedisFaults {
  readonly #o: RedisFaultsOptions
  #chain: Promise<void> = Promise.resolve()
  #dedupLost = false
  #effectsLost = false
  #restarts = 0
  #restartTriggered = false

  constructor(opts: RedisFaultsOptions) {
    this.#o = opts
  }

  /** The dedup marks written before a restart/kill without persistence are gone. */
  get dedupLost(): boolean {
    return this.#dedupLost
  }

  /** Redis was killed without persistence: executions before it are missing from the hash. */
  get effectsLost(): boolean {
    return this.#effectsLost
  }

  get restarts(): number {
    return this.#restarts
  }

  /** Resolves once every kill/restart asked for so far is done (never rejects). */
  get idle(): Promise<void> {
    return this.#chain
  }

  /** SIGKILLs the managed Redis. */
  kill(): Promise<void> {
    return this.#serial(async () => {
      const redis = this.#o.redis
      // A killed server without AOF comes back empty: marks and effects so far are gone.
      if (redis.managed && !redis.toInfo().persistence) {
        this.#dedupLost = true
        this.#effectsLost = true
      }
      await redis.kill()
    })
  }

  /**
   * Restarts the managed Redis. Without persistence the new server starts empty, so the effects so
   * far are saved first — under CLIENT PAUSE WRITE, so no execution slips between the snapshot and
   * the restart — and the checker adds them back (ground truth survives; the dedup marks do not).
   */
  restart(persistence: boolean | undefined): Promise<void> {
    return this.#serial(async () => {
      const { redis, client, ledger, keys } = this.#o
      if (!redis.managed) {
        throw new CommandError(
          ErrorCode.RedisNotManaged,
          'only the Redis Flowlab manages can be restarted'
        )
      }
      if (persistence !== undefined) await redis.setPersistence(persistence)
      const persistent = redis.toInfo().persistence
      if (!persistent && redis.status === 'up') {
        await client.call('CLIENT', 'PAUSE', '10000', 'WRITE')
        const saved = await client.hgetall(keys.effects)
        const base = ledger.effectsBase ?? new Uint32Array(ledger.n + 1)
        for (const [field, value] of Object.entries(saved)) {
          const epoch = Number(field)
          if (ledger.has(epoch)) base[epoch] = (base[epoch] as number) + Number(value)
        }
        ledger.effectsBase = base
        this.#dedupLost = true
      }
      this.#o.emit(
        'redis-restart',
        'warn',
        `restarting Redis ${persistent ? 'with' : 'WITHOUT'} persistence after ${ledger.acked} acks`,
        {
          acks: ledger.acked,
          persistence: persistent
        }
      )
      await redis.restart()
      this.#restarts++
    })
  }

  /** Called on every ack: fires the run's `redisRestartAtAcks` restart once. */
  afterAck(): void {
    const at = this.#o.restartAtAcks
    if (!at || this.#restartTriggered || this.#o.ledger.acked < at) return
    this.#restartTriggered = true
    void this.restart(undefined).catch((err: unknown) =>
      this.#o.emit(
        'redis-restart-failed',
        'error',
        `Redis restart failed: ${(err as Error).message}`
      )
    )
  }

  #serial(op: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(op)
    this.#chain = next.catch(() => undefined)
    return next
  }
}
