import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { CrashPoint, DispatchWorkerInfo, WorkerState } from '@shared/contract/labs/dispatch'
import type { ProcessRecorder } from '../process-registry'
import { parseTelemetry, type TelemetryBatch, type WorkerControl } from './telemetry'
import type { WorkerConfig } from './worker-runtime'

/** A worker that has not said "ready" this long after its fork is reported (it keeps trying). */
const WORKER_READY_TIMEOUT_MS = 20_000
/**
 * FLOWLAB_WORKER_CPU_PROF=DIR: managed workers run with `--cpu-prof` and write a V8 CPU profile
 * to DIR when they exit; closing the pool then stops them gracefully so that they can
 * (docs/PERFORMANCE.md). Unset: no profile, and closing kills them.
 */
const WORKER_CPU_PROF_DIR = process.env.FLOWLAB_WORKER_CPU_PROF || null
/** A graceful stop (IPC 'stop') may take this long before SIGKILL. */
const WORKER_STOP_TIMEOUT_MS = 2_000

/** Where the worker entry lives: the .ts beside this file from source, out/main/worker.js when built. */
export function workerEntry(): { file: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) {
    return { file: join(__dirname, 'worker-main.ts'), execArgv: ['--import', 'tsx'] }
  }
  // Built main code is chunked into out/main/chunks/, so find the app root, not __dirname.
  let dir = __dirname
  for (let i = 0; i < 6 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir)
  return { file: join(dir, 'out', 'main', 'worker.js'), execArgv: [] }
}

export interface WorkerPoolOptions {
  endpoint: string
  /** The engine's CURVE public key when the endpoint uses CURVE (workers make their own pair). */
  serverKey: string | null
  redisUrl: string
  labId: string
  /** Records every worker process (and forgets it when it exits). */
  processes?: ProcessRecorder | undefined
  /** Batches from every worker, after the pool updated its own counters. */
  onBatch(batch: TelemetryBatch): void
  /** A worker process died without being asked to; `epoch` is what it was working on, if known. */
  onCrash(id: string, epoch: number | null): void
  onEvent(
    type: string,
    level: 'info' | 'warn' | 'error',
    message: string,
    data?: Record<string, string | number | boolean | null>
  ): void
}

interface ManagedWorker {
  id: string
  child: ChildProcess | null
  state: WorkerState
  epoch: number | null
  deliveries: number
  executions: number
  duplicates: number
  crashes: number
  restarts: number
  workMs: number
  crashAt: CrashPoint | null
  crashEvery: number
  concurrency: number
  /** Set when we stop or kill it on purpose (remove, restart, close). */
  expectedExit: boolean
  ready: Promise<void>
}

/**
 * The lab's managed workers: one child process each (`child_process.fork`), so "crash" is a real
 * SIGKILL and "pause" a real SIGSTOP. Ids (w1, w2 …) survive restarts. A worker with a standing
 * crash-every rule is restarted after each crash; one crashed by hand stays down until restarted.
 */
export class WorkerPool {
  readonly #opts: WorkerPoolOptions
  readonly #workers = new Map<string, ManagedWorker>()
  #nextId = 1
  #closing: Promise<void> | null = null

  constructor(opts: WorkerPoolOptions) {
    this.#opts = opts
  }

  /**
   * Starts `count` workers.
   * @returns their ids; each becomes `idle` once it reports ready.
   */
  add(
    count: number,
    defaults: {
      workMs: number
      crashAt: CrashPoint | null
      crashEvery: number
      concurrency?: number
    }
  ): string[] {
    this.#assertOpen()
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const id = `w${this.#nextId++}`
      const worker: ManagedWorker = {
        id,
        child: null,
        state: 'starting',
        epoch: null,
        deliveries: 0,
        executions: 0,
        duplicates: 0,
        crashes: 0,
        restarts: 0,
        workMs: defaults.workMs,
        crashAt: defaults.crashAt,
        crashEvery: defaults.crashEvery,
        concurrency: defaults.concurrency ?? 1,
        expectedExit: false,
        ready: Promise.resolve()
      }
      this.#workers.set(id, worker)
      this.#spawn(worker)
      ids.push(id)
    }
    return ids
  }

  /** Resolves when every current worker has said ready (or after WORKER_READY_TIMEOUT_MS). */
  async waitReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WORKER_READY_TIMEOUT_MS)
    })
    await Promise.race([Promise.all([...this.#workers.values()].map((w) => w.ready)), timeout])
    clearTimeout(timer)
  }

  ids(): string[] {
    return [...this.#workers.keys()]
  }

  /** SIGKILL now, as a crash would (stays down unless it has a crash-every rule). */
  crash(id: string): void {
    const w = this.#get(id)
    if (!w.child || w.state === 'crashed' || w.state === 'stopped') {
      throw new Error(`worker ${id} is not running`)
    }
    w.child.kill('SIGKILL')
  }

  pause(id: string): void {
    const w = this.#get(id)
    if (!w.child || (w.state !== 'idle' && w.state !== 'working' && w.state !== 'starting')) {
      throw new Error(`worker ${id} cannot be paused while ${w.state}`)
    }
    w.child.kill('SIGSTOP')
    w.state = 'paused'
    this.#opts.onEvent('worker-paused', 'info', `worker ${id} paused (SIGSTOP)`, {
      worker: id,
      pid: w.child.pid ?? null
    })
  }

  resume(id: string): void {
    const w = this.#get(id)
    if (!w.child || w.state !== 'paused') throw new Error(`worker ${id} is not paused`)
    w.child.kill('SIGCONT')
    w.state = w.epoch === null ? 'idle' : 'working'
    this.#opts.onEvent('worker-resumed', 'info', `worker ${id} resumed (SIGCONT)`, {
      worker: id,
      pid: w.child.pid ?? null
    })
  }

  /** Changes work time of one worker or all. */
  slow(id: string | undefined, workMs: number): void {
    for (const w of this.#select(id)) {
      w.workMs = workMs
      this.#control(w, { t: 'config', workMs })
    }
    this.#opts.onEvent(
      'worker-slow',
      'info',
      `work time of ${id ?? 'every worker'} set to ${workMs} ms`,
      { worker: id ?? null, workMs }
    )
  }

  /** Sets (or clears, with null) a crash point on one worker or all. */
  crashAt(id: string | undefined, point: CrashPoint | null, every: number): void {
    for (const w of this.#select(id)) {
      w.crashAt = point
      w.crashEvery = every
      this.#control(w, { t: 'config', crashAt: point, crashEvery: every })
    }
    this.#opts.onEvent(
      'worker-crash-at',
      'info',
      point
        ? `${id ?? 'every worker'} will crash at ${point}${every > 0 ? ` on every ${every}th message` : ' on its next message'}`
        : `crash point of ${id ?? 'every worker'} cleared`,
      { worker: id ?? null, point, every }
    )
  }

  /** Kills (if alive) and starts again under the same id. */
  async restart(id: string): Promise<void> {
    const w = this.#get(id)
    await this.#stop(w, true)
    w.restarts++
    this.#spawn(w)
    await w.ready
  }

  /** Stops one worker gracefully and forgets it. */
  async remove(id: string): Promise<void> {
    const w = this.#get(id)
    await this.#stop(w, false)
    this.#workers.delete(id)
    this.#opts.onEvent('worker-removed', 'info', `worker ${id} removed`, { worker: id })
  }

  /** Bounded plain-JSON view. */
  toInfo(max: number): DispatchWorkerInfo[] {
    const out: DispatchWorkerInfo[] = []
    for (const w of this.#workers.values()) {
      if (out.length >= max) break
      out.push({
        id: w.id,
        pid: w.child?.pid ?? null,
        state: w.state,
        epoch: w.state === 'working' || w.state === 'paused' ? w.epoch : null,
        deliveries: w.deliveries,
        executions: w.executions,
        duplicates: w.duplicates,
        crashes: w.crashes,
        restarts: w.restarts,
        workMs: w.workMs,
        crashAt: w.crashAt,
        crashEvery: w.crashEvery
      })
    }
    return out
  }

  /** Counts a batch from a worker this pool does not manage (external, over ZeroMQ telemetry). */
  get size(): number {
    return this.#workers.size
  }

  /** Kills every worker process (SIGKILL, after SIGCONT for paused ones) and waits for them. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async (): Promise<void> => {
      await Promise.all(
        [...this.#workers.values()].map((w) =>
          this.#stop(w, WORKER_CPU_PROF_DIR === null).catch(() => undefined)
        )
      )
    })()
    return this.#closing
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error('worker pool is closed')
  }

  #get(id: string): ManagedWorker {
    const w = this.#workers.get(id)
    if (!w) throw new Error(`no worker ${id}`)
    return w
  }

  #select(id: string | undefined): ManagedWorker[] {
    return id === undefined ? [...this.#workers.values()] : [this.#get(id)]
  }

  #control(w: ManagedWorker, msg: WorkerControl): void {
    if (w.child?.connected) w.child.send(msg, () => undefined)
  }

  #spawn(w: ManagedWorker): void {
    const entry = workerEntry()
    const cfg: WorkerConfig = {
      id: w.id,
      endpoint: this.#opts.endpoint,
      ...(this.#opts.serverKey === null ? {} : { serverKey: this.#opts.serverKey }),
      redisUrl: this.#opts.redisUrl,
      workMs: w.workMs,
      crashAt: w.crashAt,
      crashEvery: w.crashEvery,
      concurrency: w.concurrency,
      labId: this.#opts.labId
    }
    const env: NodeJS.ProcessEnv = { ...process.env, FLOWLAB_WORKER: JSON.stringify(cfg) }
    // Under Electron, process.execPath is the Electron binary: this makes it behave as Node.
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1'
    const child = fork(entry.file, [], {
      execArgv: WORKER_CPU_PROF_DIR
        ? [...entry.execArgv, '--cpu-prof', `--cpu-prof-dir=${WORKER_CPU_PROF_DIR}`]
        : entry.execArgv,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json'
    })
    w.child = child
    const pid = child.pid
    if (pid !== undefined) {
      this.#opts.processes?.record(pid, 'worker')
      child.once('exit', () => this.#opts.processes?.forget(pid))
    }
    w.state = 'starting'
    w.epoch = null
    w.expectedExit = false
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000)
    })
    w.ready = new Promise<void>((resolve) => {
      const onMessage = (raw: unknown): void => {
        const msg = parseTelemetry(raw)
        if (!msg || msg.id !== w.id || w.child !== child) return
        if (msg.t === 'ready') {
          if (w.state === 'starting') w.state = 'idle'
          this.#opts.onEvent('worker-ready', 'info', `worker ${w.id} ready (pid ${child.pid})`, {
            worker: w.id,
            pid: child.pid ?? null
          })
          resolve()
          return
        }
        this.#onBatch(w, msg)
      }
      child.on('message', onMessage)
      child.once('exit', () => resolve())
    })
    child.once('error', (err) => {
      this.#opts.onEvent('worker-error', 'error', `worker ${w.id}: ${err.message}`, {
        worker: w.id
      })
    })
    child.once('exit', (code, signal) => {
      if (w.child !== child) return
      w.child = null
      if (w.expectedExit || this.#closing) {
        w.state = 'stopped'
        return
      }
      w.state = 'crashed'
      w.crashes++
      const epoch = w.epoch
      const tail = stderr.trim().split('\n').slice(-1)[0] ?? ''
      this.#opts.onEvent(
        'worker-crashed',
        'warn',
        `worker ${w.id} (pid ${child.pid}) died (${signal ?? `code ${code}`})${epoch !== null ? ` while working on epoch ${epoch}` : ''}${code ? `: ${tail}` : ''}`,
        { worker: w.id, pid: child.pid ?? null, epoch, signal: signal ?? null }
      )
      this.#opts.onCrash(w.id, epoch)
      if (w.crashAt && w.crashEvery > 0 && !this.#closing) {
        w.restarts++
        this.#spawn(w)
      }
    })
  }

  #onBatch(w: ManagedWorker, batch: TelemetryBatch): void {
    if (w.state !== 'paused' && w.state !== 'crashed' && w.state !== 'stopped') {
      w.state = batch.state
    }
    w.epoch = batch.epoch
    const r = batch.records
    for (let i = 0; i < r.length; i += 6) {
      w.deliveries++
      if (r[i + 5] === 1) w.executions++
      if (r[i + 4] === 1) w.duplicates++
    }
    this.#opts.onBatch(batch)
  }

  async #stop(w: ManagedWorker, kill: boolean): Promise<void> {
    const child = w.child
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      w.state = 'stopped'
      return
    }
    w.expectedExit = true
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    if (kill) {
      child.kill('SIGKILL')
    } else {
      if (w.state === 'paused') child.kill('SIGCONT')
      if (child.connected) child.send({ t: 'stop' } satisfies WorkerControl, () => undefined)
      else child.kill('SIGTERM')
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
    w.state = 'stopped'
  }
}
