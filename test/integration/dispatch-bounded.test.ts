import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DISPATCH_INFO_LIST_MAX } from '@shared/contract/labs/dispatch'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runJson, startRedis } from './dispatch-harness'

/** Acceptance 5's limit for everything the UI receives per snapshot. */
const INFO_MAX_BYTES = 256 * 1024
/**
 * The bound we state for the engine's heap during a 20,000-epoch run: it may grow by at most
 * 64 MB over its size before the run (measured growth is a few MB: the per-epoch ledger is typed
 * arrays of about 60 bytes per epoch, and every list the lab keeps is capped).
 */
const HEAP_GROWTH_MAX_BYTES = 64 * 1024 * 1024
/** The snapshot cadence of the engine (SNAPSHOT_INTERVAL_MS). */
const SAMPLE_MS = 100

describe('bounded at scale (acceptance 5)', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterAll(async () => {
    await closeRedis()
  })

  it('a 20,000-epoch run keeps every toInfo() under 256 KB and the heap under its bound', async () => {
    global.gc?.()
    const heapBefore = process.memoryUsage().heapUsed
    let maxInfoBytes = 0
    let maxHeap = heapBefore
    let samples = 0
    let maxViolationsShown = 0
    let sampler: NodeJS.Timeout | undefined
    const { report } = await runJson(
      [
        '--semantics',
        'exactly-once-naive',
        '--messages',
        '20000',
        '--workers',
        '4',
        '--window',
        '256',
        '--timeout-ms',
        '300',
        '--duplicate',
        '0.3',
        '--drop-to-dispatcher',
        '0.05'
      ],
      redis,
      {
        onLab: (lab) => {
          lab.setPage({ epochFrom: 1, violationsOnly: true, dedupFrom: 1 })
          sampler = setInterval(() => {
            const info = lab.toInfo()
            const bytes = Buffer.byteLength(JSON.stringify(info))
            maxInfoBytes = Math.max(maxInfoBytes, bytes)
            maxViolationsShown = Math.max(maxViolationsShown, info.verdict.violations.items.length)
            maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed)
            samples++
          }, SAMPLE_MS)
        }
      }
    )
    clearInterval(sampler)
    expect(report.messages).toBe(20_000)
    expect(report.counts.zero).toBe(0)
    // Duplicated requests break the naive check-then-mark: thousands of violations, all in the
    // report, at most DISPATCH_INFO_LIST_MAX of them in each snapshot.
    expect(report.violations.length).toBeGreaterThan(DISPATCH_INFO_LIST_MAX)
    expect(maxViolationsShown).toBeLessThanOrEqual(DISPATCH_INFO_LIST_MAX)
    expect(samples).toBeGreaterThan(10)
    expect(maxInfoBytes).toBeLessThan(INFO_MAX_BYTES)
    expect(maxHeap - heapBefore).toBeLessThan(HEAP_GROWTH_MAX_BYTES)
    process.stdout.write(
      `dispatch-bounded: ${samples} snapshots, largest toInfo ${Math.round(maxInfoBytes / 1024)} KB, heap growth ${Math.round((maxHeap - heapBefore) / 1024 / 1024)} MB, ${report.throughput} msg/s\n`
    )
  }, 180_000)
})
