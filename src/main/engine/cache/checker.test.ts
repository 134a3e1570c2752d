import { describe, expect, it } from 'vitest'
import { AckLog } from './ack-log'
import { checkRun } from './checker'

describe('checkRun', () => {
  it('holds when every read saw the newest acknowledged write and the database has every write', () => {
    const log = new AckLog()
    const v = log.nextVersion('k1')
    log.ack({ key: 'k1', value: `v${v}`, version: v, source: 'client', at: 1 })
    expect(log.read('k1', v, log.newest('k1'), 2)).toBe(false)
    const result = checkRun(log, 'write-through', new Map([['k1', v]]))
    expect(result.verdict).toBe('held')
    expect(result.guarantees.every((g) => g.held)).toBe(true)
    expect(log.lastAcked()).toEqual({ k1: { value: 'v1', version: 1 } })
  })

  it('names a crash for write-back lost writes and the stale reads after it', () => {
    const log = new AckLog()
    log.ack({ key: 'k1', value: 'v1', version: log.nextVersion('k1'), source: 'client', at: 1 })
    log.ack({ key: 'k1', value: 'v2', version: log.nextVersion('k1'), source: 'client', at: 2 })
    log.loss(3, 1, 0)
    log.read('k1', 0, log.newest('k1'), 4)
    const result = checkRun(log, 'write-back', new Map([['k1', 0]]))
    expect(result.lostWrites).toBe(2)
    expect(result.staleReads).toBe(1)
    expect(result.violations.map((v) => [v.kind, v.cause])).toEqual([
      ['lost-write', 'cache-crash-dirty'],
      ['lost-write', 'cache-crash-dirty'],
      ['stale-read', 'cache-crash-dirty']
    ])
    expect(result.verdict).toBe('violated')
  })

  it('a write superseded by a newer one in the database is not lost', () => {
    const log = new AckLog()
    log.ack({ key: 'k1', value: 'v1', version: log.nextVersion('k1'), source: 'client', at: 1 })
    const result = checkRun(log, 'write-behind', new Map([['k1', 5]]))
    expect(result.lostWrites).toBe(0)
  })

  it('blames the second writer, the queue and the flusher where they caused it', () => {
    const log = new AckLog()
    log.ack({ key: 'k1', value: 's1', version: log.nextVersion('k1'), source: 'second', at: 1 })
    log.read('k1', 0, log.newest('k1'), 5)
    log.ack({ key: 'k2', value: 'v1', version: log.nextVersion('k2'), source: 'client', at: 6 })
    log.flusherLost.add('k2:1')
    log.ack({ key: 'k3', value: 'v1', version: log.nextVersion('k3'), source: 'client', at: 7 })
    log.loss(8, 1, 1)
    const result = checkRun(
      log,
      'write-behind',
      new Map([
        ['k1', 1],
        ['k2', 0],
        ['k3', 0]
      ])
    )
    expect(result.violations.map((v) => `${v.key}:${v.cause}`)).toEqual([
      'k1:second-writer',
      'k2:flusher-crash',
      'k3:behind-queue-lost'
    ])
    expect(result.notes.some((n) => n.includes('second writer'))).toBe(true)
  })

  it('names an expiry of a dirty entry, not an unknown cause, for write-back', () => {
    const log = new AckLog()
    log.ack({ key: 'k1', value: 'v1', version: log.nextVersion('k1'), source: 'client', at: 1 })
    log.expiredDirty('k1', 1, 2)
    log.read('k1', 0, log.newest('k1'), 3)
    const live = checkRun(log, 'write-back', null)
    expect(live.violations.map((v) => `${v.kind}:${v.cause}`)).toEqual(['stale-read:expired-dirty'])
    const done = checkRun(log, 'write-back', new Map([['k1', 0]]))
    expect(done.violations.map((v) => `${v.kind}:${v.cause}`)).toEqual([
      'lost-write:expired-dirty',
      'stale-read:expired-dirty'
    ])
  })

  it('a write acknowledged after the expiry is not blamed on it', () => {
    const log = new AckLog()
    log.ack({ key: 'k1', value: 'v1', version: log.nextVersion('k1'), source: 'client', at: 1 })
    log.expiredDirty('k1', 1, 2)
    log.ack({ key: 'k1', value: 'v2', version: log.nextVersion('k1'), source: 'client', at: 3 })
    const result = checkRun(log, 'write-back', new Map([['k1', 0]]))
    expect(result.violations.map((v) => `${v.version}:${v.cause}`)).toEqual([
      '1:expired-dirty',
      '2:unexplained'
    ])
  })

  it('reports no lost writes while the run is live', () => {
    const log = new AckLog()
    log.ack({ key: 'k1', value: 'v1', version: log.nextVersion('k1'), source: 'client', at: 1 })
    expect(checkRun(log, 'write-back', null).lostWrites).toBe(0)
  })
})
