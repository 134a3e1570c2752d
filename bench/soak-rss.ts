import { readFileSync } from 'node:fs'

/** How often the soak samples memory, in ms. */
export const RSS_SAMPLE_INTERVAL_MS = 250
const BYTES_PER_KIB = 1024
const BYTES_PER_MIB = 1024 * 1024

/** Peak memory seen during one soak part, in MiB. */
export interface RssPeaks {
  /** Peak `process.memoryUsage().rss` of this (the engine's) process. */
  engineMiB: number
  /** Largest VmHWM (peak RSS over the process's life) of any one child process sampled. */
  childMiB: number | null
  /** Child processes sampled (workers or hosts, every life counted). */
  childrenSampled: number
}

/**
 * Peak RSS (`VmHWM`, the kernel's high-water mark) of one process from /proc, in bytes; null when
 * the process is gone or /proc is not there (not Linux).
 */
export function peakRssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1]
    return kib === undefined ? null : Number(kib) * BYTES_PER_KIB
  } catch {
    return null
  }
}

/**
 * Samples this process's RSS, and the peak RSS of the child pids `children()` names, every
 * RSS_SAMPLE_INTERVAL_MS until `stop()`. Workers are separate processes: their memory is not in
 * the engine figure, so it is reported apart. A child's VmHWM read just before it dies is kept.
 */
export class RssSampler {
  readonly #children: () => Iterable<number>
  readonly #timer: NodeJS.Timeout
  readonly #childPeaks = new Map<number, number>()
  #engine = 0

  constructor(children: () => Iterable<number> = () => []) {
    this.#children = children
    this.sample()
    this.#timer = setInterval(() => this.sample(), RSS_SAMPLE_INTERVAL_MS)
  }

  /** Takes one sample now (also called by the timer). */
  sample(): void {
    this.#engine = Math.max(this.#engine, process.memoryUsage().rss)
    for (const pid of this.#children()) {
      const peak = peakRssOf(pid)
      if (peak !== null) this.#childPeaks.set(pid, Math.max(peak, this.#childPeaks.get(pid) ?? 0))
    }
  }

  /** Stops sampling (after one last sample) and returns the peaks. */
  stop(): RssPeaks {
    this.sample()
    clearInterval(this.#timer)
    const child = this.#childPeaks.size > 0 ? Math.max(...this.#childPeaks.values()) : null
    return {
      engineMiB: mib(this.#engine),
      childMiB: child === null ? null : mib(child),
      childrenSampled: this.#childPeaks.size
    }
  }
}

function mib(bytes: number): number {
  return Math.round((bytes / BYTES_PER_MIB) * 10) / 10
}
