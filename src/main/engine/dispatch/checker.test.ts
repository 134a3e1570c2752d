import { describe, expect, it } from 'vitest'
import { check, causeOf, epochOk, judgeEpoch, percentiles, type CheckContext } from './checker'
import { EpochFlag, EpochLedger } from './epoch-ledger'

function ctx(over: Partial<CheckContext> = {}): CheckContext {
  return {
    semantics: 'exactly-once-naive',
    final: true,
    stopped: false,
    dedupLost: false,
    crashTimes: [],
    timeoutMs: 100,
    ...over
  }
}

function ledgerWith(executions: number[]): EpochLedger {
  const ledger = new EpochLedger(executions.length)
  ledger.executions = Uint32Array.from([0, ...executions])
  return ledger
}

describe('checker', () => {
  it('asserts each mode’s guarantee', () => {
    expect(epochOk('at-most-once', 0, true)).toBe(true)
    expect(epochOk('at-most-once', 2, true)).toBe(false)
    expect(epochOk('at-least-once', 0, true)).toBe(false)
    expect(epochOk('at-least-once', 0, false)).toBe(true)
    expect(epochOk('at-least-once', 3, true)).toBe(true)
    expect(epochOk('exactly-once-atomic', 1, true)).toBe(true)
    expect(epochOk('exactly-once-atomic', 0, true)).toBe(false)
    expect(epochOk('exactly-once-atomic', 2, false)).toBe(false)
  })

  it('names the most specific cause of a repeat', () => {
    const ledger = ledgerWith([2, 2, 2, 2, 2, 1])
    ledger.attempts.set([0, 2, 2, 2, 1, 1, 1])
    ledger.flag(1, EpochFlag.CrashAfterWork | EpochFlag.Concurrent)
    ledger.flag(2, EpochFlag.Concurrent)
    ledger.flag(4, EpochFlag.DuplicatedToWorker)
    ledger.effectsBase = Uint32Array.from([0, 0, 0, 0, 0, 1, 0])
    const c = ctx({ dedupLost: true })
    expect(causeOf(ledger, 1, c)).toBe('crash-after-work-before-mark')
    expect(causeOf(ledger, 2, c)).toBe('concurrent-deliveries')
    expect(causeOf(ledger, 3, c)).toBe('ack-lost-resent')
    expect(causeOf(ledger, 4, c)).toBe('duplicated-by-link')
    expect(causeOf(ledger, 5, c)).toBe('dedup-lost-redis-restart')
  })

  it('names only causes the mode can have: no check in at-most-once, so no concurrent deliveries', () => {
    const ledger = ledgerWith([2, 2, 2])
    ledger.flag(1, EpochFlag.DuplicatedToWorker | EpochFlag.Concurrent)
    ledger.flag(2, EpochFlag.DuplicatedToWorker)
    ledger.flag(3, EpochFlag.Concurrent)
    const atMost = ctx({ semantics: 'at-most-once' })
    expect(causeOf(ledger, 1, atMost)).toBe('duplicated-by-link')
    expect(causeOf(ledger, 2, atMost)).toBe('duplicated-by-link')
    expect(causeOf(ledger, 3, atMost)).toBe('unexplained')
    const atomic = ctx({ semantics: 'exactly-once-atomic' })
    expect(causeOf(ledger, 1, atomic)).toBe('duplicated-by-link')
    expect(causeOf(ledger, 1, ctx())).toBe('concurrent-deliveries')
  })

  it('sets a stopped run’s unsent and unsettled epochs apart instead of calling them violations', () => {
    const ledger = ledgerWith([1, 0, 0, 0, 2])
    ledger.attempts.set([0, 1, 1, 0, 2, 1])
    ledger.flag(4, EpochFlag.DispatcherCrash)
    const stopped = ctx({ semantics: 'exactly-once-atomic', stopped: true })
    expect(judgeEpoch(ledger, 2, stopped)).toEqual({ kind: 'unsettled' })
    expect(judgeEpoch(ledger, 3, stopped)).toEqual({ kind: 'not-sent' })
    expect(judgeEpoch(ledger, 4, stopped)).toEqual({
      kind: 'violation',
      cause: 'dispatcher-crashed'
    })
    const result = check(ledger, stopped)
    expect(result.stopped).toEqual({ notSent: 1, unsettled: 1 })
    expect(result.violations.map((v) => v.epoch)).toEqual([4, 5])
    // at-most-once never re-sends: a sent epoch at 0 is allowed, and never owed anything.
    const atMost = check(ledger, ctx({ semantics: 'at-most-once', stopped: true }))
    expect(atMost.stopped).toEqual({ notSent: 1, unsettled: 0 })
    // Not stopped: the same epochs are judged.
    expect(check(ledger, ctx({ semantics: 'exactly-once-atomic' })).stopped).toBeNull()
    expect(check(ledger, ctx({ semantics: 'exactly-once-atomic' })).total).toBe(4)
  })

  it('names the cause of a loss', () => {
    const ledger = ledgerWith([0, 0, 0, 0, 0])
    ledger.flag(1, EpochFlag.DroppedToWorker)
    ledger.flag(2, EpochFlag.CrashedHolding | EpochFlag.DroppedToWorker)
    ledger.flag(3, EpochFlag.DispatcherCrash)
    ledger.flag(4, EpochFlag.MaxAttempts)
    ledger.firstSentAt[5] = 1_000
    const c = ctx({ semantics: 'at-least-once', crashTimes: [1_050] })
    expect(causeOf(ledger, 1, c)).toBe('dropped-to-worker')
    expect(causeOf(ledger, 2, c)).toBe('worker-crashed')
    expect(causeOf(ledger, 3, c)).toBe('dispatcher-crashed')
    expect(causeOf(ledger, 4, c)).toBe('max-attempts')
    expect(causeOf(ledger, 5, c)).toBe('worker-crashed')
  })

  it('counts every violation but returns at most the limit', () => {
    const ledger = ledgerWith([1, 2, 0, 3, 1])
    const result = check(ledger, ctx(), 1)
    expect(result.counts).toEqual({ zero: 1, once: 2, many: 2 })
    expect(result.total).toBe(3)
    expect(result.violations).toHaveLength(1)
    expect(result.executions).toBe(7)
    expect(result.byCause).toEqual({ unexplained: 3 })
  })

  it('detects overlapping executing deliveries', () => {
    const ledger = new EpochLedger(2)
    ledger.delivery(1, 0, 10, true)
    ledger.delivery(1, 5, 15, true)
    ledger.delivery(2, 0, 10, true)
    ledger.delivery(2, 20, 30, true)
    expect(ledger.flags[1]! & EpochFlag.Concurrent).toBeTruthy()
    expect(ledger.flags[2]! & EpochFlag.Concurrent).toBeFalsy()
    expect(ledger.deliveries[1]).toBe(2)
  })

  it('computes percentiles over acked latencies only', () => {
    const lat = Float32Array.from([Number.NaN, 1, 2, 3, 4, 100])
    expect(percentiles(lat, [50, 99])).toEqual([3, 100])
    expect(percentiles(new Float32Array(3).fill(Number.NaN), [50])).toEqual([0])
  })
})
