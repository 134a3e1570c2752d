import { describe, expect, it } from 'vitest'
import { ClientType, InterFilterGroupOperator } from './constants'
import { EventChannel } from './event-channel'
import type { EventStore } from './event-store'
import { ManualClock } from './manual-clock'
import { NotifyErrorCode } from './notify-error'
import { codeOf, flush, manualSetup, structured } from './test-support'

describe('EventChannel', () => {
  it('a destroyed default admin is recreated lazily with id 0 (JacORB)', () => {
    const { channel } = manualSetup()
    const first = channel.default_consumer_admin
    first.destroy()
    expect(codeOf(() => first.obtain_push_supplier())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    const again = channel.default_consumer_admin
    expect(again).not.toBe(first)
    expect(again.MyID).toBe(0)
    expect(channel.get_all_consumeradmins()).toEqual([0])
  })

  it('admin destroy disconnects its proxies and calls their clients back', () => {
    const { channel } = manualSetup()
    const admin = channel.new_for_suppliers(InterFilterGroupOperator.OR_OP)
    let calls = 0
    admin.obtain_push_consumer().connect_push_supplier({ disconnect_push_supplier: () => calls++ })
    admin.destroy()
    expect(calls).toBe(1)
    expect(codeOf(() => admin.destroy())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
  })

  it('MaxQueueLength counts every per-consumer entry (TAO)', () => {
    const { channel } = manualSetup()
    const s = channel.for_suppliers().obtain_push_consumer()
    s.connect_push_supplier(null)
    for (let i = 0; i < 3; i++)
      channel.for_consumers().obtain_pull_supplier().connect_pull_consumer(null)
    s.push(1)
    expect(channel.toInfo().queued).toBe(3)
  })

  it('channel-wide discard picks the victim over all queues with the channel DiscardPolicy', () => {
    const { channel } = manualSetup(
      [
        { name: 'DiscardPolicy', value: 2 },
        { name: 'OrderPolicy', value: 1 }
      ],
      [{ name: 'MaxQueueLength', value: 2 }]
    )
    const s = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    s.connect_structured_push_supplier(null)
    const a = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    a.connect_structured_pull_consumer(null)
    s.push_structured_event(structured('low', 1))
    const b = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    b.connect_structured_pull_consumer(null)
    s.push_structured_event(structured('high', 9))
    // a: [low, high], b: [high] → 3 > 2: the lowest priority anywhere (a's "low") goes
    expect(channel.toInfo().queued).toBe(2)
    expect(a.toInfo().counters.discardedBy).toEqual({ PriorityOrder: 1 })
    const first = a.try_pull_structured_event()
    expect(first.has_event && first.event.header.fixed_header.event_name).toBe('high')
  })

  it('a throwing listener is reported through `error` and does not break delivery', async () => {
    const { channel } = manualSetup()
    const errors: string[] = []
    channel.on('error', (e) => errors.push(e.message))
    channel.on('error', () => {
      throw new Error('the error listener itself fails')
    })
    channel.on('eventReceived', () => {
      throw new Error('observer bug')
    })
    const s = channel.for_suppliers().obtain_push_consumer()
    s.connect_push_supplier(null)
    const got: unknown[] = []
    channel
      .for_consumers()
      .obtain_push_supplier()
      .connect_push_consumer({ push: (d) => got.push(d) })
    s.push('ok')
    await flush()
    expect(got).toEqual(['ok'])
    expect(errors).toEqual(['observer bug'])
  })

  it('event store calls mirror the queue and store failures surface as `error`', async () => {
    const log: string[] = []
    const store: EventStore = {
      append: (c, e) => void log.push(`append ${c} ${e.seq}`),
      ack: (c, seq) => void log.push(`ack ${c} ${seq}`),
      remove: (c, seq, why) => void log.push(`remove ${c} ${seq} ${why}`),
      load: () => [],
      dropConsumer: () => Promise.reject(new Error('store down')),
      close: () => Promise.resolve()
    }
    const channel = new EventChannel(7, [{ name: 'MaxEventsPerConsumer', value: 1 }], [], {
      clock: new ManualClock(),
      bestEffortStore: store
    })
    const errors: string[] = []
    channel.on('error', (e) => errors.push(e.message))
    const s = channel.for_suppliers().obtain_push_consumer()
    s.connect_push_supplier(null)
    const pull = channel.for_consumers().obtain_pull_supplier()
    pull.connect_pull_consumer(null)
    s.push(1)
    s.push(2)
    pull.try_pull()
    s.push(3)
    pull.disconnect_pull_supplier()
    await flush()
    expect(log).toEqual([
      'append 7/0/0 1',
      'remove 7/0/0 1 discarded',
      'append 7/0/0 2',
      'ack 7/0/0 2',
      'append 7/0/0 3',
      'remove 7/0/0 3 destroyed'
    ])
    expect(errors).toEqual(['store down'])
  })

  it('destroy releases every timer (poll, pacing, retry, expiry)', async () => {
    const { channel, clock } = manualSetup([{ name: 'PacingInterval', value: 10_000_000 }])
    channel
      .for_suppliers()
      .obtain_pull_consumer()
      .connect_pull_supplier({ try_pull: () => ({ has_event: false }) })
    const seqIn = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    seqIn.connect_structured_push_supplier(null)
    const seq = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.SEQUENCE_EVENT
    )
    seq.set_qos([{ name: 'MaximumBatchSize', value: 5 }])
    seq.connect_sequence_push_consumer({ push_structured_events: () => undefined })
    const failing = channel.for_consumers().obtain_push_supplier()
    failing.connect_push_consumer({
      push: () => {
        throw new Error('transient')
      }
    })
    seqIn.push_structured_event({
      ...structured('x'),
      header: {
        ...structured('x').header,
        variable_header: [{ name: 'Timeout', value: 1_000_000_000 }]
      }
    })
    await clock.advance(0)
    expect(clock.pendingTimers).toBeGreaterThan(2)
    channel.destroy()
    expect(clock.pendingTimers).toBe(0)
  })

  it('stand-alone channels validate their initial properties too', () => {
    expect(codeOf(() => new EventChannel(1, [{ name: 'Priority', value: 'x' }]))).toBe(
      NotifyErrorCode.UNSUPPORTED_QOS
    )
    expect(codeOf(() => new EventChannel(1, [], [{ name: 'MaxConsumers', value: -2 }]))).toBe(
      NotifyErrorCode.UNSUPPORTED_ADMIN
    )
  })
})
