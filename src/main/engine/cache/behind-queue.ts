import type { Redis } from 'ioredis'
import type { AckLog } from './ack-log'
import type { CacheStore, QueueItem } from './cache-store'
import type { Database } from './database'
import { sleep, untilDone } from './timing'

/** How often an idle flusher looks at the queue again, at most. */
const POLL_MS = 20

export interface BehindQueueOptions {
  /** The flusher's own connection. */
  client: Redis
  store: CacheStore
  db: Database
  /** A queued write reaches the database this many ms after it was queued. */
  delayMs: number
  /** Most queued writes per database transaction. */
  batch: number
  log: AckLog
  now(): number
}

/**
 * Write-behind's flusher over the queue in Redis: takes due items off the head (LPOP), writes
 * them in one transaction, then marks their entries clean. If the database refuses, the items go
 * back to the head; if the flusher crashes while it holds a batch, that batch is gone (recorded
 * in the ack log as the flusher's loss). A crashed flusher restarts on the next flush.
 */
export class BehindQueue {
  readonly #o: BehindQueueOptions
  #abort = new AbortController()
  #on = false
  #loop: Promise<void> = Promise.resolve()
  #crashed = false
  #lagMs: number | null = null
  #flushed = 0

  constructor(opts: BehindQueueOptions) {
    this.#o = opts
  }

  get crashed(): boolean {
    return this.#crashed
  }

  /** ms from queueing to the database of the last batch's oldest write. */
  get flushLagMs(): number | null {
    return this.#lagMs
  }

  get flushed(): number {
    return this.#flushed
  }

  start(): void {
    if (this.#on) return
    this.#crashed = false
    this.#on = true
    this.#abort = new AbortController()
    const signal = this.#abort.signal
    this.#loop = (async (): Promise<void> => {
      while (this.#on && !signal.aborted) {
        const wait = await this.#step(signal, false).catch(() => POLL_MS)
        if (wait > 0) await sleep(Math.min(wait, POLL_MS))
      }
    })()
  }

  /** The flusher dies holding whatever batch it took: those writes never reach the database. */
  crash(): void {
    this.#on = false
    this.#crashed = true
    this.#abort.abort()
  }

  /** Stops the loop after its current step (nothing held is dropped). */
  async stop(): Promise<void> {
    this.#on = false
    await this.#loop
  }

  /**
   * Writes the whole queue now, ignoring the delay (a flush command, the final flush); then the
   * loop runs again when `resume`.
   */
  async drain(resume: boolean): Promise<void> {
    await this.stop()
    const signal = new AbortController().signal
    await untilDone(async () => {
      while ((await this.#step(signal, true)) === 0);
    })
    if (resume) this.start()
  }

  /** One batch; resolves with ms to wait before the next (0: go on, -1 drained: queue empty). */
  async #step(signal: AbortSignal, all: boolean): Promise<number> {
    const { client, store, db, delayMs, batch, now } = this.#o
    const head = await store.queueHead(client, batch)
    if (head.length === 0) return all ? -1 : POLL_MS
    const t = now()
    let due = all ? head.length : 0
    while (due < head.length && (head[due] as QueueItem).at + delayMs <= t) due++
    if (due === 0) return (head[0] as QueueItem).at + delayMs - t
    const items = await store.queueTake(client, due)
    if (signal.aborted) return this.#lose(items)
    let committed: boolean
    try {
      committed = await db.writeBatch(items, signal)
    } catch (err) {
      await store.queueGiveBack(client, items)
      throw err
    }
    if (!committed) return this.#lose(items)
    this.#flushed += items.length
    this.#lagMs = now() - (items[0] as QueueItem).at
    for (const item of items) await store.cleanIfVersion(client, item.key, item.version)
    return 0
  }

  #lose(items: readonly QueueItem[]): number {
    for (const item of items) this.#o.log.flusherLost.add(`${item.key}:${item.version}`)
    return POLL_MS
  }
}
