import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'

/**
 * What the app starts, recorded in its data folder so that the next start can end what an engine
 * killed with SIGKILL left behind: a worker paused with SIGSTOP never sees its parent go, and a
 * redis-server never does.
 *
 * Each engine writes one file, `<dir>/<owner pid>-<owner start time>-<n>.json`, with the
 * processes it started, and deletes it when it closes. At start, every file whose owner is no
 * longer alive is reaped: each process in it that is still the same process (same pid and same
 * start time in /proc/PID/stat, so a reused pid is never touched) gets SIGCONT, then SIGKILL, and
 * the file goes. Files of live owners (another engine on the same folder) are left alone.
 */

/** Which kind of process an entry is (shown in the trace when it is reaped). */
export type ProcessKind = 'worker' | 'redis-server'

/** What a component needs to record the processes it starts (labs and RedisHost take this). */
export interface ProcessRecorder {
  /** Records a process this engine just started. */
  record(pid: number, kind: ProcessKind): void
  /** Forgets a process that has exited (or was stopped on purpose). */
  forget(pid: number): void
}

/** One process an engine started: its pid and what proves it is still that process. */
export interface ProcessEntry {
  pid: number
  kind: ProcessKind
  /** Field 22 of /proc/PID/stat (clock ticks after boot at which it started). */
  startTime: string
}

/** A process that an earlier engine left and this start ended. */
export interface ReapedProcess extends ProcessEntry {
  /** Pid of the engine that started it. */
  owner: number
  /** It was stopped (SIGSTOP) when found. */
  wasPaused: boolean
}

interface RegistryFile {
  v: 1
  owner: { pid: number; startTime: string }
  processes: ProcessEntry[]
}

/** How long reaping waits for a SIGKILLed process to be gone, in ms. */
const REAP_WAIT_MS = 5_000
/** How long a reaped redis-server may take to exit after SIGTERM before SIGKILL, in ms. */
const REAP_REDIS_GRACE_MS = 5_000
/** Between checks while waiting, in ms. */
const REAP_POLL_MS = 10
/** A registry file larger than this is not ours and is ignored, in bytes. */
const REGISTRY_FILE_MAX_BYTES = 1_048_576
const FILE_PATTERN = /^(\d+)-(\d+)-\d+\.json$/
/** Registries opened by this process so far (two engines in one process get a file each). */
let registriesOpened = 0

/** Field 22 (start time) and field 3 (state) of /proc/PID/stat; null when there is no such process. */
function readStat(pid: number): { startTime: string; state: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const state = fields[0] ?? ''
    const startTime = fields[19] ?? ''
    return { state, startTime }
  } catch {
    return null
  }
}

/** The start time of a live (not zombie) process, or null. */
export function processStartTime(pid: number): string | null {
  const stat = readStat(pid)
  return stat && stat.state !== 'Z' ? stat.startTime : null
}

/** True while `pid` is alive and is still the process that started at `startTime`. */
export function isSameProcess(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function parseRegistry(text: string): RegistryFile | null {
  try {
    const value = JSON.parse(text) as Partial<RegistryFile>
    if (value.v !== 1 || !value.owner || !Array.isArray(value.processes)) return null
    const processes = value.processes.filter(
      (p): p is ProcessEntry =>
        typeof p === 'object' &&
        p !== null &&
        Number.isSafeInteger(p.pid) &&
        p.pid > 1 &&
        typeof p.startTime === 'string' &&
        (p.kind === 'worker' || p.kind === 'redis-server')
    )
    return { v: 1, owner: value.owner, processes }
  } catch {
    return null
  }
}

/**
 * SIGCONT (a paused process can die of nothing else first), then SIGKILL. A redis-server gets
 * SIGTERM first and up to REAP_REDIS_GRACE_MS to exit: it then flushes its AOF, so what it
 * acknowledged is there for the next server on the same data folder.
 */
function kill(entry: ProcessEntry): boolean {
  const stat = readStat(entry.pid)
  const wasPaused = stat?.state === 'T' || stat?.state === 't'
  try {
    process.kill(entry.pid, 'SIGCONT')
    if (entry.kind === 'redis-server') {
      process.kill(entry.pid, 'SIGTERM')
      waitUntilGone([entry], REAP_REDIS_GRACE_MS)
    }
    if (isSameProcess(entry.pid, entry.startTime)) process.kill(entry.pid, 'SIGKILL')
  } catch {
    // Gone meanwhile, or not ours to signal.
  }
  return wasPaused
}

function waitUntilGone(entries: ProcessEntry[], ms: number): void {
  const deadline = Date.now() + ms
  while (entries.some((p) => isSameProcess(p.pid, p.startTime)) && Date.now() < deadline) {
    sleepSync(REAP_POLL_MS)
  }
}

/**
 * Reaps the processes of every registry file in `dir` whose owner is no longer alive, and deletes
 * those files. Synchronous: it runs once at start, before anything new is started.
 * @returns what it ended.
 */
export function reapStale(dir: string): ReapedProcess[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const reaped: ReapedProcess[] = []
  for (const name of names) {
    const match = FILE_PATTERN.exec(name)
    if (!match) continue
    const owner = Number(match[1])
    if (isSameProcess(owner, match[2] as string)) continue
    const file = join(dir, name)
    let text: string
    try {
      text = readFileSync(file, 'utf8').slice(0, REGISTRY_FILE_MAX_BYTES)
    } catch {
      continue
    }
    for (const entry of parseRegistry(text)?.processes ?? []) {
      if (!isSameProcess(entry.pid, entry.startTime)) continue
      reaped.push({ ...entry, owner, wasPaused: kill(entry) })
    }
    rmSync(file, { force: true })
  }
  waitUntilGone(reaped, REAP_WAIT_MS)
  return reaped
}

/**
 * The processes one engine started, kept in a file of its own in `dir` (see the module comment).
 * Lifecycle: `start()` reaps what dead owners left and writes this owner's file; `record` and
 * `forget` keep it current; `close()` deletes it (idempotent).
 */
export class ProcessRegistry implements ProcessRecorder {
  readonly #dir: string
  readonly #entries = new Map<number, ProcessEntry>()
  #file: string | null = null
  #owner: RegistryFile['owner'] | null = null
  #closed = false

  constructor(dir: string) {
    this.#dir = dir
  }

  /** The folder of registry files. */
  get dir(): string {
    return this.#dir
  }

  /**
   * Reaps what engines that died left in the folder, then claims a file for this process.
   * @returns the processes it ended.
   */
  start(): ReapedProcess[] {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 })
    const reaped = reapStale(this.#dir)
    const startTime = processStartTime(process.pid) ?? '0'
    this.#owner = { pid: process.pid, startTime }
    this.#file = join(this.#dir, `${process.pid}-${startTime}-${++registriesOpened}.json`)
    this.#write()
    return reaped
  }

  record(pid: number, kind: ProcessKind): void {
    if (this.#closed || !this.#file) return
    const startTime = processStartTime(pid)
    if (startTime === null) return
    this.#entries.set(pid, { pid, kind, startTime })
    this.#write()
  }

  forget(pid: number): void {
    if (!this.#entries.delete(pid) || this.#closed) return
    this.#write()
  }

  /** Deletes this owner's file: everything it recorded has been stopped. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#file) rmSync(this.#file, { force: true })
  }

  /** Writes the whole file anew (write, then rename: a reader never sees half a file). */
  #write(): void {
    const file = this.#file
    if (!file || !this.#owner) return
    const body: RegistryFile = { v: 1, owner: this.#owner, processes: [...this.#entries.values()] }
    const tmp = `${file}.tmp`
    try {
      writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 })
      chmodSync(tmp, 0o600)
      renameSync(tmp, file)
    } catch {
      // A full or read-only disk must not stop a worker from starting; the reaping is best effort.
    }
  }
}
