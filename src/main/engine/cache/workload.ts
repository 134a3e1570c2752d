import { performance } from 'node:perf_hooks'
import type { Redis } from 'ioredis'
import type { CacheSettings } from '@shared/contract/labs/cache'
import type { RedisHost } from '../redis/redis-host'
import type { AckLog } from './ack-log'
import type { Database } from './database'
import { keyName } from './keys'
import { keyPicker, seededRandom } from './prng'
import type { RunMetrics } from './run-metrics'
import type { Strategy } from './strategies'
import { sleep } from './timing'

/** A workload client's connection must be ready within this. */
const READY_MS = 10_000

export interface WorkloadOptions {
  redis: RedisHost
  settings: CacheSettings
  strategy: Strategy
  db: Database
  log: AckLog
  metrics: RunMetrics
  now(): number
  /** Called after every finished operation with the count so far (fault triggers). */
  onOpDone(done: number): void
}

interface Op {
  index: number
  read: boolean
  key: string
  /** The key the second writer updates before this operation, if it does. */
  second: string | null
}

/**
 * The run's C clients: each its own Redis connection (failing fast while the cache is down:
 * `maxRetriesPerRequest: 1`, no offline queue) and its own async loop, sharing one seeded plan of
 * operations (same seed, same sequence), paced to the rate across all clients.
 */
export class Workload {
  readonly #o: WorkloadOptions
  readonly #clients: Redis[]
  readonly #random: () => number
  readonly #pick: () => number
  #secondP: number
  #claimed = 0
  #done = 0
  #stopped = false
  #startedAt = 0

  private constructor(opts: WorkloadOptions, clients: Redis[]) {
    this.#o = opts
    this.#clients = clients
    this.#random = seededRandom(opts.settings.seed)
    this.#pick = keyPicker(
      opts.settings.keys,
      opts.settings.keyDistribution === 'zipf',
      this.#random
    )
    this.#secondP = opts.settings.secondWriterP
  }

  /** Opens the clients' connections and waits until each is ready. */
  static async open(opts: WorkloadOptions): Promise<Workload> {
    const clients: Redis[] = []
    try {
      for (let i = 0; i < opts.settings.clients; i++) {
        clients.push(
          opts.redis.createClient(`cache-client-${i + 1}`, {
            maxRetriesPerRequest: 1,
            enableOfflineQueue: false
          })
        )
      }
      await Promise.all(clients.map(ready))
    } catch (err) {
      for (const client of clients) client.disconnect()
      throw err
    }
    return new Workload(opts, clients)
  }

  get done(): number {
    return this.#done
  }

  get secondWriterP(): number {
    return this.#secondP
  }

  set secondWriterP(p: number) {
    this.#secondP = p
  }

  /** Runs every client's loop; resolves when `ops` are done or the workload was stopped. */
  async run(): Promise<void> {
    this.#startedAt = performance.now()
    await Promise.all(this.#clients.map((client) => this.#loop(client)))
  }

  /** No new operations; those in flight finish. */
  stop(): void {
    this.#stopped = true
  }

  close(): void {
    this.#stopped = true
    for (const client of this.#clients) client.disconnect()
  }

  async #loop(client: Redis): Promise<void> {
    for (let op = this.#claim(); op; op = this.#claim()) {
      const rate = this.#o.settings.ratePerSec
      if (rate > 0) await sleep(this.#startedAt + (op.index * 1_000) / rate - performance.now())
      if (op.second) await this.#secondWrite(op.second)
      if (op.read) await this.#read(client, op.key)
      else await this.#write(client, op.key)
      this.#done++
      this.#o.onOpDone(this.#done)
    }
  }

  #claim(): Op | null {
    if (this.#stopped || this.#claimed >= this.#o.settings.ops) return null
    const read = this.#random() < this.#o.settings.readRatio
    const key = keyName(this.#pick())
    const secondDraw = this.#random()
    const secondKey = keyName(this.#pick())
    return {
      index: this.#claimed++,
      read,
      key,
      second: secondDraw < this.#secondP ? secondKey : null
    }
  }

  async #read(client: Redis, key: string): Promise<void> {
    const { log, metrics, strategy, now } = this.#o
    const expected = log.newest(key)
    const at = now()
    const t0 = performance.now()
    try {
      const result = await strategy.read(client, key)
      metrics.read(performance.now() - t0, result.hit)
      log.read(key, result.version, expected, at)
    } catch {
      metrics.counts.failedReads++
    }
  }

  async #write(client: Redis, key: string): Promise<void> {
    const { log, metrics, strategy, now } = this.#o
    const version = log.nextVersion(key)
    const value = `v${version}`
    const t0 = performance.now()
    try {
      await strategy.write(client, key, value, version)
      metrics.write(performance.now() - t0)
      log.ack({ key, value, version, source: 'client', at: now() })
    } catch {
      metrics.counts.failedWrites++
    }
  }

  /** The second writer: straight to the database, bypassing the cache. */
  async #secondWrite(key: string): Promise<void> {
    const { log, metrics, db, now } = this.#o
    const version = log.nextVersion(key)
    const value = `s${version}`
    try {
      await db.write({ key, value, version })
      metrics.counts.secondWrites++
      log.ack({ key, value, version, source: 'second', at: now() })
    } catch {
      // The database refused (down): the second writer's update simply did not happen.
    }
  }
}

function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      reject(new Error('a cache client did not connect to Redis in time'))
    }, READY_MS)
    const onReady = (): void => {
      clearTimeout(timer)
      resolve()
    }
    client.once('ready', onReady)
  })
}
