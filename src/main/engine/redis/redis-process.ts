import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TraceData, TraceLevel } from '@shared/contract'
import type { ProcessRecorder } from '../process-registry'
import type { RedisEndpoint } from './redis-endpoint'

/** How long a managed redis-server may take to say "Ready to accept connections". */
export const REDIS_READY_TIMEOUT_MS = 10_000
/** How long a graceful stop (SIGTERM: flush AOF, exit) may take before SIGKILL. */
const REDIS_STOP_TIMEOUT_MS = 5_000
/** redis.conf holds the password: owner read/write only. */
export const CONFIG_FILE_MODE = 0o600
/** The server's folder (config, pidfile, AOF): owner only. */
const CONFIG_DIR_MODE = 0o700
/** Keep this many lines of redis-server output to explain a failed start. */
const REDIS_LOG_TAIL_LINES = 20

export interface RedisProcessOptions {
  /** The redis-server binary. */
  bin: string
  /** Folder for the config, pidfile and AOF (created if missing). */
  dir: string
  onTrace: (type: string, level: TraceLevel, message: string, data?: TraceData) => void
  /** The server said it is ready to accept connections. */
  onReady: (pid: number | null) => void
  /** The server exited after it was ready, and nobody asked it to. */
  onUnexpectedExit: (code: number | null, signal: NodeJS.Signals | null) => void
  /** Records each server it spawns (and forgets it when it exits). */
  processes?: ProcessRecorder | undefined
  /** More config lines, written after the standard ones (e.g. `cluster-enabled yes`). */
  extraConfig?: string[] | undefined
}

/**
 * One managed redis-server child at a time, in its own folder: writes its config (with the
 * password), reaps an orphan left by an earlier run via the pidfile, spawns it and waits until it
 * is ready, stops it (SIGTERM, then SIGKILL) or kills it as a crash would.
 */
export class RedisProcess {
  readonly #opts: RedisProcessOptions
  #child: ChildProcess | null = null
  #expectedExit: ChildProcess | null = null
  #logTail: string[] = []
  #paused = false

  constructor(opts: RedisProcessOptions) {
    this.#opts = opts
  }

  /** Pid of the current child, or null when there is none. */
  get pid(): number | null {
    return this.#child?.pid ?? null
  }

  /** True while there is a child that has not yet been seen to exit. */
  get spawned(): boolean {
    return this.#child !== null
  }

  /** True while the current child has not exited. */
  get running(): boolean {
    const child = this.#child
    return child !== null && child.exitCode === null && child.signalCode === null
  }

  /** True while the running server is stopped with SIGSTOP (see {@link RedisProcess.pause}). */
  get paused(): boolean {
    return this.#paused && this.running
  }

  /** True when the last start failed because another process took the port first. */
  get portTaken(): boolean {
    return this.#logTail.some((l) => /Address already in use/i.test(l))
  }

  /** Writes the server's config file (0600). @returns its path. */
  writeConfig(endpoint: RedisEndpoint, persistence: boolean): string {
    const dir = this.#opts.dir
    mkdirSync(dir, { recursive: true, mode: CONFIG_DIR_MODE })
    const file = join(dir, 'redis.conf')
    // The password goes in a 0600 file rather than argv, where any local user could read it.
    const lines = [
      `port ${endpoint.port}`,
      `bind ${endpoint.host}`,
      'protected-mode yes',
      `requirepass ${endpoint.password ?? ''}`,
      `dir ${JSON.stringify(dir)}`,
      `pidfile ${JSON.stringify(join(dir, 'redis.pid'))}`,
      `appendonly ${persistence ? 'yes' : 'no'}`,
      'save ""',
      'daemonize no',
      'logfile ""',
      'loglevel notice',
      ...(this.#opts.extraConfig ?? [])
    ]
    writeFileSync(file, lines.join('\n') + '\n', { mode: CONFIG_FILE_MODE })
    // `mode` applies only when the file is created: one left by an earlier version (or copied in
    // with 644) would keep showing the password to every user, so the mode is set on every write.
    chmodSync(file, CONFIG_FILE_MODE)
    chmodSync(dir, CONFIG_DIR_MODE)
    return file
  }

  /** Starts a server on `endpoint`; resolves when it is ready, rejects when it is not. */
  spawn(endpoint: RedisEndpoint, persistence: boolean): Promise<void> {
    this.reapOrphan()
    this.#paused = false
    const config = this.writeConfig(endpoint, persistence)
    this.#logTail = []
    const child = spawn(this.#opts.bin, [config], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child = child
    const pid = child.pid
    if (pid !== undefined) {
      this.#opts.processes?.record(pid, 'redis-server')
      child.once('exit', () => this.#opts.processes?.forget(pid))
    }
    return new Promise<void>((resolve, reject) => {
      let ready = false
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`no answer within ${REDIS_READY_TIMEOUT_MS} ms`))
      }, REDIS_READY_TIMEOUT_MS)
      const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue
          this.#logTail.push(line.trim())
          if (this.#logTail.length > REDIS_LOG_TAIL_LINES) this.#logTail.shift()
          if (!ready && /Ready to accept connections/.test(line)) {
            ready = true
            clearTimeout(timer)
            this.#opts.onReady(child.pid ?? null)
            resolve()
          }
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        if (this.#child === child) {
          this.#child = null
          this.#paused = false
        }
        if (!ready) {
          const last = this.#logTail.slice(-3).join(' | ')
          reject(
            new Error(
              `exited (${signal ?? `code ${code}`}) before it was ready${last ? `: ${last}` : ''}`
            )
          )
          return
        }
        if (this.#expectedExit === child) {
          this.#expectedExit = null
          return
        }
        this.#opts.onUnexpectedExit(code, signal)
      })
    })
  }

  /**
   * Freezes the running server with SIGSTOP (it keeps its sockets but answers nothing, as a hung
   * or partitioned node would). @returns false when none was running.
   */
  pause(): boolean {
    const child = this.#child
    if (!child || !this.running) return false
    child.kill('SIGSTOP')
    this.#paused = true
    return true
  }

  /** Lets a paused server run again (SIGCONT). @returns false when none was running. */
  resume(): boolean {
    const child = this.#child
    if (!child || !this.running) return false
    child.kill('SIGCONT')
    this.#paused = false
    return true
  }

  /** SIGKILLs the running server, as a crash would; resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.#child
    if (!child || !this.running) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    this.#expectedExit = child
    child.kill('SIGKILL')
    await exited
  }

  /**
   * Stops the running server gracefully (SIGKILL after REDIS_STOP_TIMEOUT_MS).
   * @returns false when none was running.
   */
  async stop(): Promise<boolean> {
    const child = this.#child
    if (!child || !this.running) return false
    this.#expectedExit = child
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    // A server stopped with SIGSTOP would keep SIGTERM pending until the SIGKILL: wake it first.
    if (this.#paused) this.resume()
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), REDIS_STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
    return true
  }

  /**
   * Stops a redis-server left in this folder by an engine that died without cleaning up (found by
   * its pidfile). `spawn()` does this first; call it directly before clearing the folder.
   */
  reapOrphan(): void {
    const pidfile = join(this.#opts.dir, 'redis.pid')
    let pid: number
    try {
      pid = Number(readFileSync(pidfile, 'utf8').trim())
    } catch {
      return
    }
    if (Number.isInteger(pid) && pid > 0 && isOrphanRedis(pid)) {
      // SIGTERM lets it flush its AOF, so nothing it acknowledged is lost to the next server.
      process.kill(pid, 'SIGTERM')
      this.#opts.onTrace(
        'orphan',
        'warn',
        `stopped redis-server pid ${pid} left by an earlier run`,
        {
          pid
        }
      )
      const deadline = Date.now() + REDIS_STOP_TIMEOUT_MS
      while (isOrphanRedis(pid) && Date.now() < deadline) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
      }
    }
    rmSync(pidfile, { force: true })
  }
}

function isOrphanRedis(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return comm.startsWith('redis-server') && ppid === 1
  } catch {
    return false
  }
}
