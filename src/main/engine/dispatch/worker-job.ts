/**
 * What a worker holds for one request while it works on it, and the small helpers every step
 * of a burst shares. Only relative imports: this file is loaded in the worker process.
 */
import type { ReplyStatus, RequestHeader, Workload } from './protocol'

/** A reply: the echoed envelope, then the body. */
export type Frames = (Buffer | string)[]

/** One valid request of a burst. */
export interface Job {
  /** The REP envelope: every frame up to and including the empty delimiter, echoed on the reply. */
  envelope: Buffer[]
  header: RequestHeader
  workload: Workload
  d: Delivery
  status: ReplyStatus
  error?: string | undefined
}

/** One delivery's progress, reported in the next telemetry batch. */
export interface Delivery {
  epoch: number
  attempt: number
  start: number
  executed: boolean
  /** The dedup mark is set (naive) or was set with the effect (atomic). */
  marked: boolean
  naive: boolean
}

/** Index of the empty envelope delimiter in a request's frames, or -1 when there is none. */
export function delimiterIndex(frames: Buffer[]): number {
  for (let i = 0; i < frames.length; i++) {
    if ((frames[i] as Buffer).length === 0) return i
  }
  return -1
}

export function fail(job: Job, err: unknown): void {
  job.status = 'failed'
  job.error = (err as Error).message
}

export function groupByLab(jobs: Job[]): Map<string, Job[]> {
  const groups = new Map<string, Job[]>()
  for (const job of jobs) {
    const group = groups.get(job.header.lab)
    if (group) group.push(job)
    else groups.set(job.header.lab, [job])
  }
  return groups
}

export function work(ms: number): Promise<void> | void {
  if (ms <= 0) return
  return new Promise((resolve) => setTimeout(resolve, ms))
}
