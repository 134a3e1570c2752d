import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CommandError } from '@shared/contract'
import {
  ChannelsCommandSchema,
  type ChannelsCommandInput,
  type ChannelsEvaluateResult,
  type ChannelsInfo
} from '@shared/contract/labs/channels'
import { RedisHost } from '../redis/redis-host'
import { ChannelsLab } from './channels-lab'

// Unit tests of the lab's commands without Redis (the host is never started, so persistence is
// unavailable) and without the remote endpoint. Redis and ZeroMQ are covered in test/integration.

function structured(priority: number, severity = priority): unknown {
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Lab', type_name: 'Alarm' },
        event_name: `e${priority}`
      },
      variable_header: [{ name: 'Priority', value: priority }]
    },
    filterable_data: [{ name: 'severity', value: severity }],
    remainder_of_body: { n: priority }
  }
}

describe('ChannelsLab commands', () => {
  let lab: ChannelsLab
  const traces: { type: string; message: string }[] = []
  const run = (input: ChannelsCommandInput): Promise<unknown> =>
    lab.execute(ChannelsCommandSchema.parse(input))
  const info = (): ChannelsInfo => lab.toInfo()
  const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

  beforeEach(async () => {
    traces.length = 0
    lab = new ChannelsLab({
      redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
      emit: (type, _level, message) => traces.push({ type, message }),
      endpoint: null,
      channelOptions: { pollIntervalMs: 5 }
    })
    await lab.start()
  })

  afterEach(async () => {
    await lab.close()
  })

  it('creates a channel, connects a push supplier and two push consumers, one with a filter', async () => {
    const { channelId } = (await run({ type: 'channels:create', label: 'demo' })) as {
      channelId: number
    }
    const sup = (await run({ type: 'channels:connect', channelId, role: 'push-supplier' })) as {
      clientId: string
    }
    const all = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      clientId: string
    }
    const some = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      clientId: string
      proxy: { adminId: number; proxyId: number }
    }
    await run({
      type: 'channels:addFilter',
      target: { channelId, side: 'consumer', adminId: 0, proxyId: some.proxy.proxyId },
      constraints: [{ constraint_expr: '$Priority > 3' }]
    })
    const result = await run({
      type: 'channels:push',
      clientId: sup.clientId,
      events: [1, 2, 3, 4, 5].map((p) => structured(p))
    })
    expect(result).toEqual({ accepted: 5, rejected: 0 })
    await flush()
    const clients = info().clients
    expect(clients.find((c) => c.id === all.clientId)?.received).toBe(5)
    const filtered = clients.find((c) => c.id === some.clientId)
    // Delivery starts after the push returns; with the default PriorityOrder, 5 goes first.
    expect(filtered?.lastReceived.map((e) => e.eventName)).toEqual(['e5', 'e4'])
    const channel = info().channels[0]
    expect(channel?.label).toBe('demo')
    expect(channel?.counters.filteredOut).toBe(3)
    expect(info().filters).toHaveLength(1)
  })

  it('the event flow follows each event to every consumer: delivered or filtered out there', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const sup = (await run({ type: 'channels:connect', channelId, role: 'push-supplier' })) as {
      clientId: string
      proxy: { adminId: number; proxyId: number }
    }
    const all = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      proxy: { adminId: number; proxyId: number }
    }
    const some = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      proxy: { adminId: number; proxyId: number }
    }
    await run({
      type: 'channels:addFilter',
      target: { channelId, side: 'consumer', adminId: 0, proxyId: some.proxy.proxyId },
      constraints: [{ constraint_expr: '$Priority > 3' }]
    })
    await run({
      type: 'channels:push',
      clientId: sup.clientId,
      events: [2, 5].map((p) => structured(p))
    })
    await flush()
    const flow = info().flow
    expect(flow.events).toHaveLength(2)
    const story = (i: number): string[] =>
      (flow.events[i]?.steps ?? [])
        .map((s) => `${s.kind}@${s.proxy}${s.detail ? `:${s.detail}` : ''}`)
        .sort()
    const a = `C${all.proxy.adminId}/${all.proxy.proxyId}`
    const b = `C${some.proxy.adminId}/${some.proxy.proxyId}`
    const from = `S${sup.proxy.adminId}/${sup.proxy.proxyId}`
    expect(story(0)).toEqual(
      [`delivered@${a}`, `filtered@${b}:consumer`, `received@${from}`].sort()
    )
    expect(story(1)).toEqual([`delivered@${a}`, `delivered@${b}`, `received@${from}`].sort())
  })

  it('names the property and the reason of UnsupportedQoS and creates nothing', async () => {
    const err = await run({
      type: 'channels:create',
      qos: [{ name: 'Priority', value: 40_000 }]
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CommandError)
    expect((err as CommandError).code).toBe('invalid_command')
    expect((err as CommandError).message).toMatch(/^UnsupportedQoS: .*Priority BAD_VALUE/)
    expect(info().channelsTotal).toBe(0)
  })

  it('refuses persistent channels without Redis, saying why', async () => {
    const err = await run({
      type: 'channels:create',
      qos: [
        { name: 'EventReliability', value: 1 },
        { name: 'ConnectionReliability', value: 1 }
      ]
    }).catch((e: unknown) => e)
    expect((err as CommandError).code).toBe('redis_unavailable')
  })

  it('maps AlreadyConnected, ChannelNotFound and AdminLimitExceeded to invalid_state with the exception name', async () => {
    const { channelId } = (await run({
      type: 'channels:create',
      admin: [{ name: 'MaxConsumers', value: 1 }]
    })) as { channelId: number }
    await run({ type: 'channels:connect', channelId, role: 'pull-consumer' })
    const limit = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' }).catch(
      (e: unknown) => e
    )) as CommandError
    expect(limit.code).toBe('invalid_state')
    expect(limit.message).toBe(
      'AdminLimitExceeded: MaxConsumers is 1; no more proxies on this side'
    )
    const missing = (await run({ type: 'channels:destroy', channelId: 99 }).catch(
      (e: unknown) => e
    )) as CommandError
    expect(missing.message).toMatch(/^ChannelNotFound/)
  })

  it('pull consumers: try_pull, background pull, hybrid push/pull mailbox', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const sup = (await run({ type: 'channels:connect', channelId, role: 'push-supplier' })) as {
      clientId: string
    }
    const con = (await run({ type: 'channels:connect', channelId, role: 'pull-consumer' })) as {
      clientId: string
    }
    expect(await run({ type: 'channels:pull', clientId: con.clientId })).toEqual({
      hasEvent: false,
      events: [],
      pending: false
    })
    expect(await run({ type: 'channels:pull', clientId: con.clientId, mode: 'pull' })).toEqual({
      hasEvent: false,
      events: [],
      pending: true
    })
    expect(info().clients.find((c) => c.id === con.clientId)?.pendingPulls).toBe(1)
    await run({
      type: 'channels:push',
      clientId: sup.clientId,
      events: [structured(1), structured(2)]
    })
    await flush()
    const pulled = (await run({ type: 'channels:pull', clientId: con.clientId })) as {
      events: { header: { fixed_header: { event_name: string } } }[]
    }
    expect(pulled.events.map((e) => e.header.fixed_header.event_name)).toEqual(['e2'])
    expect(info().clients.find((c) => c.id === con.clientId)?.received).toBe(2)
  })

  it('pull suppliers are polled (canonical pull), any consumers see structured events as anys', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const sup = (await run({
      type: 'channels:connect',
      channelId,
      role: 'pull-supplier',
      kind: 'any'
    })) as {
      clientId: string
    }
    const con = (await run({
      type: 'channels:connect',
      channelId,
      role: 'pull-consumer',
      kind: 'any'
    })) as {
      clientId: string
    }
    await run({ type: 'channels:push', clientId: sup.clientId, events: [{ hello: 'world' }] })
    let got: unknown = { hasEvent: false }
    for (let i = 0; i < 100 && !(got as { hasEvent: boolean }).hasEvent; i++) {
      await new Promise((r) => setTimeout(r, 10))
      got = await run({ type: 'channels:pull', clientId: con.clientId })
    }
    expect(got).toMatchObject({ hasEvent: true, events: [{ hello: 'world' }] })
  })

  it('kill and revive: a BestEffort push consumer is dropped by the channel at the next delivery', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const sup = (await run({ type: 'channels:connect', channelId, role: 'push-supplier' })) as {
      clientId: string
    }
    const con = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      clientId: string
    }
    await run({ type: 'channels:kill', clientId: con.clientId })
    await run({ type: 'channels:push', clientId: sup.clientId, events: [structured(1)] })
    await flush()
    await flush()
    expect(info().channels[0]?.consumerAdmins[0]?.proxies).toHaveLength(0)
    const revive = (await run({ type: 'channels:revive', clientId: con.clientId }).catch(
      (e: unknown) => e
    )) as CommandError
    expect(revive.message).toMatch(/BestEffort/)
  })

  it('suspend/resume flushes in priority order; queue entries show priority and policy', async () => {
    const { channelId } = (await run({
      type: 'channels:create',
      qos: [{ name: 'OrderPolicy', value: 2 }]
    })) as { channelId: number }
    const sup = (await run({ type: 'channels:connect', channelId, role: 'push-supplier' })) as {
      clientId: string
    }
    const con = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      clientId: string
      proxy: { channelId: number; side: 'consumer'; adminId: number; proxyId: number }
    }
    await run({ type: 'channels:suspend', proxy: con.proxy })
    await run({
      type: 'channels:push',
      clientId: sup.clientId,
      events: [1, 5, 3].map((p) => structured(p))
    })
    const queue = info().channels[0]?.consumerAdmins[0]?.proxies[0]?.queue
    expect(queue?.orderPolicy).toBe('PriorityOrder')
    expect(queue?.entries.map((e) => e.priority)).toEqual([5, 3, 1])
    const again = (await run({ type: 'channels:suspend', proxy: con.proxy }).catch(
      (e: unknown) => e
    )) as CommandError
    expect(again.message).toMatch(/^ConnectionAlreadyInactive/)
    await run({ type: 'channels:resume', proxy: con.proxy })
    await flush()
    await flush()
    await flush()
    expect(
      info()
        .clients.find((c) => c.id === con.clientId)
        ?.lastReceived.map((e) => e.eventName)
    ).toEqual(['e5', 'e3', 'e1'])
  })

  it('federates two channels and refuses a cycle', async () => {
    const a = ((await run({ type: 'channels:create' })) as { channelId: number }).channelId
    const b = ((await run({ type: 'channels:create' })) as { channelId: number }).channelId
    await run({ type: 'channels:federate', from: a, to: b })
    const sup = (await run({ type: 'channels:connect', channelId: a, role: 'push-supplier' })) as {
      clientId: string
    }
    const con = (await run({ type: 'channels:connect', channelId: b, role: 'push-consumer' })) as {
      clientId: string
    }
    await run({ type: 'channels:push', clientId: sup.clientId, events: [structured(2)] })
    for (let i = 0; i < 5; i++) await flush()
    expect(info().clients.find((c) => c.id === con.clientId)?.received).toBe(1)
    expect(info().channels[0]?.federation).toHaveLength(1)
    const cycle = (await run({ type: 'channels:federate', from: b, to: a }).catch(
      (e: unknown) => e
    )) as CommandError
    expect(cycle.message).toMatch(/^FederationCycle/)
  })

  it('mapping filters, QoS on a proxy, discovery, flood with MaxEventsPerConsumer and discard counters', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    const con = (await run({
      type: 'channels:connect',
      channelId,
      role: 'pull-consumer',
      qos: [
        { name: 'MaxEventsPerConsumer', value: 10 },
        { name: 'DiscardPolicy', value: 1 }
      ]
    })) as { clientId: string; proxy: { proxyId: number } }
    const mapped = (await run({
      type: 'channels:setMappingFilter',
      target: { channelId, side: 'consumer', proxyId: con.proxy.proxyId },
      kind: 'priority',
      defaultValue: 0,
      constraints: [{ constraint: { constraint_expr: '$n > 95' }, value: 100 }]
    })) as { filterId: number }
    expect(mapped.filterId).toBeGreaterThan(0)
    await run({
      type: 'channels:subscriptionChange',
      clientId: con.clientId,
      added: [{ domain_name: 'Flowlab', type_name: 'Flood' }]
    })
    const flood = await run({ type: 'channels:flood', channelId, count: 100 })
    expect(flood).toEqual({ accepted: 100, rejected: 0 })
    const proxy = info().channels[0]?.consumerAdmins[0]?.proxies[0]
    expect(proxy?.queue.length).toBe(10)
    expect(proxy?.counters.discardedBy).toEqual({ FifoOrder: 90 })
    expect(proxy?.queue.entries.slice(0, 5).map((e) => e.priority)).toEqual([
      100, 100, 100, 100, 100
    ])
    const discovery = info().channels[0]?.discovery
    expect(discovery?.[0]?.consumers).toHaveLength(1)
    await run({
      type: 'channels:setQoS',
      target: { channelId, side: 'consumer', adminId: 0, proxyId: con.proxy.proxyId },
      qos: [{ name: 'MaxEventsPerConsumer', value: 20 }]
    })
    expect(info().channels[0]?.consumerAdmins[0]?.proxies[0]?.queue.capacity).toBe(20)
  })

  it('traces traffic as summaries, not one event per message', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    await run({ type: 'channels:connect', channelId, role: 'push-consumer' })
    await run({ type: 'channels:flood', channelId, count: 2_000 })
    await new Promise((r) => setTimeout(r, 1_100))
    expect(traces.length).toBeLessThan(20)
    expect(traces.some((t) => t.type === 'traffic')).toBe(true)
  })

  it('keeps ChannelsInfo bounded under heavy traffic', async () => {
    const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
    for (let i = 0; i < 40; i++)
      await run({ type: 'channels:connect', channelId, role: 'pull-consumer' })
    await run({
      type: 'channels:flood',
      channelId,
      count: 200,
      event: {
        header: { fixed_header: { event_type: { domain_name: 'x', type_name: 'y' } } },
        remainder_of_body: 'z'.repeat(5_000)
      }
    })
    const json = JSON.stringify(info())
    expect(json.length).toBeLessThanOrEqual(256 * 1024)
  })
})

describe('channels:evaluate (live filter editor)', () => {
  it('returns the column and what was expected for a syntax error', async () => {
    const lab = new ChannelsLab({
      redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
      emit: () => undefined,
      endpoint: null
    })
    await lab.start()
    try {
      const bad = (await lab.execute(
        ChannelsCommandSchema.parse({ type: 'channels:evaluate', constraint: '$severity >' })
      )) as ChannelsEvaluateResult
      expect(bad).toMatchObject({ ok: false, error: { kind: 'syntax', column: 12 } })
      // The message leaves the column to the caller (the editor says `at column 12:` itself).
      expect(bad.ok === false && bad.error.message).toBe(
        'expected an expression but found end of input'
      )
      const good = (await lab.execute(
        ChannelsCommandSchema.parse({
          type: 'channels:evaluate',
          constraint: '$severity > 3',
          events: [structured(1, 5), structured(1, 2), { no: 'header' }]
        })
      )) as ChannelsEvaluateResult
      expect(good.ok && good.results.map((r) => r.matched)).toEqual([true, false, false])
      expect(good.ok && good.results[2]?.failure?.kind).toBe('missing')
    } finally {
      await lab.close()
    }
  })
})
