import { describe, expect, it } from 'vitest'
import {
  encodeBatchHeader,
  encodeBatchReplyHeader,
  isBatchHeader,
  parseBatchReply,
  parseBatchRequest,
  pickEntries
} from './protocol-batch'

function entries(pairs: [number, number][]): Buffer {
  const b = Buffer.alloc(pairs.length * 8)
  pairs.forEach(([e, a], i) => {
    b.writeUInt32LE(e, i * 8)
    b.writeUInt32LE(a, i * 8 + 4)
  })
  return b
}

const header = Buffer.from(
  encodeBatchHeader({
    lab: 'lab1',
    semantics: 'exactly-once-atomic',
    sentAt: 1,
    ms: 0,
    ttlMs: 1000
  })
)

describe('protocol v2 (pipelined batches)', () => {
  it('parses what the dispatcher sends and tells v2 from v1 by the first frame', () => {
    const parsed = parseBatchRequest([header, entries([[5, 1]])], 'lab1')
    expect(parsed.ok && parsed.value.header).toMatchObject({ v: 2, lab: 'lab1', ttlMs: 1000 })
    expect(isBatchHeader(header)).toBe(true)
    expect(isBatchHeader(Buffer.from('{"v":1,"lab":"x"}'))).toBe(false)
  })

  it('rejects wrong frame counts, ragged or empty epochs frames, other labs and versions', () => {
    const reason = (frames: Buffer[], lab = 'lab1'): string | null => {
      const p = parseBatchRequest(frames, lab)
      return p.ok ? null : p.reason
    }
    expect(reason([header])).toBe('frame-count')
    expect(reason([header, Buffer.alloc(7)])).toBe('shape')
    expect(reason([header, Buffer.alloc(0)])).toBe('shape')
    expect(reason([header, Buffer.alloc(8 * 1_025)])).toBe('shape')
    expect(reason([header, entries([[1, 1]])], 'other')).toBe('lab')
    expect(reason([Buffer.from('{"v":3,"lab":"lab1"}'), entries([[1, 1]])])).toBe('version')
    expect(reason([Buffer.from('not json'), entries([[1, 1]])])).toBe('bad-json')
  })

  it('reads a reply entry by entry, and refuses an unknown status code without reading any', () => {
    const seen: string[] = []
    const ok = parseBatchReply(
      Buffer.from(encodeBatchReplyHeader('w1')),
      entries([
        [3, 0],
        [4, 1]
      ]),
      (epoch, status, worker) => seen.push(`${epoch}:${status}:${worker}`)
    )
    expect(ok).toEqual({ ok: true, value: 'w1' })
    expect(seen).toEqual(['3:done:w1', '4:duplicate:w1'])
    const bad = parseBatchReply(
      Buffer.from(encodeBatchReplyHeader('w1')),
      entries([
        [3, 0],
        [4, 9]
      ]),
      () => seen.push('called')
    )
    expect(bad.ok).toBe(false)
    expect(seen).toHaveLength(2)
    expect(parseBatchReply(Buffer.from('{"v":2}'), entries([[1, 0]]), () => undefined).ok).toBe(
      false
    )
  })

  it('picks entries into a new frame', () => {
    const all = entries([
      [1, 1],
      [2, 1],
      [3, 2]
    ])
    expect(pickEntries(all, [2, 0])).toEqual(
      entries([
        [3, 2],
        [1, 1]
      ])
    )
  })
})
