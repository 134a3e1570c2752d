import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3 } from '../etcl/example-events'
import type { ChannelEvent, EventType, JsonValue } from '../event'
import { ClientType, InterFilterGroupOperator, PriorityOrder } from './constants'
import type { EventChannel } from './event-channel'
import { flush, manualSetup } from './test-support'

/**
 * The model with the real EXTENDED_TCL filters of ../filter (the digest's §4.6 group and mapping
 * examples), filter subscription callbacks, subscription routing, and a conservation property.
 */

const nameOf = (e: ChannelEvent): string =>
  e.kind === 'structured' ? e.event.header.fixed_header.event_name : 'E3'

/** Pushes E1, E2, E3 through a consumer admin with `op`; returns what the consumer received. */
async function deliveredWith(
  op: InterFilterGroupOperator,
  adminConstraints: string[][] | null,
  proxyConstraint: string
): Promise<string[]> {
  const { channel } = manualSetup()
  const factory = channel.default_filter_factory
  const admin = channel.new_for_consumers(op)
  if (adminConstraints !== null) {
    const f1 = factory.createFilter('EXTENDED_TCL')
    f1.addConstraints(
      adminConstraints.map(([domain, type, expr]) => ({
        event_types: [{ domain_name: domain ?? '*', type_name: type ?? '*' }],
        constraint_expr: expr ?? ''
      }))
    )
    admin.add_filter(f1)
  }
  const proxyFilter = factory.createFilter('EXTENDED_TCL')
  proxyFilter.addConstraints([{ event_types: [], constraint_expr: proxyConstraint }])
  const proxy = admin.obtain_notification_pull_supplier(ClientType.ANY_EVENT)
  proxy.add_filter(proxyFilter)
  proxy.connect_any_pull_consumer(null)
  const anyIn = channel.for_suppliers().obtain_push_consumer()
  anyIn.connect_push_supplier(null)
  const structIn = channel.default_supplier_admin.obtain_notification_push_consumer(
    ClientType.STRUCTURED_EVENT
  )
  structIn.connect_structured_push_supplier(null)
  for (const e of [EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3]) {
    if (e.kind === 'structured') structIn.push_structured_event(e.event)
    else anyIn.push(e.data)
  }
  await flush()
  return collect(channel, proxy.MyAdmin.MyID, proxy.id)
}

function collect(channel: EventChannel, adminId: number, proxyId: number): string[] {
  const proxy = channel.get_consumeradmin(adminId).get_proxy_supplier(proxyId) as unknown as {
    try_pull(): { has_event: boolean; event?: JsonValue }
  }
  const out: string[] = []
  for (;;) {
    const r = proxy.try_pull()
    if (!r.has_event) return out
    const v = r.event as { header?: { fixed_header: { event_name: string } } }
    out.push(v.header === undefined ? 'E3' : v.header.fixed_header.event_name)
  }
}

describe('real EXTENDED_TCL filters on admins and proxies (digest §4.6 group examples)', () => {
  const F1 = [
    ['Telecom', 'CommunicationsAlarm', '$severity > 3'],
    ['*', '*', "$host == 'edge1'"]
  ]

  it('AND_OP admin F1 + proxy `$severity < 3` → only E2', async () => {
    expect(await deliveredWith(InterFilterGroupOperator.AND_OP, F1, '$severity < 3')).toEqual([
      nameOf(EXAMPLE_E2)
    ])
  })

  it('OR_OP → E1 and E2', async () => {
    expect(await deliveredWith(InterFilterGroupOperator.OR_OP, F1, '$severity < 3')).toEqual([
      nameOf(EXAMPLE_E1),
      nameOf(EXAMPLE_E2)
    ])
  })

  it('OR_OP admin without filters → E1, E2 and E3 (the pitfall)', async () => {
    expect(await deliveredWith(InterFilterGroupOperator.OR_OP, null, '$severity < 3')).toHaveLength(
      3
    )
  })

  it('priority_filter from the mapping filter example orders E1 (100) before E2 (10) before E3 (0)', async () => {
    const { channel } = manualSetup([{ name: 'OrderPolicy', value: PriorityOrder }])
    const mapping = channel.default_filter_factory.createMappingFilter('EXTENDED_TCL', 0)
    mapping.addMappingConstraints([
      {
        constraint_expression: { event_types: [], constraint_expr: '$severity >= 4' },
        result_to_set: 100
      },
      {
        constraint_expression: { event_types: [], constraint_expr: '$severity >= 2' },
        result_to_set: 10
      }
    ])
    const proxy = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    proxy.priority_filter = mapping
    proxy.connect_structured_pull_consumer(null)
    const structIn = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    structIn.connect_structured_push_supplier(null)
    const anyIn = channel.for_suppliers().obtain_push_consumer()
    anyIn.connect_push_supplier(null)
    if (EXAMPLE_E3.kind === 'any') anyIn.push(EXAMPLE_E3.data)
    for (const e of [EXAMPLE_E2, EXAMPLE_E1])
      if (e.kind === 'structured') structIn.push_structured_event(e.event)
    const order: string[] = []
    for (;;) {
      const r = proxy.try_pull_structured_event()
      if (!r.has_event) break
      order.push(r.event.header.fixed_header.event_type.type_name)
    }
    // E1 has its own header Priority 3 but the mapping result wins; E3 has none → default 0
    expect(order).toEqual(['CommunicationsAlarm', 'QoSAlarm', '%ANY'])
  })
})

describe('constraint event types through the channel (digest §4.6)', () => {
  it('event_types [("", "%ANY")] with `$.age > 18` lets only the Any event E3 through', async () => {
    const { channel } = manualSetup()
    const filter = channel.default_filter_factory.createFilter('EXTENDED_TCL')
    filter.addConstraints([
      { event_types: [{ domain_name: '', type_name: '%ANY' }], constraint_expr: '$.age > 18' }
    ])
    const proxy = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.ANY_EVENT
    )
    proxy.add_filter(filter)
    proxy.connect_any_pull_consumer(null)
    const anyIn = channel.for_suppliers().obtain_push_consumer()
    anyIn.connect_push_supplier(null)
    const structIn = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    structIn.connect_structured_push_supplier(null)
    for (const e of [EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3]) {
      if (e.kind === 'structured') structIn.push_structured_event(e.event)
      else anyIn.push(e.data)
    }
    await flush()
    expect(collect(channel, 0, proxy.id)).toEqual(['E3'])
  })
})

describe('filter subscription callbacks (JacORB wiring, digest §2.8)', () => {
  it('a proxy filter reports its constraint types as subscriptions, follows changes, withdraws on removal', () => {
    const { channel } = manualSetup()
    const supplierProxy = channel.for_suppliers().obtain_push_consumer()
    const changes: { added: EventType[]; removed: EventType[] }[] = []
    supplierProxy.connect_push_supplier({
      subscription_change: (added: EventType[], removed: EventType[]) =>
        changes.push({ added, removed })
    })
    const filter = channel.default_filter_factory.createFilter('EXTENDED_TCL')
    const alarm = { domain_name: 'Telecom', type_name: '*Alarm' }
    filter.addConstraints([{ event_types: [alarm], constraint_expr: '' }])
    const proxy = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.ANY_EVENT
    )
    const id = proxy.add_filter(filter)
    expect(changes).toEqual([{ added: [alarm], removed: [] }])
    const qos = { domain_name: 'Telecom', type_name: 'QoS' }
    filter.addConstraints([{ event_types: [qos], constraint_expr: '' }])
    expect(changes[1]).toEqual({ added: [qos], removed: [] })
    expect(supplierProxy.obtain_subscription_types(1)).toEqual([alarm, qos])
    proxy.remove_filter(id)
    expect(changes[2]?.removed).toEqual([alarm, qos])
    filter.addConstraints([
      { event_types: [{ domain_name: 'X', type_name: 'Y' }], constraint_expr: '' }
    ])
    expect(changes).toHaveLength(3)
  })
})

describe('subscription routing (TAO compatibility option)', () => {
  it('proxies start with %ALL and stop receiving types their subscriptions no longer cover', async () => {
    const { channel } = manualSetup([], [], { subscriptionRouting: true })
    const structIn = channel.default_supplier_admin.obtain_notification_push_consumer(
      ClientType.STRUCTURED_EVENT
    )
    structIn.connect_structured_push_supplier(null)
    const proxy = channel.default_consumer_admin.obtain_notification_pull_supplier(
      ClientType.STRUCTURED_EVENT
    )
    proxy.connect_structured_pull_consumer(null)
    expect(structIn.obtain_subscription_types(0)).toEqual([{ domain_name: '*', type_name: '%ALL' }])
    if (EXAMPLE_E1.kind === 'structured') structIn.push_structured_event(EXAMPLE_E1.event)
    expect(proxy.toInfo().queueLength).toBe(1)
    proxy.subscription_change([{ domain_name: 'Telecom', type_name: 'QoS*' }], [])
    if (EXAMPLE_E1.kind === 'structured') structIn.push_structured_event(EXAMPLE_E1.event)
    if (EXAMPLE_E2.kind === 'structured') structIn.push_structured_event(EXAMPLE_E2.event)
    expect(proxy.toInfo().queueLength).toBe(2)
  })
})

describe('conservation property', () => {
  it('every event queued for a consumer is delivered, discarded, expired or still queued, and the queue stays bounded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            priority: fc.integer({ min: -5, max: 5 }),
            timeoutMs: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
            advanceMs: fc.integer({ min: 0, max: 20 }),
            pull: fc.boolean()
          }),
          { maxLength: 40 }
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        async (steps, limit, discardPolicy, orderPolicy) => {
          const { channel, clock } = manualSetup([
            { name: 'MaxEventsPerConsumer', value: limit },
            { name: 'DiscardPolicy', value: discardPolicy },
            { name: 'OrderPolicy', value: orderPolicy }
          ])
          const s = channel.default_supplier_admin.obtain_notification_push_consumer(
            ClientType.STRUCTURED_EVENT
          )
          s.connect_structured_push_supplier(null)
          const pull = channel.default_consumer_admin.obtain_notification_pull_supplier(
            ClientType.STRUCTURED_EVENT
          )
          pull.connect_structured_pull_consumer(null)
          let maxSeen = 0
          for (const [i, step] of steps.entries()) {
            const variable_header = [{ name: 'Priority', value: step.priority }]
            if (step.timeoutMs !== undefined) {
              variable_header.push({ name: 'Timeout', value: step.timeoutMs * 10_000 })
            }
            s.push_structured_event({
              header: {
                fixed_header: {
                  event_type: { domain_name: 'P', type_name: 'T' },
                  event_name: `${i}`
                },
                variable_header
              },
              filterable_data: [],
              remainder_of_body: null
            })
            maxSeen = Math.max(maxSeen, pull.queueLength)
            await clock.advance(step.advanceMs)
            if (step.pull) pull.try_pull_structured_event()
          }
          const c = pull.toInfo().counters
          expect(maxSeen).toBeLessThanOrEqual(limit)
          expect(c.received).toBe(steps.length)
          expect(c.delivered + c.discarded + c.expired + pull.queueLength).toBe(c.received)
          channel.destroy()
        }
      ),
      { numRuns: 100 }
    )
  })
})
