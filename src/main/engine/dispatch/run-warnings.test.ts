import { describe, expect, it } from 'vitest'
import {
  DispatchSettingsSchema,
  type DispatchWorkerInfo,
  type WorkerState
} from '@shared/contract/labs/dispatch'
import { runWarnings, STALLED_MS, type RunHealth } from './run-warnings'

function worker(id: string, state: WorkerState, workMs = 0): DispatchWorkerInfo {
  return {
    id,
    pid: state === 'crashed' ? null : 1,
    state,
    epoch: null,
    deliveries: 0,
    executions: 0,
    duplicates: 0,
    crashes: 0,
    restarts: 0,
    workMs,
    crashAt: null,
    crashEvery: 0
  }
}

function health(over: Partial<RunHealth> = {}): RunHealth {
  return {
    labId: 'x',
    settings: DispatchSettingsSchema.parse({ semantics: 'at-least-once' }),
    workers: [worker('w1', 'idle'), worker('w2', 'working')],
    cut: { toWorker: false, toDispatcher: false },
    inFlight: 3,
    unsettled: 10,
    quietForMs: 0,
    redisStatus: 'up',
    ...over
  }
}

const ids = (h: RunHealth): string[] => runWarnings(h).map((p) => p.id)

describe('runWarnings', () => {
  it('says nothing about a healthy run', () => {
    expect(ids(health())).toEqual([])
  })

  it('warns when the ack timeout cannot be met by the work time, naming both', () => {
    const settings = DispatchSettingsSchema.parse({
      semantics: 'exactly-once-atomic',
      timeoutMs: 50,
      workMs: 100
    })
    const [p] = runWarnings(health({ settings }))
    expect(p?.id).toBe('dispatch:timeout-below-work')
    expect(p?.message).toContain('50 ms')
    expect(p?.message).toContain('100 ms')
    // A worker slowed by hand counts too; at-most-once never re-sends, so it is not warned.
    const slowed = health({ workers: [worker('w1', 'idle', 2_000)] })
    expect(ids(slowed)).toEqual(['dispatch:timeout-below-work'])
    const atMost = DispatchSettingsSchema.parse({
      semantics: 'at-most-once',
      timeoutMs: 50,
      workMs: 100
    })
    expect(ids(health({ settings: atMost }))).toEqual([])
  })

  it('says no worker is alive, with the fix, when every worker is down and epochs wait', () => {
    const down = health({ workers: [worker('w1', 'crashed'), worker('w2', 'stopped')] })
    const [p] = runWarnings(down)
    expect(p?.id).toBe('dispatch:no-worker')
    expect(p?.hint).toContain('Restart workers')
    expect(ids({ ...down, unsettled: 0 })).toEqual([])
  })

  it('names a cut link with epochs waiting, and calls a quiet run stalled only without a reason', () => {
    expect(ids(health({ cut: { toWorker: true, toDispatcher: false } }))).toEqual([
      'dispatch:link-cut'
    ])
    expect(ids(health({ quietForMs: STALLED_MS }))).toEqual(['dispatch:stalled'])
    expect(ids(health({ quietForMs: STALLED_MS, redisStatus: 'down' }))).toEqual([
      'dispatch:redis-lost'
    ])
  })
})
