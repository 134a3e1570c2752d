import { accessSync, constants, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ProcessRecorder } from '../../process-registry'
import { findRedisServer } from '../../redis/find-redis-server'
import { freePort } from '../../redis/free-port'
import type { RedisEndpoint } from '../../redis/redis-endpoint'
import { RedisProcess } from '../../redis/redis-process'
import { ClusterError, REDIS_INSTALL_HINT } from './cluster-errors'
import type { ClusterTrace } from './cluster-options'

/** A first start that loses the race for its ports retries on new ones this many times. */
const NODE_START_ATTEMPTS = 3

/**
 * The redis-server to start: `bin` when given, else the one findRedisServer finds.
 * @throws ClusterError 'redis-missing' with the install hint.
 */
export function resolveRedisBin(bin: string | undefined): string {
  const found = bin ?? findRedisServer()
  try {
    if (found) {
      accessSync(found, constants.X_OK)
      return found
    }
  } catch {
    // not there, or not executable: say so below
  }
  const where = bin ? `at ${bin}` : 'on PATH'
  throw new ClusterError(
    'redis-missing',
    `redis-server was not found ${where}; install it: ${REDIS_INSTALL_HINT}`
  )
}

export interface ManagedNodeOptions {
  bin: string
  /** The cluster's data folder; this node lives in `<dir>/node-<index>`. */
  dir: string
  index: number
  password: string
  nodeTimeoutMs: number
  requireFullCoverage: boolean
  processes: ProcessRecorder | undefined
  onTrace: ClusterTrace
}

/**
 * One redis-server of a managed cluster: its folder, its client and bus ports (kept across
 * restarts, so the node's nodes.conf stays true) and its process.
 */
export class ManagedNode {
  readonly index: number
  readonly dir: string
  readonly #opts: ManagedNodeOptions
  #process: RedisProcess | null = null
  #port = 0
  #busPort = 0
  /** Set by stop(): a start still under way (waiting for a port) must not spawn afterwards. */
  #stopped = false
  /** The cluster node id, once the node has told it (CLUSTER MYID). */
  id: string | null = null

  constructor(opts: ManagedNodeOptions) {
    this.#opts = opts
    this.index = opts.index
    this.dir = join(opts.dir, `node-${opts.index}`)
  }

  get port(): number {
    return this.#port
  }

  get busPort(): number {
    return this.#busPort
  }

  get pid(): number | null {
    return this.#process?.pid ?? null
  }

  get running(): boolean {
    return this.#process?.running ?? false
  }

  get paused(): boolean {
    return this.#process?.paused ?? false
  }

  /**
   * Starts the node as a new, empty cluster member on fresh free ports: an earlier run's
   * nodes.conf and data in its folder are removed first (after reaping a server left there).
   */
  async startFresh(): Promise<void> {
    let lastError: Error | null = null
    for (let attempt = 1; attempt <= NODE_START_ATTEMPTS; attempt++) {
      this.#port = await freePort()
      // The bus port is chosen too: port + 10000 (Redis's default) can pass 65535.
      do this.#busPort = await freePort()
      while (this.#busPort === this.#port)
      if (this.#stopped) throw new Error(`node-${this.index} was stopped before it started`)
      const proc = this.#createProcess()
      proc.reapOrphan()
      for (const name of ['nodes.conf', 'dump.rdb', 'appendonlydir']) {
        rmSync(join(this.dir, name), { recursive: true, force: true })
      }
      this.#process = proc
      try {
        await proc.spawn(this.#endpoint(), false)
        return
      } catch (err) {
        lastError = err as Error
        if (!proc.portTaken) break
      }
    }
    throw new Error(`node-${this.index} did not start: ${lastError?.message ?? 'unknown'}`)
  }

  /** Starts the node again on the same ports and folder (it reads its nodes.conf and rejoins). */
  async restart(): Promise<void> {
    if (!this.#process) throw new Error(`node-${this.index} was never started`)
    if (this.#stopped) throw new Error(`node-${this.index} is stopped for good`)
    try {
      await this.#process.spawn(this.#endpoint(), false)
    } catch (err) {
      throw new Error(`node-${this.index} did not restart: ${(err as Error).message}`, {
        cause: err
      })
    }
  }

  /** SIGKILL, as a crash; resolves once it has exited. */
  kill(): Promise<void> {
    return this.#process?.kill() ?? Promise.resolve()
  }

  pause(): boolean {
    return this.#process?.pause() ?? false
  }

  resume(): boolean {
    return this.#process?.resume() ?? false
  }

  /**
   * Graceful stop for good (SIGCONT first when paused, SIGTERM, SIGKILL after a grace period):
   * the node cannot be started again afterwards.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#process?.stop()
  }

  #endpoint(): RedisEndpoint {
    return {
      host: '127.0.0.1',
      port: this.#port,
      password: this.#opts.password,
      username: undefined,
      db: 0,
      tls: false
    }
  }

  #createProcess(): RedisProcess {
    const o = this.#opts
    const name = `node-${this.index}`
    return new RedisProcess({
      bin: o.bin,
      dir: this.dir,
      processes: o.processes,
      extraConfig: [
        // Replicas log in to their primary with the same password every node requires.
        `masterauth ${o.password}`,
        'cluster-enabled yes',
        `cluster-config-file ${JSON.stringify(join(this.dir, 'nodes.conf'))}`,
        `cluster-node-timeout ${o.nodeTimeoutMs}`,
        `cluster-port ${this.#busPort}`,
        `cluster-require-full-coverage ${o.requireFullCoverage ? 'yes' : 'no'}`,
        // 0: a replica always stands for election, however long it was cut off (paused, say):
        // the lab wants a failover to happen and then shows what the late replica lost.
        'cluster-replica-validity-factor 0',
        // Replicas stay with the primary they were given; the lab's topology is the user's.
        'cluster-allow-replica-migration no',
        // A replica's first full sync starts at once instead of after 5 s (the default).
        'repl-diskless-sync-delay 0'
      ],
      onTrace: (type, level, message, data) => o.onTrace(type, level, `${name}: ${message}`, data),
      onReady: (pid) => {
        o.onTrace('node-started', 'info', `${name} started (pid ${pid}, port ${this.#port})`, {
          node: name,
          pid,
          port: this.#port
        })
      },
      onUnexpectedExit: (code, signal) => {
        o.onTrace(
          'node-exited',
          'error',
          `${name} exited unexpectedly (${signal ?? `code ${code}`})`,
          {
            node: name,
            port: this.#port,
            code,
            signal
          }
        )
      }
    })
  }
}
