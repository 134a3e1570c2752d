import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runJson, startRedis } from './dispatch-harness'

// The pipelined worker mode (protocol v2: batches of epochs, one Lua call per batch) under every
// link fault and worker crashes, with real worker processes, redis-server and ZeroMQ. The checker
// (ground truth: the effects hash) is the judge. No attempt limit, so a loaded machine only makes
// the run longer, never loses an epoch to bad luck.
const FAST = ['--messages', '500', '--workers', '4', '--work-ms', '0', '--max-attempts', '0']

describe('dispatch pipelined worker mode', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterAll(async () => {
    await closeRedis()
  })

  it('exactly-once-atomic under drops both ways, duplicates, delays and worker crashes: held', async () => {
    const { code, report } = await runJson(
      [
        '--semantics',
        'exactly-once-atomic',
        '--worker-mode',
        'pipelined',
        ...FAST,
        '--window',
        '256',
        '--timeout-ms',
        '500',
        '--drop-to-worker',
        '0.2',
        '--drop-to-dispatcher',
        '0.2',
        '--duplicate',
        '0.1',
        '--delay-ms',
        '5',
        '--crash-at',
        'after-work',
        '--crash-every',
        '60'
      ],
      redis
    )
    expect(report.counts).toEqual({ zero: 0, once: 500, many: 0 })
    expect(report.verdict).toBe('held')
    expect(report.violations).toEqual([])
    expect(code).toBe(0)
    // Every fault really happened, per epoch of the batches.
    const toWorker = report.link.toWorker.counters
    expect(toWorker.dropped).toBeGreaterThan(0)
    expect(toWorker.duplicated).toBeGreaterThan(0)
    expect(toWorker.delayed).toBeGreaterThan(0)
    expect(report.link.toDispatcher.counters.dropped).toBeGreaterThan(0)
    expect(report.workers.reduce((n, w) => n + w.crashes, 0)).toBeGreaterThan(0)
    expect(report.deliveries).toBeGreaterThan(500)
    expect(report.link.rejected.total).toBe(0)
  })

  it('at-least-once in batches: nothing lost, acks lost make repeats, held', async () => {
    const { report } = await runJson(
      [
        '--semantics',
        'at-least-once',
        '--worker-mode',
        'pipelined',
        ...FAST,
        '--timeout-ms',
        '500',
        '--drop-to-dispatcher',
        '0.2'
      ],
      redis
    )
    expect(report.counts.zero).toBe(0)
    expect(report.counts.many).toBeGreaterThan(0)
    expect(report.verdict).toBe('held')
  })

  it("exactly-once-naive in batches: the seed's window between work and mark still shows", async () => {
    const { report } = await runJson(
      [
        '--semantics',
        'exactly-once-naive',
        '--worker-mode',
        'pipelined',
        '--messages',
        '200',
        '--workers',
        '2',
        '--work-ms',
        '0',
        '--max-attempts',
        '0',
        '--timeout-ms',
        '500',
        '--crash-at',
        'after-work',
        '--crash-every',
        '40'
      ],
      redis
    )
    expect(report.verdict).toBe('violated')
    expect(report.byCause['crash-after-work-before-mark']).toBeGreaterThan(0)
  })

  it('rejects an unknown --worker-mode and changes nothing', async () => {
    await expect(runJson(['--worker-mode', 'turbo', '--messages', '10'], redis)).rejects.toThrow(
      /worker-mode must be one of lockstep, pipelined/
    )
  })
})
