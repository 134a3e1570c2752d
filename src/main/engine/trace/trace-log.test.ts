import { describe, expect, it } from 'vitest'
import { TraceLog } from './trace-log'

const event = { source: 'engine', type: 't', level: 'info', message: 'm' } as const

describe('TraceLog', () => {
  it('numbers events from 1 and keeps them in order', () => {
    const log = new TraceLog(10)
    for (let i = 0; i < 3; i++) log.emit(event)
    expect(log.recent().map((e) => e.id)).toEqual([1, 2, 3])
  })

  it('keeps only its capacity and counts what it evicted', () => {
    const log = new TraceLog(4)
    for (let i = 0; i < 10; i++) log.emit(event)
    expect(log.recent().map((e) => e.id)).toEqual([7, 8, 9, 10])
    expect(log.evicted).toBe(6)
    expect(log.total).toBe(10)
  })

  it('since() returns the newest events after an id and counts the ones it skipped', () => {
    const log = new TraceLog(5)
    for (let i = 0; i < 12; i++) log.emit(event)
    const { events, skipped } = log.since(2, 3)
    expect(events.map((e) => e.id)).toEqual([10, 11, 12])
    expect(skipped).toBe(7)
    expect(log.since(12, 3)).toEqual({ events: [], skipped: 0 })
  })
})
