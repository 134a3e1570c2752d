import { describe, expect, it } from 'vitest'
import {
  encodeHeader,
  encodeReply,
  parseReply,
  parseRequest,
  peekEpoch,
  WORK_FRAME_MAX_BYTES,
  WORKER_ID_MAX_CHARS
} from './protocol'

const buf = (s: string): Buffer => Buffer.from(s)

describe('wire protocol v1', () => {
  it('round-trips a request header and reads its epoch without parsing', () => {
    const header = encodeHeader('lab-1', 42, 3, 'exactly-once-naive', 1_700_000_000_000)
    expect(JSON.parse(header)).toEqual({
      v: 1,
      lab: 'lab-1',
      epoch: 42,
      attempt: 3,
      semantics: 'exactly-once-naive',
      sentAt: 1_700_000_000_000
    })
    expect(peekEpoch(buf(header))).toBe(42)
    expect(peekEpoch(buf('{"v":1}'))).toBe(-1)
    expect(peekEpoch(undefined)).toBe(-1)
    const parsed = parseRequest([buf(header), buf('{"op":"work","ms":5,"ttlMs":1000}')], 'lab-1')
    expect(parsed).toMatchObject({
      ok: true,
      value: { header: { epoch: 42 }, workload: { ms: 5, ttlMs: 1000 } }
    })
  })

  it('parses a repeated request on the fast path exactly as on the strict path', () => {
    const work = buf('{"op":"work","ms":0,"ttlMs":60000}')
    const first = parseRequest([buf(encodeHeader('lab-1', 1, 1, 'at-least-once', 5)), work])
    const header = encodeHeader('lab-1', 123_456, 2, 'exactly-once-atomic', 1_700_000_000_000)
    const again = parseRequest([buf(header), buf('{"op":"work","ms":0,"ttlMs":60000}')])
    expect(again).toEqual({
      ok: true,
      value: { header: JSON.parse(header), workload: { op: 'work', ms: 0, ttlMs: 60_000 } }
    })
    expect(first).toMatchObject({ ok: true })
    // With the workload cached, anything unusual in the header still takes the strict path.
    expect(parseRequest([buf(header), work], 'other')).toMatchObject({ ok: false, reason: 'lab' })
    const zero = header.replace('"attempt":2', '"attempt":0')
    expect(parseRequest([buf(zero), work])).toMatchObject({ ok: false, reason: 'shape' })
    const odd = header.replace('exactly-once-atomic', 'sometimes')
    expect(parseRequest([buf(odd), work])).toMatchObject({ ok: false, reason: 'shape' })
    const v2 = header.replace('"v":1', '"v":2')
    expect(parseRequest([buf(v2), work])).toMatchObject({ ok: false, reason: 'version' })
    const spaced = JSON.stringify(JSON.parse(header), null, 1)
    expect(parseRequest([buf(spaced), work])).toEqual(again)
  })

  it('rejects malformed requests with a reason', () => {
    const header = encodeHeader('lab-1', 1, 1, 'at-most-once', 0)
    const work = buf('{"op":"work","ms":0}')
    expect(parseRequest([buf(header)])).toMatchObject({ ok: false, reason: 'frame-count' })
    expect(parseRequest([buf('nope'), work])).toMatchObject({ ok: false, reason: 'bad-json' })
    expect(parseRequest([buf(header.replace('"v":1', '"v":2')), work])).toMatchObject({
      ok: false,
      reason: 'version'
    })
    expect(parseRequest([buf(header), work], 'other')).toMatchObject({ ok: false, reason: 'lab' })
    expect(parseRequest([buf(header.replace('"attempt":1', '"attempt":0')), work])).toMatchObject({
      ok: false,
      reason: 'shape'
    })
    expect(parseRequest([buf(header.replace('at-most-once', 'sometimes')), work])).toMatchObject({
      ok: false,
      reason: 'shape'
    })
  })

  it('parses replies on the fast path and the strict path alike', () => {
    const fast = parseReply(buf(encodeReply(7, 'w1', 'done')), 'lab')
    expect(fast).toEqual({ ok: true, value: { epoch: 7, worker: 'w1', status: 'done' } })
    // Python's json.dumps spacing takes the strict path.
    const slow = parseReply(
      buf('{"v": 1, "epoch": 7, "worker": "py", "status": "duplicate"}'),
      'lab'
    )
    expect(slow).toEqual({ ok: true, value: { epoch: 7, worker: 'py', status: 'duplicate' } })
    const escaped = parseReply(buf(encodeReply(8, 'w"q', 'done')), 'lab')
    expect(escaped).toEqual({ ok: true, value: { epoch: 8, worker: 'w"q', status: 'done' } })
    expect(parseReply(buf(encodeReply(9, 'w1', 'failed', 'redis down')), 'lab')).toMatchObject({
      ok: true,
      value: { status: 'failed' }
    })
  })

  it('rejects malformed replies with a reason', () => {
    expect(parseReply(buf('not json'), 'lab')).toMatchObject({ ok: false, reason: 'bad-json' })
    expect(parseReply(buf('[1]'), 'lab')).toMatchObject({ ok: false, reason: 'bad-json' })
    expect(parseReply(buf('{"v":2,"epoch":1,"worker":"w","status":"done"}'), 'lab')).toMatchObject({
      ok: false,
      reason: 'version'
    })
    expect(
      parseReply(buf('{"v":1,"lab":"x","epoch":1,"worker":"w","status":"done"}'), 'lab')
    ).toMatchObject({ ok: false, reason: 'lab' })
    expect(parseReply(buf('{"v":1,"epoch":1,"worker":"w","status":"maybe"}'), 'lab')).toMatchObject(
      { ok: false, reason: 'shape' }
    )
    expect(
      parseReply(buf('{"v":1,"epoch":1.5,"worker":"w","status":"done"}'), 'lab')
    ).toMatchObject({ ok: false, reason: 'shape' })
    expect(
      parseReply(buf('{"v":1,"epoch":1,"worker":"w","status":"done"}trailing'), 'lab')
    ).toMatchObject({ ok: false, reason: 'bad-json' })
  })

  it('holds replies and requests to the documented limits on the fast path too', () => {
    const longest = 'w'.repeat(WORKER_ID_MAX_CHARS)
    expect(parseReply(buf(encodeReply(1, longest, 'done')), 'lab')).toMatchObject({ ok: true })
    for (const id of ['w'.repeat(WORKER_ID_MAX_CHARS + 1), 'w'.repeat(60_000)]) {
      // encodeReply writes exactly the shape the fast path reads.
      expect(parseReply(buf(encodeReply(1, id, 'done')), 'lab')).toMatchObject({
        ok: false,
        reason: 'worker-id'
      })
    }
    const huge = buf(encodeReply(1, 'w1', 'failed', 'e'.repeat(WORK_FRAME_MAX_BYTES)))
    expect(parseReply(huge, 'lab')).toMatchObject({ ok: false, reason: 'oversize' })
    const header = buf(encodeHeader('lab-1', 1, 1, 'at-most-once', 0))
    const work = Buffer.alloc(WORK_FRAME_MAX_BYTES + 1, ' ')
    expect(parseRequest([header, work])).toMatchObject({ ok: false, reason: 'oversize' })
  })
})
