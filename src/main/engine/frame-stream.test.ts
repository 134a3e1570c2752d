import { describe, expect, it } from 'vitest'
import {
  FRAME_MAX_BYTES,
  FRAME_MAX_EVENTS,
  TRACE_DATA_MAX_FIELDS,
  TRACE_MESSAGE_MAX_BYTES,
  type Frame,
  type Snapshot
} from '@shared/contract'
import { FRAME_ACK_TIMEOUT_MS, FrameStream } from './frame-stream'
import { TraceLog } from './trace/trace-log'

const snapshot = { tick: 1 } as Snapshot
const event = { source: 'engine', type: 't', level: 'info', message: 'm' } as const

describe('FrameStream', () => {
  it('sends one frame at a time and coalesces until acked', () => {
    const log = new TraceLog()
    const frames: Frame[] = []
    const stream = new FrameStream((f) => frames.push(f), log)
    stream.offer(snapshot, 0)
    log.emit(event)
    stream.offer(snapshot, 10)
    stream.offer(snapshot, 20)
    expect(frames).toHaveLength(1)
    stream.ack(1)
    log.emit(event)
    stream.offer(snapshot, 30)
    expect(frames).toHaveLength(2)
    expect(frames[1]?.seq).toBe(2)
    expect(frames[1]?.events.map((e) => e.id)).toEqual([1, 2])
  })

  it('caps the events per frame and reports the rest as dropped', () => {
    const log = new TraceLog()
    const frames: Frame[] = []
    const stream = new FrameStream((f) => frames.push(f), log)
    stream.offer(snapshot, 0)
    stream.ack(1)
    for (let i = 0; i < FRAME_MAX_EVENTS + 50; i++) log.emit(event)
    stream.offer(snapshot, 1)
    expect(frames[1]?.events).toHaveLength(FRAME_MAX_EVENTS)
    expect(frames[1]?.dropped).toBe(50)
  })

  it('sends again after the ack timeout even without an ack', () => {
    const frames: Frame[] = []
    const stream = new FrameStream((f) => frames.push(f), new TraceLog())
    stream.offer(snapshot, 0)
    stream.offer(snapshot, FRAME_ACK_TIMEOUT_MS - 1)
    expect(frames).toHaveLength(1)
    stream.offer(snapshot, FRAME_ACK_TIMEOUT_MS)
    expect(frames).toHaveLength(2)
  })

  it("keeps a new subscriber's first frame under FRAME_MAX_BYTES, dropping the oldest events", () => {
    // 1,000 events of the largest size the trace keeps: far more history than fits a frame.
    const data: Record<string, string> = {}
    for (let i = 0; i < TRACE_DATA_MAX_FIELDS; i++)
      data[`${i}`.padEnd(1_000, 'k')] = 'v'.repeat(1_000)
    const log = new TraceLog()
    for (let i = 0; i < 1_000; i++) {
      log.emit({ ...event, message: 'z'.repeat(TRACE_MESSAGE_MAX_BYTES * 4), data })
    }
    const big = { tick: 1, filler: 'f'.repeat(1024 * 1024) } as unknown as Snapshot
    const frames: Frame[] = []
    new FrameStream((f) => frames.push(f), log).offer(big, 0)
    const first = frames[0]
    expect(first).toBeDefined()
    if (!first) return
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThanOrEqual(FRAME_MAX_BYTES)
    expect(first.events.length).toBeGreaterThan(0)
    expect(first.events.length).toBeLessThan(FRAME_MAX_EVENTS)
    expect(first.events.at(-1)?.id).toBe(1_000) // the newest kept, the oldest dropped
    expect(first.dropped).toBe(FRAME_MAX_EVENTS - first.events.length)
  })
})
