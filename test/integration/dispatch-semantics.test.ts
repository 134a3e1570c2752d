import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runDispatchCommand } from '../../src/main/cli/run-command'
import { fakeIo, runJson, startRedis } from './dispatch-harness'

// Acceptance 1a–1e: real runs (`flowlab run --json` in-process) with real worker processes, a real
// redis-server and real ZeroMQ sockets, 500 epochs each. Zero work time and short ack timeouts keep
// each run to a few seconds.
const EPOCHS = '500'
const FAST = ['--messages', EPOCHS, '--workers', '4', '--work-ms', '0', '--window', '64']

describe('dispatch semantics (acceptance 1)', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterEach(async () => {
    // 1e turns persistence off; every other run expects the default (on).
    if (redis.status === 'up' && !redis.toInfo().persistence) await redis.setPersistence(true)
  })

  afterAll(async () => {
    await closeRedis()
  })

  it('1a at-most-once with requests dropped: some epochs never run, none runs twice, held', async () => {
    const { code, report } = await runJson(
      ['--semantics', 'at-most-once', ...FAST, '--timeout-ms', '200', '--drop-to-worker', '0.2'],
      redis
    )
    expect(report.semantics).toBe('at-most-once')
    expect(report.messages).toBe(500)
    expect(report.counts.zero).toBeGreaterThan(0)
    expect(report.counts.many).toBe(0)
    expect(report.counts.zero + report.counts.once).toBe(500)
    expect(report.verdict).toBe('held')
    expect(report.violations).toEqual([])
    expect(report.dispatcher.resends).toBe(0)
    expect(report.link.toWorker.counters.dropped).toBeGreaterThan(0)
    expect(code).toBe(0)
  })

  it('1b at-least-once with acks dropped: every epoch at least once, some more, held', async () => {
    const { code, report } = await runJson(
      [
        '--semantics',
        'at-least-once',
        ...FAST,
        '--timeout-ms',
        '200',
        '--drop-to-dispatcher',
        '0.2'
      ],
      redis
    )
    expect(report.counts.zero).toBe(0)
    expect(report.counts.many).toBeGreaterThan(0)
    expect(report.verdict).toBe('held')
    expect(report.deliveries).toBeGreaterThanOrEqual(report.executions)
    expect(report.perEpoch.executions).toHaveLength(500)
    expect(code).toBe(0)
  })

  it('1c exactly-once-naive with crashes between work and mark: violated, and the checker says why', async () => {
    const { code, report } = await runJson(
      [
        '--semantics',
        'exactly-once-naive',
        ...FAST,
        '--timeout-ms',
        '250',
        '--crash-at',
        'after-work',
        '--crash-every',
        '50'
      ],
      redis
    )
    expect(report.verdict).toBe('violated')
    expect(code).toBe(1)
    expect(report.counts.zero).toBe(0)
    expect(report.counts.many).toBeGreaterThan(0)
    expect(report.violations.length).toBe(report.counts.many)
    const crashCaused = report.violations.filter((v) => v.cause === 'crash-after-work-before-mark')
    expect(crashCaused.length).toBeGreaterThan(0)
    for (const v of crashCaused) expect(v.executions).toBeGreaterThan(1)
    expect(report.workers.reduce((n, w) => n + w.crashes, 0)).toBeGreaterThan(0)
  })

  it('1d exactly-once-atomic under drops, duplicates, crashes, a paused worker and a Redis restart: exactly once, held', async () => {
    let resumeTimer: NodeJS.Timeout | undefined
    const { code, report } = await runJson(
      [
        '--semantics',
        'exactly-once-atomic',
        ...FAST,
        '--timeout-ms',
        '250',
        '--drop-to-worker',
        '0.2',
        '--drop-to-dispatcher',
        '0.2',
        '--duplicate',
        '0.1',
        '--crash-at',
        'after-work',
        '--crash-every',
        '50',
        '--redis-restart-at',
        '200'
      ],
      redis,
      {
        onLab: async (lab) => {
          await lab.worker({ action: 'pause', workerId: 'w1' })
          // Resume once the run is well under way, so the paused worker's stale requests run late.
          resumeTimer = setInterval(() => {
            if (lab.toInfo().progress.acked >= 300) {
              clearInterval(resumeTimer)
              void lab.worker({ action: 'resume', workerId: 'w1' }).catch(() => undefined)
            }
          }, 25)
        }
      }
    )
    clearInterval(resumeTimer)
    expect(report.counts).toEqual({ zero: 0, once: 500, many: 0 })
    expect(report.verdict).toBe('held')
    expect(report.violations).toEqual([])
    expect(code).toBe(0)
    // Every fault really happened.
    expect(report.redis.restarts).toBe(1)
    expect(report.link.toWorker.counters.dropped).toBeGreaterThan(0)
    expect(report.link.toDispatcher.counters.dropped).toBeGreaterThan(0)
    expect(report.link.toWorker.counters.duplicated).toBeGreaterThan(0)
    expect(report.workers.reduce((n, w) => n + w.crashes, 0)).toBeGreaterThan(0)
    expect(report.deliveries).toBeGreaterThan(500)
  })

  it('1e exactly-once-atomic without persistence across a Redis restart: every repeat is explained by the lost dedup table', async () => {
    const { code, report } = await runJson(
      [
        '--semantics',
        'exactly-once-atomic',
        ...FAST,
        '--timeout-ms',
        '400',
        '--drop-to-dispatcher',
        '0.2',
        '--no-persistence',
        '--redis-restart-at',
        '200'
      ],
      redis
    )
    expect(report.redis.restarts).toBe(1)
    expect(report.redis.persistence).toBe(false)
    expect(report.counts.zero).toBe(0)
    // Acks dropped just before the restart are re-sent after it, when the marks are gone.
    expect(report.counts.many).toBeGreaterThan(0)
    expect(report.verdict).toBe('violated')
    expect(code).toBe(1)
    for (const v of report.violations) {
      expect(v.cause).toBe('dedup-lost-redis-restart')
      expect(v.executions).toBeGreaterThan(1)
    }
    expect(report.byCause).toEqual({ 'dedup-lost-redis-restart': report.violations.length })
    expect(report.notes.join(' ')).toMatch(/without persistence/)
  })

  // Issue 13: the dispatcher fault scripted from the command line, like --redis-restart-at.
  for (const durable of [true, false]) {
    it(`--crash-dispatcher-at crashes and restarts the dispatcher; ${durable ? 'with --durable-dispatcher nothing is lost' : 'without, sent_msgs is lost'}`, async () => {
      const { code, report } = await runJson(
        [
          '--semantics',
          'at-least-once',
          ...FAST,
          '--timeout-ms',
          '300',
          // Dropped requests wait in sent_msgs for their timeout: the crash is sure to hold some.
          '--drop-to-worker',
          '0.3',
          '--crash-dispatcher-at',
          '100',
          ...(durable ? ['--durable-dispatcher'] : [])
        ],
        redis
      )
      expect(report.dispatcher.crashes).toBe(1)
      expect(report.dispatcher.durable).toBe(durable)
      expect(report.dispatcher.state).toBe('stopped')
      if (durable) {
        expect(report.verdict).toBe('held')
        expect(report.counts.zero).toBe(0)
        expect(code).toBe(0)
      } else {
        expect(report.verdict).toBe('violated')
        expect(report.counts.zero).toBeGreaterThan(0)
        expect(Object.keys(report.byCause)).toEqual(['dispatcher-crashed'])
        expect(code).toBe(1)
      }
    })
  }

  it('--crash-dispatcher-at takes a whole number of acks from 1', async () => {
    for (const bad of ['0', '1.5', 'soon', '']) {
      const { io, stderr } = fakeIo()
      expect(await runDispatchCommand(['--crash-dispatcher-at', bad], io)).toBe(2)
      expect(stderr.join('\n')).toMatch(/--crash-dispatcher-at must be a whole number from 1/)
    }
  })
})
