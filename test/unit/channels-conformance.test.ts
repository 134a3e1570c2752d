/**
 * Conformance of the in-process channel model with the digest's §5.3 test checklist
 * (shared/reference/notification-service.md). One test per checklist point (several for the
 * bigger ones). Points 24, 25, 26 (constraint side), 29 and 32 concern the constraint language and
 * filter objects, which are tested with the colleague's filter implementation; the points about
 * filters attached to admins/proxies (27, 28, 30, 31) are here with hand-written stub filters.
 */
import { describe, expect, it } from 'vitest'
import type {
  ChannelEvent,
  EventType,
  JsonValue,
  StructuredEvent
} from '../../src/main/engine/channels/event'
import type {
  FilterLike,
  MappingFilterLike
} from '../../src/main/engine/channels/filter/filter-like'
import {
  ALL_TYPES,
  ClientType,
  DeadlineOrder,
  EventChannel,
  EventChannelFactory,
  type EventChannelFactoryOptions,
  FifoOrder,
  InMemoryEventStore,
  InterFilterGroupOperator,
  LifoOrder,
  ManualClock,
  NotifyErrorCode,
  ObtainInfoMode,
  Persistent,
  PriorityOrder,
  ProxyType,
  QoSErrorCode,
  type PushConsumer,
  type StructuredPushConsumer,
  type SequencePushConsumer,
  type TryPullResult,
  msToTimeT,
  unixMsToUtcT
} from '../../src/main/engine/channels/model'
import { EventTypeSet } from '../../src/main/engine/channels/model/event-type-set'

// ---- helpers --------------------------------------------------------------------------------

/** Lets every pending promise continuation run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function setup(
  qos: { name: string; value: JsonValue }[] = [],
  admin: { name: string; value: JsonValue }[] = [],
  opts: EventChannelFactoryOptions = {}
): { clock: ManualClock; factory: EventChannelFactory; channel: EventChannel } {
  const clock = new ManualClock()
  const factory = new EventChannelFactory({ clock, ...opts })
  return { clock, factory, channel: factory.create_channel(qos, admin) }
}

/** The code of the NotifyError thrown by `fn` (fails the test when nothing is thrown). */
function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return String((err as { code?: unknown }).code)
  }
  throw new Error('expected an exception')
}

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return String((err as { code?: unknown }).code)
  }
  throw new Error('expected a rejection')
}

interface AnyRecorder extends PushConsumer {
  received: JsonValue[]
  disconnects: number
  offers: { added: EventType[]; removed: EventType[] }[]
}

function anyConsumer(onPush?: (data: JsonValue) => void): AnyRecorder {
  const rec: AnyRecorder = {
    received: [],
    disconnects: 0,
    offers: [],
    push(data: JsonValue): void {
      onPush?.(data)
      rec.received.push(data)
    },
    disconnect_push_consumer(): void {
      rec.disconnects++
    },
    offer_change(added: EventType[], removed: EventType[]): void {
      rec.offers.push({ added, removed })
    }
  }
  return rec
}

interface StructuredRecorder extends StructuredPushConsumer {
  received: StructuredEvent[]
}

function structuredConsumer(): StructuredRecorder {
  const rec: StructuredRecorder = {
    received: [],
    push_structured_event(event: StructuredEvent): void {
      rec.received.push(event)
    }
  }
  return rec
}

interface SequenceRecorder extends SequencePushConsumer {
  batches: StructuredEvent[][]
}

function sequenceConsumer(): SequenceRecorder {
  const rec: SequenceRecorder = {
    batches: [],
    push_structured_events(events: StructuredEvent[]): void {
      rec.batches.push(events)
    }
  }
  return rec
}

function ev(
  name: string,
  opts: {
    type?: string
    domain?: string
    priority?: number
    timeout?: number
    startTime?: JsonValue
    stopTime?: JsonValue
    data?: Record<string, JsonValue>
  } = {}
): StructuredEvent {
  const variable_header: { name: string; value: JsonValue }[] = []
  if (opts.priority !== undefined) variable_header.push({ name: 'Priority', value: opts.priority })
  if (opts.timeout !== undefined) variable_header.push({ name: 'Timeout', value: opts.timeout })
  if (opts.startTime !== undefined)
    variable_header.push({ name: 'StartTime', value: opts.startTime })
  if (opts.stopTime !== undefined) variable_header.push({ name: 'StopTime', value: opts.stopTime })
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: opts.domain ?? 'Lab', type_name: opts.type ?? 'Tick' },
        event_name: name
      },
      variable_header
    },
    filterable_data: Object.entries(opts.data ?? {}).map(([n, value]) => ({ name: n, value })),
    remainder_of_body: null
  }
}

const names = (events: StructuredEvent[]): string[] =>
  events.map((e) => e.header.fixed_header.event_name)

let nextFilterId = 1
function stubFilter(match: (event: ChannelEvent) => boolean): FilterLike {
  return { id: nextFilterId++, match }
}
const nameIs =
  (...wanted: string[]) =>
  (event: ChannelEvent): boolean =>
    event.kind === 'structured' && wanted.includes(event.event.header.fixed_header.event_name)

function mappingFilter(
  rules: { when: (e: ChannelEvent) => boolean; value: JsonValue }[],
  defaultValue: JsonValue
): MappingFilterLike {
  return {
    id: nextFilterId++,
    match(event: ChannelEvent): { matched: boolean; value: JsonValue } {
      const rule = rules.find((r) => r.when(event))
      return rule === undefined
        ? { matched: false, value: defaultValue }
        : { matched: true, value: rule.value }
    }
  }
}

/** A structured supplier proxy + consumer on the default admins, the consumer suspended. */
function suspendedPair(channel: EventChannel): {
  push: (e: StructuredEvent) => void
  consumer: StructuredRecorder
  proxy: ReturnType<typeof channel.default_consumer_admin.obtain_notification_push_supplier>
} {
  const ppc = channel.default_supplier_admin.obtain_notification_push_consumer(
    ClientType.STRUCTURED_EVENT
  )
  ppc.connect_structured_push_supplier(null)
  const pps = channel.default_consumer_admin.obtain_notification_push_supplier(
    ClientType.STRUCTURED_EVENT
  )
  const consumer = structuredConsumer()
  pps.connect_structured_push_consumer(consumer)
  pps.suspend_connection()
  return { push: (e) => ppc.push_structured_event(e), consumer, proxy: pps }
}

// ---- CosEvent ---------------------------------------------------------------------------------

describe('§5.3 CosEvent', () => {
  it('#1 second connect → AlreadyConnected; nil push consumer / nil pull supplier → BAD_PARAM; TypeError for a peer without the required method', () => {
    const { channel } = setup()
    const consumers = channel.for_consumers()
    const suppliers = channel.for_suppliers()

    const pushSupplier = consumers.obtain_push_supplier()
    pushSupplier.connect_push_consumer(anyConsumer())
    expect(codeOf(() => pushSupplier.connect_push_consumer(anyConsumer()))).toBe(
      NotifyErrorCode.ALREADY_CONNECTED
    )
    expect(
      codeOf(() => consumers.obtain_push_supplier().connect_push_consumer(null as never))
    ).toBe(NotifyErrorCode.BAD_PARAM)
    expect(codeOf(() => consumers.obtain_push_supplier().connect_push_consumer({} as never))).toBe(
      NotifyErrorCode.TYPE_ERROR
    )

    const pullConsumer = suppliers.obtain_pull_consumer()
    expect(codeOf(() => pullConsumer.connect_pull_supplier(null as never))).toBe(
      NotifyErrorCode.BAD_PARAM
    )
    expect(codeOf(() => pullConsumer.connect_pull_supplier({} as never))).toBe(
      NotifyErrorCode.TYPE_ERROR
    )

    // nil supplier for a push consumer and nil consumer for a pull supplier are legal.
    const pushConsumer = suppliers.obtain_push_consumer()
    pushConsumer.connect_push_supplier(null)
    expect(codeOf(() => pushConsumer.connect_push_supplier(null))).toBe(
      NotifyErrorCode.ALREADY_CONNECTED
    )
    const pullSupplier = consumers.obtain_pull_supplier()
    pullSupplier.connect_pull_consumer(null)
    expect(pullSupplier.isConnected).toBe(true)
    expect(codeOf(() => pullSupplier.connect_pull_consumer(null))).toBe(
      NotifyErrorCode.ALREADY_CONNECTED
    )
  })

  it('#2 push with N push consumers: each gets each event exactly once; unconnected proxies get nothing', async () => {
    const { channel } = setup()
    const supplier = channel.for_suppliers().obtain_push_consumer()
    supplier.connect_push_supplier(null)
    const consumers = [anyConsumer(), anyConsumer(), anyConsumer()]
    for (const c of consumers)
      channel.for_consumers().obtain_push_supplier().connect_push_consumer(c)
    const idle = channel.for_consumers().obtain_push_supplier()
    const idlePull = channel.for_consumers().obtain_pull_supplier()

    for (const n of [1, 2, 3, 4]) supplier.push({ n })
    await flush()

    for (const c of consumers) expect(c.received).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])
    expect(idle.toInfo().queueLength).toBe(0)
    expect(idle.toInfo().counters.received).toBe(0)
    expect(idlePull.toInfo().queueLength).toBe(0)
  })

  it('#3 try_pull on an empty proxy returns has_event FALSE at once; pull blocks until a push; Disconnected when not connected or disconnected while blocked', async () => {
    const { channel } = setup()
    const supplier = channel.for_suppliers().obtain_push_consumer()
    supplier.connect_push_supplier(null)
    const pull = channel.for_consumers().obtain_pull_supplier()
    expect(codeOf(() => pull.try_pull())).toBe(NotifyErrorCode.DISCONNECTED)
    expect(await rejectionCode(pull.pull())).toBe(NotifyErrorCode.DISCONNECTED)
    pull.connect_pull_consumer(null)

    expect(pull.try_pull()).toEqual({ has_event: false })
    let settled = false
    const pending = pull.pull().then((value) => {
      settled = true
      return value
    })
    await flush()
    expect(settled).toBe(false)
    supplier.push('hello')
    expect(await pending).toBe('hello')

    const blocked = rejectionCode(pull.pull())
    pull.disconnect_pull_supplier()
    expect(await blocked).toBe(NotifyErrorCode.DISCONNECTED)
    // Once disconnected the proxy is destroyed: later calls are OBJECT_NOT_EXIST (see #6).
    expect(codeOf(() => pull.try_pull())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
  })

  it('#4 hybrid push/pull buffers events for the pulling consumer', async () => {
    const { channel } = setup()
    const supplier = channel.for_suppliers().obtain_push_consumer()
    supplier.connect_push_supplier(null)
    const pull = channel.for_consumers().obtain_pull_supplier()
    pull.connect_pull_consumer(null)
    supplier.push(1)
    supplier.push(2)
    expect(pull.toInfo().queueLength).toBe(2)
    expect(await pull.pull()).toBe(1)
    expect(pull.try_pull()).toEqual({ has_event: true, event: 2 })
    expect(pull.try_pull().has_event).toBe(false)
  })

  it('#4 hybrid pull/push: the channel polls a pull supplier every poll interval and pushes to consumers', async () => {
    const { clock, channel } = setup([], [], { pollIntervalMs: 500 })
    const source = [10, 20, 30]
    let polls = 0
    const pullSupplier = {
      try_pull(): TryPullResult<JsonValue> {
        polls++
        const next = source.shift()
        return next === undefined ? { has_event: false } : { has_event: true, event: next }
      }
    }
    const consumer = anyConsumer()
    channel.for_consumers().obtain_push_supplier().connect_push_consumer(consumer)
    const proxy = channel.for_suppliers().obtain_pull_consumer()
    proxy.connect_pull_supplier(pullSupplier)
    await clock.advance(0)
    expect(consumer.received).toEqual([10, 20, 30])
    const after = polls
    await clock.advance(499)
    expect(polls).toBe(after)
    await clock.advance(1)
    expect(polls).toBe(after + 1)
    source.push(40)
    await clock.advance(500)
    expect(consumer.received).toEqual([10, 20, 30, 40])
  })

  it('#4 canonical pull: a pull consumer pulls what the channel polled from a pull supplier', async () => {
    const { clock, channel } = setup()
    const proxy = channel.for_suppliers().obtain_pull_consumer()
    const pull = channel.for_consumers().obtain_pull_supplier()
    pull.connect_pull_consumer(null)
    const pending = pull.pull()
    proxy.connect_pull_supplier({ try_pull: () => ({ has_event: true, event: 'polled' }) })
    await clock.advance(0)
    expect(await pending).toBe('polled')
    expect(proxy.MyType).toBe(ProxyType.PULL_ANY)
  })

  it('#5 a consumer whose push raises Disconnected is removed alone; the others keep receiving', async () => {
    const { channel } = setup()
    const supplier = channel.for_suppliers().obtain_push_consumer()
    supplier.connect_push_supplier(null)
    const good = anyConsumer()
    const bad = anyConsumer(() => {
      throw Object.assign(new Error('gone'), { code: NotifyErrorCode.DISCONNECTED })
    })
    channel.for_consumers().obtain_push_supplier().connect_push_consumer(good)
    const badProxy = channel.for_consumers().obtain_push_supplier()
    badProxy.connect_push_consumer(bad)
    supplier.push(1)
    await flush()
    supplier.push(2)
    await flush()
    expect(good.received).toEqual([1, 2])
    expect(badProxy.state).toBe('destroyed')
    expect(bad.disconnects).toBe(1) // channel-initiated disconnect calls the client back
    expect(channel.for_consumers().push_suppliers).toHaveLength(1)
  })

  it('#6 disconnect_* destroys the proxy; later calls → OBJECT_NOT_EXIST; client callback is configurable', () => {
    const calls: string[] = []
    for (const callback of [true, false]) {
      const { channel } = setup([], [], { callbackOnClientDisconnect: callback })
      const proxy = channel.for_suppliers().obtain_push_consumer()
      proxy.connect_push_supplier({ disconnect_push_supplier: () => calls.push(`cb-${callback}`) })
      proxy.disconnect_push_consumer()
      expect(proxy.state).toBe('destroyed')
      expect(codeOf(() => proxy.push(1))).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
      expect(codeOf(() => proxy.disconnect_push_consumer())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
      expect(codeOf(() => proxy.connect_push_supplier(null))).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
      expect(codeOf(() => proxy.get_qos())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    }
    expect(calls).toEqual(['cb-true'])
    // disconnect on a proxy that was never connected: OBJECT_NOT_EXIST (JacORB).
    const { channel } = setup()
    expect(
      codeOf(() => channel.for_consumers().obtain_pull_supplier().disconnect_pull_supplier())
    ).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
  })

  it('#7 destroy() calls every connected client disconnect (errors swallowed), drops queued events, wakes pulls, and everything is unusable afterwards', async () => {
    const { channel, factory } = setup()
    const calls: string[] = []
    const ppc = channel.for_suppliers().obtain_push_consumer()
    ppc.connect_push_supplier({
      disconnect_push_supplier: () => {
        calls.push('push supplier')
        throw new Error('client failure is swallowed')
      }
    })
    const pullConsumerProxy = channel.for_suppliers().obtain_pull_consumer()
    pullConsumerProxy.connect_pull_supplier({
      try_pull: () => ({ has_event: false }),
      disconnect_pull_supplier: () => Promise.reject(new Error('async failure is swallowed too'))
    })
    const pushConsumer = anyConsumer()
    const pps = channel.for_consumers().obtain_push_supplier()
    pps.connect_push_consumer(pushConsumer)
    pps.suspend_connection()
    const pullSupplier = channel.for_consumers().obtain_pull_supplier()
    pullSupplier.connect_pull_consumer({
      disconnect_pull_consumer: () => calls.push('pull consumer')
    })
    const unconnected = channel.for_consumers().obtain_push_supplier()
    ppc.push('queued')
    expect(pps.toInfo().queueLength).toBe(1)
    const blocked = channel.for_consumers().obtain_pull_supplier()
    blocked.connect_pull_consumer(null)
    blocked.try_pull()
    const pending = rejectionCode(blocked.pull())
    const admin = channel.new_for_consumers(InterFilterGroupOperator.OR_OP)

    channel.destroy()
    await flush()

    expect(calls).toEqual(expect.arrayContaining(['push supplier', 'pull consumer']))
    expect(pushConsumer.disconnects).toBe(1)
    expect(pushConsumer.received).toEqual([])
    expect(await pending).toBe(NotifyErrorCode.DISCONNECTED)
    expect(unconnected.state).toBe('destroyed')
    expect(codeOf(() => ppc.push(1))).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(codeOf(() => pps.resume_connection())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(codeOf(() => channel.for_consumers())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(codeOf(() => channel.get_qos())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(codeOf(() => channel.destroy())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(codeOf(() => admin.obtain_push_supplier())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(await rejectionCode(blocked.pull())).toBe(NotifyErrorCode.OBJECT_NOT_EXIST)
    expect(factory.get_all_channels()).toEqual([])
  })

  it("#8 federation A→B (push): A's ProxyPushSupplier feeds B's ProxyPushConsumer; B's consumers get A's events", async () => {
    const { channel: a, factory } = setup()
    const b = factory.create_channel()
    const aIn = a.for_suppliers().obtain_push_consumer()
    aIn.connect_push_supplier(null)
    const link = a.for_consumers().obtain_push_supplier()
    const bIn = b.for_suppliers().obtain_push_consumer()
    bIn.connect_push_supplier(link)
    link.connect_push_consumer(bIn)
    const consumer = anyConsumer()
    b.for_consumers().obtain_push_supplier().connect_push_consumer(consumer)
    aIn.push('over the bridge')
    await flush()
    expect(consumer.received).toEqual(['over the bridge'])
    expect(a.toInfo().federation).toEqual([{ from: link.ref, to: bIn.ref }])
    expect(link.toInfo().peer).toEqual(bIn.ref)
  })

  it("#8 federation A→B (pull): B's ProxyPullConsumer polls A's ProxyPullSupplier", async () => {
    const { channel: a, factory, clock } = setup()
    const b = factory.create_channel()
    const aIn = a.for_suppliers().obtain_push_consumer()
    aIn.connect_push_supplier(null)
    const aOut = a.for_consumers().obtain_pull_supplier()
    const bIn = b.for_suppliers().obtain_pull_consumer()
    aOut.connect_pull_consumer(bIn)
    bIn.connect_pull_supplier(aOut)
    const bOut = b.for_consumers().obtain_pull_supplier()
    bOut.connect_pull_consumer(null)
    aIn.push({ x: 1 })
    await clock.advance(1_000)
    expect(bOut.try_pull()).toEqual({ has_event: true, event: { x: 1 } })
  })

  it('#8 a configured cycle is rejected at connect time (local) and bounded by the hop path (non-local)', async () => {
    const { channel: a, factory } = setup()
    const b = factory.create_channel()
    const ab = a.for_consumers().obtain_push_supplier()
    const bIn = b.for_suppliers().obtain_push_consumer()
    bIn.connect_push_supplier(ab)
    ab.connect_push_consumer(bIn)
    const ba = b.for_consumers().obtain_push_supplier()
    const aIn = a.for_suppliers().obtain_push_consumer()
    expect(codeOf(() => aIn.connect_push_supplier(ba))).toBe(NotifyErrorCode.FEDERATION_CYCLE)
    expect(codeOf(() => ba.connect_push_consumer(aIn))).toBe(NotifyErrorCode.FEDERATION_CYCLE)
    const self = a.for_suppliers().obtain_push_consumer()
    expect(codeOf(() => a.for_consumers().obtain_push_supplier().connect_push_consumer(self))).toBe(
      NotifyErrorCode.FEDERATION_CYCLE
    )

    // A hop this process cannot see (a remote adapter implementing push_routed) hides the cycle
    // B→A at connect time; the events carry their path, so re-entering A drops them.
    aIn.connect_push_supplier(null)
    const remoteHop = {
      push: (): void => {
        throw new Error('push_routed is preferred')
      },
      push_routed: (routed: { event: ChannelEvent; path: readonly string[] }[]): void =>
        aIn.acceptRouted(routed)
    }
    ba.connect_push_consumer(remoteHop)
    const loops: string[] = []
    a.on('eventDiscarded', (n) => loops.push(n.reason))
    const consumerOfA = anyConsumer()
    a.for_consumers().obtain_push_supplier().connect_push_consumer(consumerOfA)
    const start = a.for_suppliers().obtain_push_consumer()
    start.connect_push_supplier(null)
    start.push('once')
    for (let i = 0; i < 5; i++) await flush()
    expect(consumerOfA.received).toEqual(['once'])
    expect(loops).toEqual(['FederationLoop'])
    expect(a.toInfo().counters.discardedBy).toEqual({ FederationLoop: 1 })
    a.destroy()
  })
})

// ---- Notification structure & QoS --------------------------------------------------------------

describe('§5.3 Notification structure & QoS', () => {
  it('#9 create_channel IDs appear in get_all_channels; unknown → ChannelNotFound; destroyed channels disappear', () => {
    const { factory, channel } = setup()
    const second = factory.create_channel()
    expect(factory.get_all_channels()).toEqual([channel.id, second.id])
    expect(factory.get_event_channel(second.id)).toBe(second)
    expect(codeOf(() => factory.get_event_channel(999))).toBe(NotifyErrorCode.CHANNEL_NOT_FOUND)
    second.destroy()
    expect(factory.get_all_channels()).toEqual([channel.id])
    expect(codeOf(() => factory.get_event_channel(second.id))).toBe(
      NotifyErrorCode.CHANNEL_NOT_FOUND
    )
    expect(factory.create_channel().id).toBe(second.id + 1) // ids never reused
  })

  it('#10 admin IDs: default 0, new ones unique, AdminNotFound, MyOperator fixed', () => {
    const { channel } = setup()
    expect(channel.default_consumer_admin.MyID).toBe(0)
    expect(channel.default_supplier_admin.MyID).toBe(0)
    expect(channel.default_consumer_admin.MyOperator).toBe(InterFilterGroupOperator.AND_OP)
    const c1 = channel.new_for_consumers(InterFilterGroupOperator.OR_OP)
    const c2 = channel.new_for_consumers(InterFilterGroupOperator.AND_OP)
    const s1 = channel.new_for_suppliers(InterFilterGroupOperator.OR_OP)
    expect(new Set([0, c1.MyID, c2.MyID]).size).toBe(3)
    expect(channel.get_all_consumeradmins()).toEqual([0, c1.MyID, c2.MyID])
    expect(channel.get_all_supplieradmins()).toEqual([0, s1.MyID])
    expect(channel.get_consumeradmin(c1.MyID)).toBe(c1)
    expect(channel.get_supplieradmin(s1.MyID)).toBe(s1)
    expect(c1.MyOperator).toBe(InterFilterGroupOperator.OR_OP)
    expect(c1.MyChannel).toBe(channel)
    expect(codeOf(() => channel.get_consumeradmin(77))).toBe(NotifyErrorCode.ADMIN_NOT_FOUND)
    expect(codeOf(() => channel.get_supplieradmin(77))).toBe(NotifyErrorCode.ADMIN_NOT_FOUND)
    expect(codeOf(() => channel.new_for_consumers(7 as never))).toBe(NotifyErrorCode.BAD_PARAM)
    c1.destroy()
    expect(channel.get_all_consumeradmins()).toEqual([0, c2.MyID])
    expect(codeOf(() => channel.get_consumeradmin(c1.MyID))).toBe(NotifyErrorCode.ADMIN_NOT_FOUND)
    expect(channel.new_for_consumers(InterFilterGroupOperator.AND_OP).MyID).toBe(c2.MyID + 1)
  })

  it('#11 obtain_notification_*(ctype) returns the right MyType; ids listed; ProxyNotFound', () => {
    const { channel } = setup()
    const ca = channel.default_consumer_admin
    const sa = channel.default_supplier_admin
    const got = [
      ca.obtain_notification_push_supplier(ClientType.ANY_EVENT),
      ca.obtain_notification_push_supplier(ClientType.STRUCTURED_EVENT),
      ca.obtain_notification_push_supplier(ClientType.SEQUENCE_EVENT),
      ca.obtain_notification_pull_supplier(ClientType.ANY_EVENT),
      ca.obtain_notification_pull_supplier(ClientType.STRUCTURED_EVENT),
      ca.obtain_notification_pull_supplier(ClientType.SEQUENCE_EVENT)
    ]
    expect(got.map((p) => p.MyType)).toEqual([
      ProxyType.PUSH_ANY,
      ProxyType.PUSH_STRUCTURED,
      ProxyType.PUSH_SEQUENCE,
      ProxyType.PULL_ANY,
      ProxyType.PULL_STRUCTURED,
      ProxyType.PULL_SEQUENCE
    ])
    const consumers = [
      sa.obtain_notification_push_consumer(ClientType.ANY_EVENT),
      sa.obtain_notification_push_consumer(ClientType.STRUCTURED_EVENT),
      sa.obtain_notification_push_consumer(ClientType.SEQUENCE_EVENT),
      sa.obtain_notification_pull_consumer(ClientType.ANY_EVENT),
      sa.obtain_notification_pull_consumer(ClientType.STRUCTURED_EVENT),
      sa.obtain_notification_pull_consumer(ClientType.SEQUENCE_EVENT)
    ]
    expect(consumers.map((p) => p.MyType)).toEqual([0, 2, 4, 1, 3, 5])
    expect(ca.push_suppliers).toEqual(got.slice(0, 3).map((p) => p.id))
    expect(ca.pull_suppliers).toEqual(got.slice(3).map((p) => p.id))
    expect(sa.push_consumers).toEqual(consumers.slice(0, 3).map((p) => p.id))
    expect(sa.pull_consumers).toEqual(consumers.slice(3).map((p) => p.id))
    expect(ca.get_proxy_supplier(got[4]!.id)).toBe(got[4])
    expect(sa.get_proxy_consumer(consumers[2]!.id)).toBe(consumers[2])
    expect(got[0]!.MyAdmin).toBe(ca)
    expect(codeOf(() => ca.get_proxy_supplier(999))).toBe(NotifyErrorCode.PROXY_NOT_FOUND)
    expect(codeOf(() => sa.get_proxy_consumer(999))).toBe(NotifyErrorCode.PROXY_NOT_FOUND)
    expect(codeOf(() => ca.obtain_notification_push_supplier(9 as never))).toBe(
      NotifyErrorCode.BAD_PARAM
    )
  })

  it('#12 MaxConsumers=1: second obtain_notification_push_supplier → AdminLimitExceeded{MaxConsumers}; same for MaxSuppliers', () => {
    const { channel } = setup(
      [],
      [
        { name: 'MaxConsumers', value: 1 },
        { name: 'MaxSuppliers', value: 1 }
      ]
    )
    channel.default_consumer_admin.obtain_notification_push_supplier(ClientType.ANY_EVENT)
    const other = channel.new_for_consumers(InterFilterGroupOperator.AND_OP)
    try {
      other.obtain_notification_pull_supplier(ClientType.STRUCTURED_EVENT)
      expect.unreachable()
    } catch (err) {
      expect(err).toMatchObject({
        code: NotifyErrorCode.ADMIN_LIMIT_EXCEEDED,
        details: { adminLimit: { name: 'MaxConsumers', value: 1 } }
      })
    }
    channel.default_supplier_admin.obtain_notification_push_consumer(ClientType.ANY_EVENT)
    expect(
      codeOf(() =>
        channel.default_supplier_admin.obtain_notification_pull_consumer(ClientType.ANY_EVENT)
      )
    ).toBe(NotifyErrorCode.ADMIN_LIMIT_EXCEEDED)
    channel.set_admin([{ name: 'MaxConsumers', value: 0 }])
    expect(other.obtain_notification_push_supplier(ClientType.ANY_EVENT).id).toBe(0)
  })

  it('#13 set_qos: unknown → BAD_PROPERTY, wrong type → BAD_TYPE, out of range → BAD_VALUE, wrong level → UNSUPPORTED_PROPERTY; nothing partially applied', () => {
    const { channel } = setup()
    const before = channel.get_qos()
    const attempt = (props: { name: string; value: JsonValue }[]): unknown[] => {
      try {
        channel.set_qos(props)
      } catch (err) {
        expect((err as { code: string }).code).toBe(NotifyErrorCode.UNSUPPORTED_QOS)
        return (err as { propertyErrors: unknown[] }).propertyErrors
      }
      throw new Error('expected UnsupportedQoS')
    }
    expect(attempt([{ name: 'Bogus', value: 1 }])).toEqual([
      expect.objectContaining({ code: QoSErrorCode.BAD_PROPERTY, name: 'Bogus' })
    ])
    expect(attempt([{ name: 'Priority', value: 'high' }])).toEqual([
      expect.objectContaining({ code: QoSErrorCode.BAD_TYPE, name: 'Priority' })
    ])
    expect(attempt([{ name: 'Priority', value: 40_000 }])).toEqual([
      {
        code: QoSErrorCode.BAD_VALUE,
        name: 'Priority',
        available_range: { low_val: -32_767, high_val: 32_767 }
      }
    ])
    expect(attempt([{ name: 'Priority', value: -32_768 }])[0]).toMatchObject({
      code: QoSErrorCode.BAD_VALUE
    })
    expect(attempt([{ name: 'OrderPolicy', value: 9 }])[0]).toMatchObject({
      code: QoSErrorCode.BAD_VALUE
    })
    expect(attempt([{ name: 'MaximumBatchSize', value: 0 }])[0]).toMatchObject({
      code: QoSErrorCode.BAD_VALUE
    })
    expect(attempt([{ name: 'StartTime', value: unixMsToUtcT(0) }])[0]).toMatchObject({
      code: QoSErrorCode.UNSUPPORTED_PROPERTY
    })
    // all errors reported together, valid entries of the same request not applied
    const errors = attempt([
      { name: 'OrderPolicy', value: FifoOrder },
      { name: 'Timeout', value: -5 },
      { name: 'StopTimeSupported', value: 1 }
    ])
    expect(errors).toHaveLength(2)
    expect(channel.get_qos()).toEqual(before)
    // EventReliability is not an admin property (UNSUPPORTED_PROPERTY there)
    expect(() =>
      channel.default_consumer_admin.set_qos([{ name: 'EventReliability', value: 0 }])
    ).toThrow(expect.objectContaining({ code: NotifyErrorCode.UNSUPPORTED_QOS }))
  })

  it('#14 create_channel with a bad admin property → UnsupportedAdmin and no channel; bad QoS → UnsupportedQoS', () => {
    const { factory } = setup()
    const ids = factory.get_all_channels()
    try {
      factory.create_channel(
        [],
        [
          { name: 'MaxQueueLength', value: -1 },
          { name: 'RejectNewEvents', value: 'yes' },
          { name: 'Nope', value: 1 }
        ]
      )
      expect.unreachable()
    } catch (err) {
      expect(err).toMatchObject({ code: NotifyErrorCode.UNSUPPORTED_ADMIN })
      expect(
        (err as { propertyErrors: { code: number }[] }).propertyErrors.map((e) => e.code)
      ).toEqual([QoSErrorCode.BAD_VALUE, QoSErrorCode.BAD_TYPE, QoSErrorCode.BAD_PROPERTY])
    }
    expect(codeOf(() => factory.create_channel([{ name: 'DiscardPolicy', value: 5 }]))).toBe(
      NotifyErrorCode.UNSUPPORTED_QOS
    )
    expect(factory.get_all_channels()).toEqual(ids)
  })

  it('#15 QoS inheritance is live: channel OrderPolicy seen by a new proxy, admin and proxy overrides win', () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: FifoOrder }])
    const admin = channel.new_for_consumers(InterFilterGroupOperator.AND_OP)
    const proxy = admin.obtain_notification_pull_supplier(ClientType.ANY_EVENT)
    const order = (props: { name: string; value: JsonValue }[]): JsonValue =>
      props.find((p) => p.name === 'OrderPolicy')?.value ?? null
    expect(order(proxy.get_qos())).toBe(FifoOrder)
    channel.set_qos([{ name: 'OrderPolicy', value: PriorityOrder }])
    expect(order(proxy.get_qos())).toBe(PriorityOrder)
    admin.set_qos([{ name: 'OrderPolicy', value: DeadlineOrder }])
    expect(order(proxy.get_qos())).toBe(DeadlineOrder)
    proxy.set_qos([{ name: 'OrderPolicy', value: FifoOrder }])
    expect(order(proxy.get_qos())).toBe(FifoOrder)
    channel.set_qos([{ name: 'OrderPolicy', value: PriorityOrder }])
    expect(order(proxy.get_qos())).toBe(FifoOrder)
    expect(proxy.toInfo().orderPolicy).toBe('FifoOrder')
  })

  it('#16 PriorityOrder delivers 5,3,1 after resume; equal priorities FIFO; FifoOrder keeps 1,5,3', async () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: PriorityOrder }])
    const { push, consumer, proxy } = suspendedPair(channel)
    for (const p of [1, 5, 3]) push(ev(`p${p}`, { priority: p }))
    push(ev('p3-second', { priority: 3 }))
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received)).toEqual(['p5', 'p3', 'p3-second', 'p1'])

    const fifo = setup([{ name: 'OrderPolicy', value: FifoOrder }])
    const pair = suspendedPair(fifo.channel)
    for (const p of [1, 5, 3]) pair.push(ev(`p${p}`, { priority: p }))
    pair.proxy.resume_connection()
    await flush()
    expect(names(pair.consumer.received)).toEqual(['p1', 'p5', 'p3'])
  })

  it('#17 MaxEventsPerConsumer=2: Fifo drops the oldest, Lifo the incoming, Priority the lowest', async () => {
    const run = async (
      policy: number
    ): Promise<{ got: string[]; discarded: Record<string, number> }> => {
      const { channel } = setup([
        { name: 'MaxEventsPerConsumer', value: 2 },
        { name: 'DiscardPolicy', value: policy },
        { name: 'OrderPolicy', value: FifoOrder }
      ])
      const { push, consumer, proxy } = suspendedPair(channel)
      push(ev('a', { priority: 5 }))
      push(ev('b', { priority: 1 }))
      push(ev('c', { priority: 3 }))
      expect(proxy.toInfo().queueLength).toBe(2)
      proxy.resume_connection()
      await flush()
      return { got: names(consumer.received), discarded: proxy.toInfo().counters.discardedBy }
    }
    expect(await run(FifoOrder)).toEqual({ got: ['b', 'c'], discarded: { FifoOrder: 1 } })
    expect(await run(LifoOrder)).toEqual({ got: ['a', 'b'], discarded: { LifoOrder: 1 } })
    expect(await run(PriorityOrder)).toEqual({ got: ['a', 'c'], discarded: { PriorityOrder: 1 } })
  })

  it('#17 overflow affects only the full consumer; the event stays queued for others', async () => {
    const { channel } = setup([{ name: 'DiscardPolicy', value: FifoOrder }])
    const { push, consumer, proxy } = suspendedPair(channel)
    proxy.set_qos([{ name: 'MaxEventsPerConsumer', value: 1 }])
    const other = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    other.connect_structured_pull_consumer(null)
    push(ev('a'))
    push(ev('b'))
    expect(other.toInfo().queueLength).toBe(2)
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received)).toEqual(['b'])
  })

  it('#18 MaxQueueLength=1 + RejectNewEvents TRUE → IMP_LIMIT; FALSE → push accepted and DiscardPolicy applies', async () => {
    const strict = setup(
      [],
      [
        { name: 'MaxQueueLength', value: 1 },
        { name: 'RejectNewEvents', value: true }
      ]
    )
    const rejected: number[] = []
    strict.channel.on('eventRejected', (n) => rejected.push(n.count))
    const a = suspendedPair(strict.channel)
    a.push(ev('first'))
    expect(codeOf(() => a.push(ev('second')))).toBe(NotifyErrorCode.IMP_LIMIT)
    expect(rejected).toEqual([1])
    expect(strict.channel.toInfo().counters.rejected).toBe(1)
    a.proxy.resume_connection()
    await flush()
    expect(names(a.consumer.received)).toEqual(['first'])
    a.push(ev('third')) // room again

    const lenient = setup(
      [{ name: 'DiscardPolicy', value: FifoOrder }],
      [
        { name: 'MaxQueueLength', value: 1 },
        { name: 'RejectNewEvents', value: false }
      ]
    )
    const b = suspendedPair(lenient.channel)
    b.push(ev('first'))
    b.push(ev('second'))
    expect(lenient.channel.toInfo().queued).toBe(1)
    b.proxy.resume_connection()
    await flush()
    expect(names(b.consumer.received)).toEqual(['second'])
    expect(b.proxy.toInfo().counters.discardedBy).toEqual({ FifoOrder: 1 })
  })

  it('#19 Timeout per event and as QoS default: undelivered events expire; 0 = never', async () => {
    const { channel, clock } = setup()
    const expired: number[] = []
    channel.on('eventExpired', (n) => expired.push(n.seq))
    const { push, consumer, proxy } = suspendedPair(channel)
    push(ev('short', { timeout: msToTimeT(100) }))
    push(ev('forever', { timeout: 0 }))
    push(ev('long', { timeout: msToTimeT(10_000) }))
    await clock.advance(150)
    expect(expired).toHaveLength(1) // reported when the deadline passes, not only at dequeue
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received)).toEqual(['forever', 'long'])

    channel.set_qos([{ name: 'Timeout', value: msToTimeT(50) }])
    proxy.suspend_connection()
    push(ev('default-lifetime'))
    push(ev('own-lifetime', { timeout: msToTimeT(500) }))
    await clock.advance(60)
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received).slice(2)).toEqual(['own-lifetime'])
    expect(proxy.toInfo().counters.expired).toBe(2)
  })

  it('#20 sequence push: MaximumBatchSize=3 with PacingInterval=0 → batches of 3', async () => {
    const { channel } = setup()
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    supplier.connect_structured_push_supplier(null)
    const seq = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.SEQUENCE_EVENT
    )
    seq.set_qos([
      { name: 'MaximumBatchSize', value: 3 },
      { name: 'PacingInterval', value: 0 }
    ])
    const consumer = sequenceConsumer()
    seq.connect_sequence_push_consumer(consumer)
    seq.suspend_connection()
    for (let i = 0; i < 7; i++) supplier.push_structured_event(ev(`e${i}`))
    seq.resume_connection()
    await flush()
    expect(consumer.batches.map((b) => b.length)).toEqual([3, 3, 1])
  })

  it('#20 sequence push: PacingInterval=200 ms with 1 event → one batch of 1 after 200 ms', async () => {
    const { channel, clock } = setup()
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    supplier.connect_structured_push_supplier(null)
    const seq = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.SEQUENCE_EVENT
    )
    seq.set_qos([
      { name: 'MaximumBatchSize', value: 3 },
      { name: 'PacingInterval', value: msToTimeT(200) }
    ])
    const consumer = sequenceConsumer()
    seq.connect_sequence_push_consumer(consumer)
    supplier.push_structured_event(ev('lonely'))
    await clock.advance(199)
    expect(consumer.batches).toEqual([])
    await clock.advance(1)
    expect(consumer.batches.map(names)).toEqual([['lonely']])
  })

  it('#20 a supplied batch is split for structured consumers', async () => {
    const { channel } = setup()
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.SEQUENCE_EVENT
    )
    supplier.connect_sequence_push_supplier(null)
    const consumer = structuredConsumer()
    channel.default_consumer_admin
      .obtain_notification_push_supplier(ClientType.STRUCTURED_EVENT)
      .connect_structured_push_consumer(consumer)
    const any = anyConsumer()
    channel.for_consumers().obtain_push_supplier().connect_push_consumer(any)
    supplier.push_structured_events([ev('x'), ev('y'), ev('z')])
    await flush()
    expect(names(consumer.received)).toEqual(['x', 'y', 'z'])
    expect(any.received).toHaveLength(3)
  })

  it('#21 conversions: Any supplier → structured consumer sees ("", "%ANY"); structured supplier → Any consumer gets the StructuredEvent', async () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: FifoOrder }])
    const anyIn = channel.for_suppliers().obtain_push_consumer()
    anyIn.connect_push_supplier(null)
    const structIn = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    structIn.connect_structured_push_supplier(null)
    const structured = structuredConsumer()
    channel.default_consumer_admin
      .obtain_notification_push_supplier(ClientType.STRUCTURED_EVENT)
      .connect_structured_push_consumer(structured)
    const any = anyConsumer()
    channel.for_consumers().obtain_push_supplier().connect_push_consumer(any)
    const seqPull = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.SEQUENCE_EVENT
    )
    seqPull.connect_sequence_pull_consumer(null)
    seqPull.set_qos([{ name: 'MaximumBatchSize', value: 10 }])

    anyIn.push({ amount: 5 })
    const event = ev('structured-one', { priority: 2 })
    structIn.push_structured_event(event)
    await flush()

    expect(structured.received[0]).toEqual({
      header: {
        fixed_header: { event_type: { domain_name: '', type_name: '%ANY' }, event_name: '' },
        variable_header: []
      },
      filterable_data: [],
      remainder_of_body: { amount: 5 }
    })
    expect(structured.received[1]).toEqual(event)
    expect(any.received).toEqual([{ amount: 5 }, event as unknown as JsonValue])
    const batch = await seqPull.pull_structured_events(5)
    expect(batch.map((e) => e.header.fixed_header.event_type.type_name)).toEqual(['%ANY', 'Tick'])
  })

  it('#22 suspend twice → ConnectionAlreadyInactive; resume when active → ConnectionAlreadyActive; unconnected → NotConnected; flush in order on resume', async () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: FifoOrder }])
    const idle = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.ANY_EVENT
    )
    expect(codeOf(() => idle.suspend_connection())).toBe(NotifyErrorCode.NOT_CONNECTED)
    expect(codeOf(() => idle.resume_connection())).toBe(NotifyErrorCode.NOT_CONNECTED)
    const { push, consumer, proxy } = suspendedPair(channel)
    expect(codeOf(() => proxy.suspend_connection())).toBe(
      NotifyErrorCode.CONNECTION_ALREADY_INACTIVE
    )
    for (const n of ['1', '2', '3']) push(ev(n))
    await flush()
    expect(consumer.received).toEqual([])
    expect(proxy.toInfo()).toMatchObject({ suspended: true, queueLength: 3 })
    proxy.resume_connection()
    expect(codeOf(() => proxy.resume_connection())).toBe(NotifyErrorCode.CONNECTION_ALREADY_ACTIVE)
    await flush()
    expect(names(consumer.received)).toEqual(['1', '2', '3'])

    // pull proxy consumers suspend polling
    const pullIn = channel.default_supplier_admin.obtain_notification_pull_consumer(
      ClientType.ANY_EVENT
    )
    expect(codeOf(() => pullIn.suspend_connection())).toBe(NotifyErrorCode.NOT_CONNECTED)
    pullIn.connect_any_pull_supplier({ try_pull: () => ({ has_event: false }) })
    pullIn.suspend_connection()
    expect(codeOf(() => pullIn.suspend_connection())).toBe(
      NotifyErrorCode.CONNECTION_ALREADY_INACTIVE
    )
    pullIn.resume_connection()
    expect(codeOf(() => pullIn.resume_connection())).toBe(NotifyErrorCode.CONNECTION_ALREADY_ACTIVE)
  })

  it('#23 offer_change from two suppliers of one type → one "added"; removing from one → nothing; from the last → "removed"', () => {
    const { channel } = setup()
    const consumer = anyConsumer()
    channel.for_consumers().obtain_push_supplier().connect_push_consumer(consumer)
    const s1 = channel.for_suppliers().obtain_push_consumer()
    const s2 = channel.for_suppliers().obtain_push_consumer()
    const alarm = { domain_name: 'Telecom', type_name: 'Alarm' }
    s1.offer_change([alarm], [])
    s2.offer_change([alarm], [])
    expect(consumer.offers).toEqual([{ added: [alarm], removed: [] }])
    s1.offer_change([], [alarm])
    expect(consumer.offers).toHaveLength(1)
    s2.offer_change([], [alarm])
    expect(consumer.offers[1]).toEqual({ added: [], removed: [alarm] })
    expect(codeOf(() => s1.offer_change([{ domain_name: 'X', type_name: '%BAD' }], []))).toBe(
      NotifyErrorCode.INVALID_EVENT_TYPE
    )
  })

  it('#23 obtain_offered_types / obtain_subscription_types modes return full/empty sets and toggle callbacks', () => {
    const { channel } = setup()
    const consumer = anyConsumer()
    const pps = channel.for_consumers().obtain_push_supplier()
    pps.connect_push_consumer(consumer)
    const s = channel.for_suppliers().obtain_push_consumer()
    const subs: EventType[][] = []
    s.connect_push_supplier({ subscription_change: (added: EventType[]) => subs.push(added) })
    const a = { domain_name: 'D', type_name: 'A' }
    const b = { domain_name: 'D', type_name: 'B' }
    s.offer_change([a], [])
    expect(pps.obtain_offered_types(ObtainInfoMode.ALL_NOW_UPDATES_OFF)).toEqual([a])
    s.offer_change([b], [])
    expect(consumer.offers).toHaveLength(1) // updates off
    expect(pps.obtain_offered_types(ObtainInfoMode.NONE_NOW_UPDATES_ON)).toEqual([])
    s.offer_change([], [a])
    expect(consumer.offers).toHaveLength(2)
    expect(pps.obtain_offered_types(ObtainInfoMode.ALL_NOW_UPDATES_ON)).toEqual([b])
    expect(pps.obtain_offered_types(ObtainInfoMode.NONE_NOW_UPDATES_OFF)).toEqual([])

    pps.subscription_change([a], [])
    expect(subs).toEqual([[a]])
    expect(s.obtain_subscription_types(ObtainInfoMode.ALL_NOW_UPDATES_OFF)).toEqual([a])
    channel.default_consumer_admin.subscription_change([b], [])
    expect(subs).toHaveLength(1)
    expect(s.obtain_subscription_types(ObtainInfoMode.ALL_NOW_UPDATES_ON)).toEqual([a, b])
    expect(codeOf(() => s.obtain_subscription_types(7 as never))).toBe(NotifyErrorCode.BAD_PARAM)
  })

  it('#23 %ALL bookkeeping, cases 1–6 of §2.8', () => {
    const x = { domain_name: 'D', type_name: 'X' }
    const y = { domain_name: 'D', type_name: 'Y' }
    const all = { domain_name: '', type_name: '%ALL' }
    const withAll = (): EventTypeSet => {
      const s = new EventTypeSet()
      s.change([all], [])
      return s
    }
    // 1: S has %ALL, A has %ALL → no-op
    const s1 = withAll()
    expect(s1.change([all, x], [])).toEqual({ added: [], removed: [] })
    expect(s1.values()).toEqual([ALL_TYPES])
    // 2: S has %ALL, A specific → S := A
    const s2 = withAll()
    expect(s2.change([x], [])).toEqual({ added: [x], removed: [ALL_TYPES] })
    expect(s2.values()).toEqual([x])
    // 3: S has %ALL, A empty, R has %ALL → {} ; R specific only → ignored
    const s3 = withAll()
    expect(s3.change([], [x])).toEqual({ added: [], removed: [] })
    expect(s3.change([], [all])).toEqual({ added: [], removed: [ALL_TYPES] })
    expect(s3.size).toBe(0)
    // 4: S lacks %ALL, A and R both have %ALL → ignored
    const s4 = new EventTypeSet()
    s4.change([x], [])
    expect(s4.change([all], [all])).toEqual({ added: [], removed: [] })
    expect(s4.values()).toEqual([x])
    // 5: S lacks %ALL, A has %ALL → S := {%ALL}
    expect(s4.change([all], [])).toEqual({ added: [ALL_TYPES], removed: [x] })
    // 6: otherwise; R %ALL removes everything; A∩R cancel; no re-adding; only present removed
    const s6 = new EventTypeSet()
    expect(s6.change([x, y], [])).toEqual({ added: [x, y], removed: [] })
    expect(s6.change([x], [])).toEqual({ added: [], removed: [] })
    expect(s6.change([y], [y, { domain_name: 'D', type_name: 'Z' }])).toEqual({
      added: [],
      removed: []
    })
    expect(s6.change([], [all])).toEqual({ added: [], removed: [x, y] })
  })

  it('#23 aggregate subscription changes reach suppliers; offers propagate downstream across a federation', async () => {
    const { channel: a, factory } = setup()
    const b = factory.create_channel()
    const link = a.for_consumers().obtain_push_supplier()
    const bIn = b.for_suppliers().obtain_push_consumer()
    bIn.connect_push_supplier(link)
    link.connect_push_consumer(bIn)
    const downstream = anyConsumer()
    b.for_consumers().obtain_push_supplier().connect_push_consumer(downstream)
    const upstreamSupplierProxy = a.for_suppliers().obtain_push_consumer()
    const subs: EventType[][] = []
    upstreamSupplierProxy.connect_push_supplier({
      subscription_change: (added: EventType[]) => subs.push(added)
    })
    const t = { domain_name: 'Fed', type_name: 'T' }
    upstreamSupplierProxy.offer_change([t], [])
    expect(downstream.offers).toEqual([{ added: [t], removed: [] }])
    b.for_consumers().proxyList()[0]!.subscription_change([t], [])
    expect(subs).toEqual([[t]])
    await flush()
  })
})

// ---- Filters attached to admins and proxies (stub FilterLike objects) ---------------------------

describe('§5.3 Filters on admins and proxies', () => {
  it('#27 a FilterAdmin with no filters passes everything; a filter matching nothing blocks', async () => {
    const { channel } = setup()
    const { push, consumer, proxy } = suspendedPair(channel)
    push(ev('a'))
    const none = stubFilter(() => false)
    proxy.add_filter(none)
    push(ev('b'))
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received)).toEqual(['a'])
    expect(proxy.toInfo().counters.filteredOut).toBe(1)
  })

  it('#26 (model side) filters see events as supplied: Any events as anys (type ("", "%ANY")), before any flavour conversion', async () => {
    const { channel } = setup()
    const seen: ChannelEvent[] = []
    const proxy = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.STRUCTURED_EVENT
    )
    proxy.add_filter(
      stubFilter((e) => {
        seen.push(e)
        return true
      })
    )
    const consumer = structuredConsumer()
    proxy.connect_structured_push_consumer(consumer)
    const anyIn = channel.for_suppliers().obtain_push_consumer()
    anyIn.connect_push_supplier(null)
    anyIn.push({ age: 29 })
    await flush()
    expect(seen).toEqual([{ kind: 'any', data: { age: 29 } }])
    expect(consumer.received[0]?.header.fixed_header.event_type).toEqual({
      domain_name: '',
      type_name: '%ANY'
    })
  })

  describe('#28 AND_OP / OR_OP truth table (8 rows) on both sides', () => {
    // admin group, proxy group: 'none' = no filters, 'match', 'miss'
    type G = 'none' | 'match' | 'miss'
    const rows: [G, G, boolean, boolean][] = [
      ['none', 'none', true, true],
      ['none', 'match', true, true],
      ['none', 'miss', false, true],
      ['match', 'none', true, true],
      ['miss', 'none', false, true],
      ['match', 'miss', false, true],
      ['miss', 'match', false, true],
      ['miss', 'miss', false, false]
    ]
    const attach = (target: { add_filter(f: FilterLike): number }, g: G): void => {
      if (g !== 'none') target.add_filter(stubFilter(() => g === 'match'))
    }
    for (const [adminG, proxyG, andPass, orPass] of rows) {
      it(`admin ${adminG} / proxy ${proxyG} → AND ${andPass ? 'pass' : 'drop'}, OR ${orPass ? 'pass' : 'drop'}`, async () => {
        for (const [op, expected] of [
          [InterFilterGroupOperator.AND_OP, andPass],
          [InterFilterGroupOperator.OR_OP, orPass]
        ] as const) {
          // consumer side
          const { channel } = setup()
          const supplier = channel.for_suppliers().obtain_push_consumer()
          supplier.connect_push_supplier(null)
          const admin = channel.new_for_consumers(op)
          const proxy = admin.obtain_notification_push_supplier(ClientType.ANY_EVENT)
          attach(admin, adminG)
          attach(proxy, proxyG)
          const consumer = anyConsumer()
          proxy.connect_any_push_consumer(consumer)
          supplier.push('e')
          await flush()
          expect(consumer.received.length, `consumer side op=${op}`).toBe(expected ? 1 : 0)

          // supplier side
          const other = setup()
          const sAdmin = other.channel.new_for_suppliers(op)
          const sProxy = sAdmin.obtain_notification_push_consumer(ClientType.ANY_EVENT)
          attach(sAdmin, adminG)
          attach(sProxy, proxyG)
          sProxy.connect_any_push_supplier(null)
          const c = anyConsumer()
          other.channel.for_consumers().obtain_push_supplier().connect_push_consumer(c)
          sProxy.push('e')
          await flush()
          expect(c.received.length, `supplier side op=${op}`).toBe(expected ? 1 : 0)
          expect(sProxy.toInfo().counters.filteredOut).toBe(expected ? 0 : 1)
        }
      })
    }
  })

  it('#30 remove_filter/get_filter with an unknown id → FilterNotFound; a filter shared by two proxies affects both', async () => {
    const { channel } = setup()
    const admin = channel.default_consumer_admin
    expect(codeOf(() => admin.remove_filter(42))).toBe(NotifyErrorCode.FILTER_NOT_FOUND)
    expect(codeOf(() => admin.get_filter(42))).toBe(NotifyErrorCode.FILTER_NOT_FOUND)
    expect(codeOf(() => admin.add_filter(null as never))).toBe(NotifyErrorCode.BAD_PARAM)
    const supplier = channel.for_suppliers().obtain_push_consumer()
    supplier.connect_push_supplier(null)
    let allowed = new Set(['keep'])
    const shared = stubFilter((e) => e.kind === 'any' && allowed.has(String(e.data)))
    const p1 = admin.obtain_notification_push_supplier(ClientType.ANY_EVENT)
    const p2 = admin.obtain_notification_push_supplier(ClientType.ANY_EVENT)
    const id1 = p1.add_filter(shared)
    p2.add_filter(shared)
    expect(p1.get_filter(id1)).toBe(shared)
    expect(p1.get_all_filters()).toEqual([id1])
    const c1 = anyConsumer()
    const c2 = anyConsumer()
    p1.connect_any_push_consumer(c1)
    p2.connect_any_push_consumer(c2)
    supplier.push('keep')
    supplier.push('drop')
    allowed = new Set(['drop'])
    supplier.push('drop')
    await flush()
    expect(c1.received).toEqual(['keep', 'drop'])
    expect(c2.received).toEqual(['keep', 'drop'])
    p1.remove_filter(id1)
    expect(codeOf(() => p1.get_filter(id1))).toBe(NotifyErrorCode.FILTER_NOT_FOUND)
    p2.remove_all_filters()
    expect(p2.get_all_filters()).toEqual([])
    // CosEvent proxies have no FilterAdmin
    expect(codeOf(() => channel.for_consumers().obtain_push_supplier().add_filter(shared))).toBe(
      NotifyErrorCode.NO_IMPLEMENT
    )
  })

  it('#31 priority_filter changes delivery order for that consumer only; default value on no match; admin mapping applies when the proxy has none', async () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: PriorityOrder }])
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    supplier.connect_structured_push_supplier(null)
    const bySeverity = (min: number) => (e: ChannelEvent) =>
      e.kind === 'structured' &&
      Number(e.event.filterable_data.find((p) => p.name === 'severity')?.value ?? 0) >= min
    const mapping = mappingFilter(
      [
        { when: bySeverity(4), value: 100 },
        { when: bySeverity(2), value: 10 }
      ],
      0
    )
    const mapped = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    mapped.priority_filter = mapping
    mapped.connect_structured_pull_consumer(null)
    const plain = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    plain.connect_structured_pull_consumer(null)
    const adminMapped = channel.new_for_consumers(InterFilterGroupOperator.AND_OP)
    adminMapped.priority_filter = mapping
    const viaAdmin = adminMapped.obtain_notification_pull_supplier(ClientType.STRUCTURED_EVENT)
    viaAdmin.connect_structured_pull_consumer(null)

    supplier.push_structured_event(ev('E3-none', { priority: 50 })) // no match → own header 50
    supplier.push_structured_event(ev('E2-sev2', { data: { severity: 2 } })) // → 10
    supplier.push_structured_event(ev('E1-sev4', { priority: 3, data: { severity: 4 } })) // → 100
    supplier.push_structured_event(ev('E0-nothing')) // no match, no header → default 0

    const drain = (p: typeof mapped): string[] => {
      const out: string[] = []
      for (;;) {
        const r = p.try_pull_structured_event()
        if (!r.has_event) return out
        out.push(r.event.header.fixed_header.event_name)
      }
    }
    expect(drain(mapped)).toEqual(['E1-sev4', 'E3-none', 'E2-sev2', 'E0-nothing'])
    expect(drain(viaAdmin)).toEqual(['E1-sev4', 'E3-none', 'E2-sev2', 'E0-nothing'])
    expect(drain(plain)).toEqual(['E3-none', 'E1-sev4', 'E2-sev2', 'E0-nothing'])
    expect(mapped.toInfo().priorityFilterId).toBe(mapping.id)
  })

  it('#31 lifetime_filter gives per-consumer lifetimes', async () => {
    const { channel, clock } = setup()
    const { push, consumer, proxy } = suspendedPair(channel)
    proxy.lifetime_filter = mappingFilter([{ when: nameIs('short'), value: msToTimeT(10) }], 0)
    const other = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    other.connect_structured_pull_consumer(null)
    push(ev('short'))
    push(ev('kept'))
    await clock.advance(20)
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received)).toEqual(['kept'])
    expect(other.toInfo().queueLength).toBe(2)
  })
})

// ---- Beyond the checklist: time QoS, reliability, observability --------------------------------

describe('time QoS, reliability and observability', () => {
  it('StartTime holds an event until then (only where StartTimeSupported); StopTime discards after', async () => {
    const { channel, clock } = setup([
      { name: 'StartTimeSupported', value: true },
      { name: 'StopTimeSupported', value: true }
    ])
    const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    supplier.connect_structured_push_supplier(null)
    const consumer = structuredConsumer()
    const proxy = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.STRUCTURED_EVENT
    )
    proxy.connect_structured_push_consumer(consumer)
    const ignoring = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    ignoring.set_qos([{ name: 'StartTimeSupported', value: false }])
    ignoring.connect_structured_pull_consumer(null)
    const now = clock.now()
    supplier.push_structured_event(ev('later', { startTime: unixMsToUtcT(now + 1_000) }))
    supplier.push_structured_event(ev('stale', { stopTime: unixMsToUtcT(now - 1) }))
    await flush()
    expect(consumer.received).toEqual([])
    expect(ignoring.try_pull_structured_event().has_event).toBe(true)
    await clock.advance(999)
    expect(consumer.received).toEqual([])
    await clock.advance(1)
    expect(names(consumer.received)).toEqual(['later'])
    expect(proxy.toInfo().counters.expired).toBe(1)
    expect(
      codeOf(() => ignoring.validate_event_qos([{ name: 'StartTime', value: unixMsToUtcT(now) }]))
    ).toBe(NotifyErrorCode.UNSUPPORTED_QOS)
    expect(
      proxy.validate_event_qos([{ name: 'StartTime', value: unixMsToUtcT(now) }]).map((r) => r.name)
    ).toEqual(['EventReliability', 'Priority', 'StopTime', 'Timeout'])
  })

  it('DeadlineOrder delivers the soonest deadline first, events without deadline last', async () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: DeadlineOrder }])
    const { push, consumer, proxy } = suspendedPair(channel)
    push(ev('none'))
    push(ev('late', { timeout: msToTimeT(5_000) }))
    push(ev('soon', { timeout: msToTimeT(1_000) }))
    proxy.resume_connection()
    await flush()
    expect(names(consumer.received)).toEqual(['soon', 'late', 'none'])
  })

  it('Priority default comes from the supplier-side proxy QoS; consumer-side Priority has no effect', async () => {
    const { channel } = setup([{ name: 'OrderPolicy', value: PriorityOrder }])
    const high = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    high.set_qos([{ name: 'Priority', value: 9 }])
    high.connect_structured_push_supplier(null)
    const low = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    low.connect_structured_push_supplier(null)
    const pull = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    pull.set_qos([{ name: 'Priority', value: 1_000 }])
    pull.connect_structured_pull_consumer(null)
    low.push_structured_event(ev('low'))
    high.push_structured_event(ev('high'))
    const first = await pull.pull_structured_event()
    expect(first.header.fixed_header.event_name).toBe('high')
  })

  it('reliability: stored and validated (Event Persistent needs Connection Persistent; no change once proxies exist); Persistent events go to the persistent store', async () => {
    const persistent = new InMemoryEventStore()
    const { channel, factory } = setup([], [], { persistentStore: persistent })
    expect(codeOf(() => channel.set_qos([{ name: 'EventReliability', value: Persistent }]))).toBe(
      NotifyErrorCode.UNSUPPORTED_QOS
    )
    channel.set_qos([
      { name: 'EventReliability', value: Persistent },
      { name: 'ConnectionReliability', value: Persistent }
    ])
    const admin = channel.new_for_consumers(InterFilterGroupOperator.AND_OP)
    const { push, proxy } = suspendedPair(channel)
    expect(codeOf(() => channel.set_qos([{ name: 'EventReliability', value: 0 }]))).toBe(
      NotifyErrorCode.UNSUPPORTED_QOS
    )
    expect(codeOf(() => admin.set_qos([{ name: 'ConnectionReliability', value: 0 }]))).toBe(
      NotifyErrorCode.UNSUPPORTED_QOS
    )
    push(ev('kept'))
    expect(persistent.load(`${channel.id}/0/${proxy.id}`).map((s) => s.seq)).toEqual([1])
    proxy.resume_connection()
    await flush()
    expect(persistent.size).toBe(0)
    const other = factory.create_channel()
    const child = other.new_for_consumers(InterFilterGroupOperator.AND_OP)
    try {
      child.set_qos([{ name: 'ConnectionReliability', value: Persistent }])
      expect.unreachable()
    } catch (err) {
      expect((err as { propertyErrors: { code: number }[] }).propertyErrors[0]?.code).toBe(
        QoSErrorCode.UNAVAILABLE_VALUE
      )
    }
    await factory.close()
    await factory.close()
  })

  it('emits typed events and exposes plain-JSON toInfo', async () => {
    const { channel, factory } = setup([
      { name: 'MaxEventsPerConsumer', value: 1 },
      { name: 'DiscardPolicy', value: FifoOrder }
    ])
    const seen: string[] = []
    const listener = (): void => {
      seen.push('received')
    }
    channel.on('eventReceived', listener)
    channel.on('eventDelivered', () => seen.push('delivered'))
    channel.on('eventFilteredOut', (n) => seen.push(`filtered:${n.stage}`))
    channel.on('eventDiscarded', (n) => seen.push(`discarded:${n.reason}:${n.policy}`))
    channel.on('proxyConnected', (r) => seen.push(`connected:${r.side}`))
    channel.on('proxyDisconnected', (n) => seen.push(`disconnected:${n.initiator}`))
    channel.on('proxyDestroyed', () => seen.push('destroyed'))
    channel.on('channelDestroyed', () => seen.push('channel destroyed'))
    const { push, proxy } = suspendedPair(channel)
    push(ev('a'))
    push(ev('b'))
    channel.off('eventReceived', listener)
    proxy.add_filter(stubFilter(nameIs('c')))
    push(ev('x'))
    proxy.resume_connection()
    await flush()
    const info = JSON.parse(JSON.stringify(factory.toInfo()))
    expect(info).toEqual(factory.toInfo())
    expect(info.channels[0].consumerAdmins[0].proxies[0]).toMatchObject({
      kind: 'proxy-supplier',
      proxyType: 'PUSH_STRUCTURED',
      connected: true,
      suspended: false,
      queueLength: 0,
      queueCapacity: 1,
      discardPolicy: 'FifoOrder',
      counters: { delivered: 1, filteredOut: 1, discarded: 1, discardedBy: { FifoOrder: 1 } }
    })
    channel.destroy()
    expect(seen).toEqual([
      'connected:supplier',
      'connected:consumer',
      'received',
      'received',
      'discarded:MaxEventsPerConsumer:FifoOrder',
      'filtered:consumer',
      'delivered',
      'disconnected:channel',
      'destroyed',
      'disconnected:channel',
      'destroyed',
      'channel destroyed'
    ])
  })
})
