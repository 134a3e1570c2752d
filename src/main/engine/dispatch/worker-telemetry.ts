/**
 * The worker's side of telemetry: the deliveries in flight, their records batched and flushed
 * every TELEMETRY_FLUSH_MS (or when the batch is full), over the fork IPC channel or a ZeroMQ
 * PUSH socket. Also reports a crash's last batch before the process dies. Only relative imports:
 * this file is loaded in the worker process.
 */
import { Push } from 'zeromq'
import { curveClientOptions } from '../zmq/curve'
import {
  Outcome,
  preciseNow,
  TELEMETRY_BATCH_MAX_RECORDS,
  TELEMETRY_FLUSH_MS,
  type TelemetryMessage
} from './telemetry'
import type { Delivery } from './worker-job'

export interface WorkerTelemetryOptions {
  /** Worker id sent with every message. */
  id: string
  /** ZeroMQ PUSH endpoint for telemetry when there is no IPC channel. */
  telemetry?: string | undefined
  /** Telemetry goes over the fork IPC channel (managed workers). */
  ipc?: boolean | undefined
  /** The lab's CURVE public key when its telemetry endpoint uses CURVE. */
  serverKey?: string | undefined
}

export class WorkerTelemetry {
  readonly #id: string
  readonly #ipc: boolean
  readonly #endpoint: string | undefined
  readonly #push: Push | null
  #records: number[] = []
  #rejected = 0
  /** Deliveries taken from the socket and not finished (one burst at most). */
  readonly #inFlight = new Set<Delivery>()
  #epoch: number | null = null
  #dirty = true
  #timer: NodeJS.Timeout | null = null

  constructor(opts: WorkerTelemetryOptions) {
    this.#id = opts.id
    this.#ipc = opts.ipc === true
    this.#endpoint = opts.telemetry
    this.#push =
      !opts.ipc && opts.telemetry
        ? new Push({ linger: 200, sendHighWaterMark: 100, ...curveClientOptions(opts.serverKey) })
        : null
  }

  /** Connects, says the worker is ready, and starts the periodic flush. */
  start(): void {
    if (this.#push && this.#endpoint) this.#push.connect(this.#endpoint)
    this.#send({ t: 'ready', id: this.#id, pid: process.pid })
    this.#timer = setInterval(() => this.#flush(), TELEMETRY_FLUSH_MS)
    this.#timer.unref()
  }

  /** Counts a request rejected as malformed, for the next batch. */
  reject(): void {
    this.#rejected++
    this.#dirty = true
  }

  /** A delivery taken from the socket: the worker is working on its epoch. */
  begin(d: Delivery): void {
    this.#inFlight.add(d)
    this.working(d.epoch)
  }

  /** The epoch the worker works on now. */
  working(epoch: number): void {
    this.#epoch = epoch
    this.#dirty = true
  }

  /** A delivery finished with `outcome` (replied, or about to be). */
  done(d: Delivery, outcome: Outcome, end?: number): void {
    this.#inFlight.delete(d)
    this.#record(d, outcome, end)
    if (this.#inFlight.size === 0) this.#epoch = null
    this.#dirty = true
  }

  /**
   * Reports `d` as crashed with `outcome` and the rest in flight as far as each got, then dies
   * as a crash does (SIGKILL). Never resolves.
   */
  crash(d: Delivery, outcome: Outcome): Promise<never> {
    this.#inFlight.delete(d)
    this.#record(d, outcome)
    return this.#flushAndDie()
  }

  /** Stops the periodic flush, flushes what is left and closes the PUSH socket. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#flush()
    this.#push?.close()
  }

  /** `end`: when it finished, if the caller read the clock already (a batch reads it once). */
  #record(d: Delivery, outcome: Outcome, end?: number): void {
    this.#records.push(
      d.epoch,
      d.attempt,
      round2(d.start),
      round2(end ?? preciseNow()),
      outcome,
      d.executed ? 1 : 0
    )
    if (this.#records.length >= TELEMETRY_BATCH_MAX_RECORDS * 6) this.#flush()
  }

  #flush(): void {
    if (!this.#dirty && this.#records.length === 0) return
    const records = this.#records
    this.#records = []
    const rejected = this.#rejected
    this.#rejected = 0
    this.#dirty = false
    this.#send({
      t: 'batch',
      id: this.#id,
      pid: process.pid,
      state: this.#inFlight.size > 0 ? 'working' : 'idle',
      epoch: this.#epoch,
      records,
      rejected
    })
  }

  #send(msg: TelemetryMessage, done?: () => void): void {
    if (this.#ipc && process.send) {
      // The callback runs once the message is written to the channel, so it survives our SIGKILL.
      process.send(msg, undefined, undefined, () => done?.())
      return
    }
    if (this.#push) {
      this.#push.send(JSON.stringify(msg)).then(
        () => done?.(),
        () => done?.()
      )
      return
    }
    done?.()
  }

  #flushAndDie(): Promise<never> {
    return new Promise<never>(() => {
      // Whatever else of the burst we hold dies with us: say how far each one got.
      for (const other of this.#inFlight) {
        this.#inFlight.delete(other)
        this.#record(
          other,
          !other.executed
            ? Outcome.CrashBeforeWork
            : other.naive && !other.marked
              ? Outcome.CrashAfterWork
              : Outcome.CrashBeforeReply
        )
      }
      const records = this.#records
      this.#records = []
      const die = (): void => {
        process.kill(process.pid, 'SIGKILL')
      }
      this.#send(
        {
          t: 'batch',
          id: this.#id,
          pid: process.pid,
          state: 'working',
          epoch: this.#epoch,
          records,
          rejected: this.#rejected
        },
        // A PUSH send resolves when queued, not delivered: give it a moment.
        this.#ipc ? die : () => setTimeout(die, 50)
      )
    })
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
