import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runWorkerCommand } from '../../src/main/cli/worker-command'
import { DispatchLab } from '../../src/main/engine/dispatch/dispatch-lab'
import { freePort } from '../../src/main/engine/redis/free-port'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { fakeIo, startRedis } from './dispatch-harness'

/** Resolves once `cond()` holds, checking after every small backoff; fails after `timeoutMs`. */
async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 5; !cond(); wait = Math.min(wait * 2, 50)) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, wait))
  }
}

// The lab's own API, as the UI drives it: dispatcher crash with and without the durable
// dispatcher, worker actions, and a worker started by hand (`flowlab worker`) with telemetry.
describe('DispatchLab actions', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>
  let lab: DispatchLab | null = null

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterEach(async () => {
    await lab?.close()
    lab = null
  })

  afterAll(async () => {
    await closeRedis()
  })

  for (const durable of [false, true]) {
    it(`dispatcher crash during a partition ${durable ? 'loses nothing when durable' : 'loses sent_msgs'}`, async () => {
      const events: string[] = []
      lab = new DispatchLab({ redis, emit: (type) => events.push(type) })
      await lab.start({
        semantics: 'at-least-once',
        messages: 500,
        workers: 2,
        window: 32,
        timeoutMs: 2_000,
        durableDispatcher: durable,
        endpoint: `tcp://127.0.0.1:${await freePort()}`
      })
      const l = lab
      await l.fault({ kind: 'cut', direction: 'to-worker' })
      // 32 requests dropped by the cut fill the window: sent_msgs holds exactly those.
      await until(() => l.toInfo().link.toWorker.counters.droppedCut >= 32)
      expect(l.toInfo().collections.sentMsgs.count).toBe(32)
      await l.fault({ kind: 'dispatcher-crash' })
      expect(l.toInfo().dispatcher.state).toBe('crashed')
      await l.fault({ kind: 'heal', direction: 'to-worker' })
      await l.fault({ kind: 'dispatcher-restart' })
      // The reloaded entries keep their deadline: let them time out promptly.
      const report = await l.waitForSettled()
      expect(events).toContain('dispatcher-crashed')
      if (durable) {
        expect(report.verdict).toBe('held')
        expect(report.counts).toEqual({ zero: 0, once: 500, many: 0 })
      } else {
        expect(report.verdict).toBe('violated')
        expect(report.counts.zero).toBe(32)
        expect(report.byCause).toEqual({ 'dispatcher-crashed': 32 })
      }
    }, 60_000)
  }

  it('worker actions: add, slow, crash, restart, remove, crash-at', async () => {
    lab = new DispatchLab({ redis, emit: () => undefined })
    await lab.start({
      semantics: 'exactly-once-atomic',
      messages: 2_000,
      workers: 2,
      // Ten seconds of traffic: every action below needs messages still flowing (w3 must get
      // deliveries, w1 must get one more message to crash on), and on a loaded machine starting
      // and restarting worker processes takes seconds (at 1,000/s the run once ended first).
      ratePerSec: 200,
      timeoutMs: 300,
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    })
    const l = lab
    await l.worker({ action: 'add', count: 1 })
    await until(() => l.toInfo().workers.some((w) => w.id === 'w3' && w.deliveries > 0))
    await l.worker({ action: 'slow', workerId: 'w1', workMs: 2 })
    await l.worker({ action: 'crash', workerId: 'w2' })
    await until(() => l.toInfo().workers.find((w) => w.id === 'w2')?.state === 'crashed')
    await expect(l.worker({ action: 'pause', workerId: 'w2' })).rejects.toThrow(/cannot be paused/)
    await l.worker({ action: 'restart', workerId: 'w2' })
    await l.worker({ action: 'remove', workerId: 'w3' })
    await l.worker({ action: 'crash-at', workerId: 'w1', point: 'before-reply', every: 0 })
    await until(() => l.toInfo().workers.find((w) => w.id === 'w1')?.state === 'crashed')
    const report = await l.waitForSettled()
    expect(report.verdict).toBe('held')
    const byId = new Map(report.workers.map((w) => [w.id, w]))
    expect(byId.has('w3')).toBe(false)
    expect(byId.get('w2')?.crashes).toBe(1)
    expect(byId.get('w2')?.restarts).toBe(1)
    expect(byId.get('w1')?.crashes).toBe(1)
    expect(byId.get('w1')?.workMs).toBe(2)
    await expect(l.worker({ action: 'crash', workerId: 'w9' })).rejects.toThrow(/no worker w9/)
  }, 60_000)

  it('a worker started by hand (flowlab worker) joins a run and reports telemetry', async () => {
    lab = new DispatchLab({ redis, emit: () => undefined, telemetryEndpoint: 'tcp://127.0.0.1:*' })
    await lab.start({
      semantics: 'exactly-once-naive',
      messages: 500,
      workers: 0,
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    })
    const ep = lab.endpoints
    if (!ep?.telemetry || !redis.secretUrl) throw new Error('no endpoints')
    let stop: () => void = () => undefined
    const { io, stdout } = fakeIo()
    io.onShutdown = (handler): void => {
      stop = handler
    }
    const worker = runWorkerCommand(
      [
        '--endpoint',
        ep.endpoint,
        '--redis-url',
        redis.secretUrl,
        '--id',
        'by-hand',
        '--telemetry',
        ep.telemetry,
        '--concurrency',
        '2'
      ],
      io
    )
    const report = await lab.waitForSettled()
    stop()
    expect(await worker).toBe(0)
    expect(stdout.join('\n')).toMatch(/flowlab worker by-hand: connected/)
    expect(report.counts).toEqual({ zero: 0, once: 500, many: 0 })
    const external = report.workers.find((w) => w.id === 'by-hand')
    expect(external?.executions).toBe(500)
    expect(report.deliveries).toBe(500)
  })

  it('rejects a second start, bad settings and a taken endpoint with clear errors', async () => {
    lab = new DispatchLab({ redis, emit: () => undefined })
    await expect(lab.start({ messages: 0 } as never)).rejects.toThrow(
      /invalid dispatch settings: messages/
    )
    const port = await freePort()
    await lab.start({ messages: 10, workers: 1, endpoint: `tcp://127.0.0.1:${port}` })
    await expect(lab.start({ messages: 10, workers: 1 })).rejects.toThrow(/already live/)
    const other = new DispatchLab({ redis, emit: () => undefined })
    await expect(
      other.start({ messages: 10, workers: 1, endpoint: `tcp://127.0.0.1:${port}` })
    ).rejects.toThrow(/in use by another program/)
    await other.close()
    const report = await lab.waitForSettled()
    expect(report.verdict).toBe('held')
    expect(await lab.stop()).toEqual(report)
    expect(lab.status).toBe('stopped')
    const info = lab.toInfo()
    expect(info.verdict.state).toBe('held')
  })
})
