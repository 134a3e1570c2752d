import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AnyOrder, DeadlineOrder, FifoOrder, LifoOrder, PriorityOrder } from './constants'
import { ConsumerQueue, type QueueEntry } from './consumer-queue'

const entry = (
  seq: number,
  priority = 0,
  deadlineMs: number | null = null,
  startMs: number | null = null
): QueueEntry => ({ seq, priority, deadlineMs, startMs })

const seqs = (entries: readonly QueueEntry[]): number[] => entries.map((e) => e.seq)

describe('ConsumerQueue ordering', () => {
  it('FifoOrder and AnyOrder keep arrival order', () => {
    for (const orderPolicy of [AnyOrder, FifoOrder]) {
      const q = new ConsumerQueue<QueueEntry>()
      for (const [seq, p] of [
        [1, 1],
        [2, 5],
        [3, 3]
      ] as const) {
        q.offer(entry(seq, p), { maxEvents: 0, orderPolicy, discardPolicy: AnyOrder })
      }
      expect(seqs(q.entries())).toEqual([1, 2, 3])
    }
  })

  it('PriorityOrder: highest first, FIFO among equals', () => {
    const q = new ConsumerQueue<QueueEntry>()
    const policy = { maxEvents: 0, orderPolicy: PriorityOrder, discardPolicy: AnyOrder }
    for (const [seq, p] of [
      [1, 1],
      [2, 5],
      [3, 3],
      [4, 5],
      [5, 1]
    ] as const)
      q.offer(entry(seq, p), policy)
    expect(seqs(q.entries())).toEqual([2, 4, 3, 1, 5])
  })

  it('DeadlineOrder: soonest deadline first, no deadline last, FIFO among equals', () => {
    const q = new ConsumerQueue<QueueEntry>()
    const policy = { maxEvents: 0, orderPolicy: DeadlineOrder, discardPolicy: AnyOrder }
    q.offer(entry(1, 0, null), policy)
    q.offer(entry(2, 0, 500), policy)
    q.offer(entry(3, 0, 100), policy)
    q.offer(entry(4, 0, 500), policy)
    q.offer(entry(5, 0, null), policy)
    expect(seqs(q.entries())).toEqual([3, 2, 4, 1, 5])
  })
})

describe('ConsumerQueue overflow (digest §3.5)', () => {
  const fill = (discardPolicy: number): ConsumerQueue<QueueEntry> => {
    const q = new ConsumerQueue<QueueEntry>()
    const policy = { maxEvents: 3, orderPolicy: FifoOrder, discardPolicy }
    q.offer(entry(1, 5, 300), policy)
    q.offer(entry(2, 1, 100), policy)
    q.offer(entry(3, 3, null), policy)
    return q
  }

  it('AnyOrder and FifoOrder drop the oldest', () => {
    for (const discardPolicy of [AnyOrder, FifoOrder]) {
      const q = fill(discardPolicy)
      const r = q.offer(entry(4, 9), { maxEvents: 3, orderPolicy: FifoOrder, discardPolicy })
      expect(r.accepted).toBe(true)
      expect(seqs(r.discarded)).toEqual([1])
      expect(seqs(q.entries())).toEqual([2, 3, 4])
    }
  })

  it('LifoOrder refuses the incoming event', () => {
    const q = fill(LifoOrder)
    const r = q.offer(entry(4, 9), {
      maxEvents: 3,
      orderPolicy: FifoOrder,
      discardPolicy: LifoOrder
    })
    expect(r).toEqual({ accepted: false, discarded: [entry(4, 9)], limits: ['events'] })
    expect(seqs(q.entries())).toEqual([1, 2, 3])
  })

  it('PriorityOrder drops the lowest queued priority, or the incoming one when it is not higher', () => {
    const policy = { maxEvents: 3, orderPolicy: FifoOrder, discardPolicy: PriorityOrder }
    const q = fill(PriorityOrder)
    expect(seqs(q.offer(entry(4, 2), policy).discarded)).toEqual([2])
    expect(q.offer(entry(5, 2), policy)).toMatchObject({ accepted: false })
    expect(seqs(q.entries())).toEqual([1, 3, 4])
  })

  it('DeadlineOrder drops the soonest deadline (the incoming one when it is soonest)', () => {
    const policy = { maxEvents: 3, orderPolicy: FifoOrder, discardPolicy: DeadlineOrder }
    const q = fill(DeadlineOrder)
    expect(seqs(q.offer(entry(4, 0, 200), policy).discarded)).toEqual([2])
    expect(q.offer(entry(5, 0, 50), policy)).toMatchObject({ accepted: false })
    expect(seqs(q.entries())).toEqual([1, 3, 4])
  })

  it('lowering the limit below the length discards several victims at once', () => {
    const q = fill(FifoOrder)
    const r = q.offer(entry(4), { maxEvents: 1, orderPolicy: FifoOrder, discardPolicy: FifoOrder })
    expect(seqs(r.discarded)).toEqual([1, 2, 3])
    expect(seqs(q.entries())).toEqual([4])
  })

  it('MaxEventsPerConsumer 0 is bounded by the hard limit', () => {
    const q = new ConsumerQueue<QueueEntry>(2)
    const policy = { maxEvents: 0, orderPolicy: FifoOrder, discardPolicy: FifoOrder }
    for (let i = 1; i <= 5; i++) q.offer(entry(i), policy)
    expect(seqs(q.entries())).toEqual([4, 5])
    expect(q.capacity(policy)).toBe(2)
    expect(q.capacity({ ...policy, maxEvents: 10 })).toBe(2)
  })
})

describe('ConsumerQueue dequeue', () => {
  it('skips and reports expired events, holds events whose start time is in the future', () => {
    const q = new ConsumerQueue<QueueEntry>()
    const policy = { maxEvents: 0, orderPolicy: FifoOrder, discardPolicy: AnyOrder }
    q.offer(entry(1, 0, 100), policy)
    q.offer(entry(2, 0, null, 500), policy)
    q.offer(entry(3), policy)
    q.offer(entry(4, 0, 1_000), policy)
    expect(q.deliverableCount(200)).toBe(2)
    expect(q.nextWakeMs(200)).toBe(500)
    const { events, expired } = q.take(200, 10)
    expect(seqs(expired)).toEqual([1])
    expect(seqs(events)).toEqual([3, 4])
    expect(seqs(q.take(499, 10).events)).toEqual([])
    expect(seqs(q.take(500, 10).events)).toEqual([2])
    expect(q.length).toBe(0)
  })
})

describe('ConsumerQueue property: bounded, victims chosen by the DiscardPolicy', () => {
  const eventArb = fc.record({
    priority: fc.integer({ min: -3, max: 3 }),
    deadlineMs: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null })
  })

  it('never exceeds its limit and always discards what the policy defines', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(AnyOrder, FifoOrder, PriorityOrder, DeadlineOrder, LifoOrder),
        fc.constantFrom(AnyOrder, FifoOrder, PriorityOrder, DeadlineOrder),
        (events, limit, discardPolicy, orderPolicy) => {
          const q = new ConsumerQueue<QueueEntry>()
          const policy = { maxEvents: limit, orderPolicy, discardPolicy }
          const key = (e: QueueEntry): number => e.deadlineMs ?? Number.POSITIVE_INFINITY
          events.forEach((e, i) => {
            const incoming = entry(i + 1, e.priority, e.deadlineMs)
            const before = [...q.entries()]
            const result = q.offer(incoming, policy)
            const after = q.entries()
            expect(after.length).toBeLessThanOrEqual(limit)
            if (before.length < limit) {
              expect(result).toEqual({ accepted: true, discarded: [], limits: [] })
            } else {
              expect(result.discarded).toHaveLength(1)
              const victim = result.discarded[0] as QueueEntry
              expect(result.accepted).toBe(victim !== incoming)
              if (discardPolicy === LifoOrder) {
                expect(victim).toBe(incoming)
              } else if (discardPolicy === PriorityOrder) {
                const lowest = Math.min(...before.map((b) => b.priority))
                if (lowest >= incoming.priority) expect(victim).toBe(incoming)
                else {
                  expect(victim.priority).toBe(lowest)
                  const newest = Math.max(
                    ...before.filter((b) => b.priority === lowest).map((b) => b.seq)
                  )
                  expect(victim.seq).toBe(newest)
                }
              } else if (discardPolicy === DeadlineOrder) {
                const soonest = Math.min(...before.map(key))
                if (key(incoming) < soonest) expect(victim).toBe(incoming)
                else {
                  expect(key(victim)).toBe(soonest)
                  const oldest = Math.min(
                    ...before.filter((b) => key(b) === soonest).map((b) => b.seq)
                  )
                  expect(victim.seq).toBe(oldest)
                }
              } else {
                expect(victim.seq).toBe(Math.min(...before.map((b) => b.seq)))
              }
              const expected = [...before, incoming].filter((x) => x !== victim).map((x) => x.seq)
              expect(seqs(after).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b))
            }
            // queue order follows the OrderPolicy (FIFO among equals)
            for (let k = 1; k < after.length; k++) {
              const prev = after[k - 1] as QueueEntry
              const cur = after[k] as QueueEntry
              if (orderPolicy === PriorityOrder) {
                expect(
                  prev.priority > cur.priority ||
                    (prev.priority === cur.priority && prev.seq < cur.seq)
                ).toBe(true)
              } else if (orderPolicy === DeadlineOrder) {
                expect(key(prev) < key(cur) || (key(prev) === key(cur) && prev.seq < cur.seq)).toBe(
                  true
                )
              } else {
                expect(prev.seq).toBeLessThan(cur.seq)
              }
            }
          })
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('ConsumerQueue byte budget (hardening, issue 13)', () => {
  const sized = (seq: number, bytes: number, priority = 0): QueueEntry => ({
    seq,
    priority,
    deadlineMs: null,
    startMs: null,
    bytes
  })

  it('FifoOrder drops the oldest until the incoming event fits, and says the bytes did it', () => {
    const q = new ConsumerQueue<QueueEntry>(1_000, 100)
    const policy = { maxEvents: 0, orderPolicy: FifoOrder, discardPolicy: FifoOrder }
    for (let seq = 1; seq <= 4; seq++) q.offer(sized(seq, 25), policy)
    expect(q.bytes).toBe(100)
    const result = q.offer(sized(5, 60), policy)
    expect(result.accepted).toBe(true)
    expect(seqs(result.discarded)).toEqual([1, 2, 3])
    expect(result.limits).toEqual(['bytes', 'bytes', 'bytes'])
    expect(seqs(q.entries())).toEqual([4, 5])
    expect(q.bytes).toBe(85)
  })

  it('LifoOrder refuses the incoming event; PriorityOrder drops the lowest priority', () => {
    const lifo = new ConsumerQueue<QueueEntry>(1_000, 50)
    const lp = { maxEvents: 0, orderPolicy: FifoOrder, discardPolicy: LifoOrder }
    lifo.offer(sized(1, 30), lp)
    const refused = lifo.offer(sized(2, 30), lp)
    expect(refused).toMatchObject({ accepted: false, limits: ['bytes'] })
    expect(seqs(lifo.entries())).toEqual([1])

    const prio = new ConsumerQueue<QueueEntry>(1_000, 50)
    const pp = { maxEvents: 0, orderPolicy: PriorityOrder, discardPolicy: PriorityOrder }
    prio.offer(sized(1, 20, 5), pp)
    prio.offer(sized(2, 20, 1), pp)
    const r = prio.offer(sized(3, 20, 3), pp)
    expect(seqs(r.discarded)).toEqual([2])
    expect(seqs(prio.entries())).toEqual([1, 3])
  })

  it('an event larger than the whole budget is dropped without emptying the queue', () => {
    const q = new ConsumerQueue<QueueEntry>(1_000, 100)
    const policy = { maxEvents: 0, orderPolicy: FifoOrder, discardPolicy: FifoOrder }
    q.offer(sized(1, 40), policy)
    const r = q.offer(sized(2, 101), policy)
    expect(r.accepted).toBe(false)
    expect(seqs(q.entries())).toEqual([1])
  })

  it('the byte count follows takes, removals, expiry and clear', () => {
    const q = new ConsumerQueue<QueueEntry>(1_000, 1_000)
    const policy = { maxEvents: 0, orderPolicy: FifoOrder, discardPolicy: FifoOrder }
    q.offer(sized(1, 10), policy)
    q.offer(sized(2, 20), policy)
    q.offer({ ...sized(3, 40), deadlineMs: 5 }, policy)
    q.offer(sized(4, 80), policy)
    q.remove(2)
    expect(q.bytes).toBe(130)
    q.take(10, 1) // expires 3, takes 1
    expect(q.bytes).toBe(80)
    q.clear()
    expect(q.bytes).toBe(0)
  })
})
