import { describe, expect, it } from 'vitest'
import {
  TRACE_DATA_MAX_FIELDS,
  TRACE_MESSAGE_MAX_BYTES,
  TRACE_STRING_MAX_BYTES,
  utf8Bytes
} from '@shared/contract'
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

  it('cuts long strings with a visible marker and drops data fields beyond the maximum', () => {
    const log = new TraceLog(10)
    const huge = 'x'.repeat(64 * 1024)
    const data: Record<string, string> = {}
    for (let i = 0; i < TRACE_DATA_MAX_FIELDS + 5; i++) data[`${i}${huge}`] = huge
    const event = log.emit({ source: 'command', type: huge, level: 'warn', message: huge, data })
    expect(utf8Bytes(event.message)).toBeLessThanOrEqual(TRACE_MESSAGE_MAX_BYTES)
    expect(event.message).toMatch(/…\[truncated \d+ bytes]$/)
    expect(utf8Bytes(event.type)).toBeLessThanOrEqual(TRACE_STRING_MAX_BYTES)
    const entries = Object.entries(event.data ?? {})
    expect(entries).toHaveLength(TRACE_DATA_MAX_FIELDS + 1)
    expect(event.data?.truncatedFields).toBe(5)
    for (const [key, value] of entries) {
      expect(utf8Bytes(key)).toBeLessThanOrEqual(TRACE_STRING_MAX_BYTES)
      if (typeof value === 'string')
        expect(utf8Bytes(value)).toBeLessThanOrEqual(TRACE_STRING_MAX_BYTES)
    }
    expect(JSON.stringify(event).length).toBeLessThan(TRACE_MESSAGE_MAX_BYTES + 40 * 1024)
  })

  it('since() fills a byte budget with the newest events and counts the older ones as skipped', () => {
    const log = new TraceLog(100)
    for (let i = 0; i < 50; i++) log.emit({ ...event, message: 'y'.repeat(1_000) })
    const one = JSON.stringify(log.recent(1)[0]).length + 1
    const { events, skipped } = log.since(0, 50, 2 + one * 10)
    expect(events.map((e) => e.id)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50])
    expect(skipped).toBe(40)
    expect(log.since(0, 50, 10)).toEqual({ events: [], skipped: 50 })
  })
})
