import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { Dealer } from 'zeromq'
import { percentiles } from '../src/main/engine/dispatch/checker'
import { encodeHeader, peekEpoch } from '../src/main/engine/dispatch/protocol'
import { freePort } from '../src/main/engine/redis/free-port'
import type { BenchContext, BenchFigure } from './dispatch-bench'

const ROUTER_WORKER = join(__dirname, 'raw-router-worker.ts')

/** Kills the bench's children and waits for them. */
export async function reap(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve()
          c.once('exit', () => resolve())
          c.kill('SIGKILL')
        })
    )
  )
}

/**
 * Raw windowed ZeroMQ, the transport's ceiling: one DEALER bound on a free port keeps `window`
 * one-frame requests in flight to `workers` processes with one ROUTER each that echoes at once.
 * No Redis, no batching, no lockstep. Same message count as the lab runs.
 */
export async function benchRawWindowed(ctx: BenchContext): Promise<BenchFigure> {
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const dealer = new Dealer({
    linger: 0,
    sendHighWaterMark: 100_000,
    receiveHighWaterMark: 100_000
  })
  await dealer.bind(endpoint)
  const children: ChildProcess[] = []
  try {
    for (let i = 0; i < ctx.workers; i++) {
      children.push(
        fork(ROUTER_WORKER, [endpoint], {
          execArgv: __filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc']
        })
      )
    }
    await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))))
    const n = ctx.messages
    const sentAt = new Float64Array(n + 1)
    const latency = new Float32Array(n + 1).fill(Number.NaN)
    let sent = 0
    let received = 0
    let sending = false
    const fill = async (): Promise<void> => {
      if (sending) return
      sending = true
      while (sent < n && sent - received < ctx.window) {
        sent++
        sentAt[sent] = performance.now()
        await dealer.send(encodeHeader('raw', sent, 1, 'at-most-once', Date.now()))
      }
      sending = false
    }
    const started = performance.now()
    void fill()
    let last = started
    for await (const [frame] of dealer) {
      const epoch = peekEpoch(frame)
      last = performance.now()
      if (epoch > 0 && epoch <= n) latency[epoch] = last - (sentAt[epoch] as number)
      received++
      if (received >= n) break
      void fill()
    }
    const [p50, p99] = percentiles(latency, [50, 99])
    return {
      msgsPerSec: Math.round((n * 100_000) / (last - started)) / 100,
      p50Ms: p50 ?? 0,
      p99Ms: p99 ?? 0
    }
  } finally {
    dealer.close()
    await reap(children)
  }
}
