import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ChannelsCommandSchema,
  type ChannelsCommandInput,
  type JsonValue
} from '@shared/contract/labs/channels'
import { ChannelsLab } from '../../src/main/engine/channels/channels-lab'
import { RedisHost } from '../../src/main/engine/redis/redis-host'
import { tempDir } from '../helpers/temp-dir'
import { eventually } from './channels-harness'

// The "restart engine" button (channels:restart) on a real Redis: persistent topology (with its
// filters and a killed lab consumer) and persistent events come back; best-effort events are
// counted as lost. Also a clean close followed by a new lab on the same prefix.

function event(n: number, severity: number, reliability?: 0): JsonValue {
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Lab', type_name: 'Reading' },
        event_name: `r${n}`
      },
      variable_header: reliability === undefined ? [] : [{ name: 'EventReliability', value: 0 }]
    },
    filterable_data: [{ name: 'severity', value: severity }],
    remainder_of_body: null
  }
}

describe('channels:restart with persistent channels', () => {
  const dir = tempDir('flowlab-channels-restart-')
  const prefix = `test-${randomUUID()}`
  let redis: RedisHost
  const labs: ChannelsLab[] = []

  const newLab = async (): Promise<ChannelsLab> => {
    const lab = new ChannelsLab({ redis, emit: () => undefined, endpoint: null, prefix })
    await lab.start()
    labs.push(lab)
    return lab
  }

  beforeAll(async () => {
    redis = new RedisHost({ dataDir: dir.path })
    await redis.start()
  })

  afterAll(async () => {
    for (const lab of labs) await lab.close()
    const client = redis.createClient('cleanup')
    const keys = await client.keys(`${prefix}:*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
    await redis.close()
    dir.remove()
  })

  it('brings back topology, filters and persistent events; reports lost best-effort events', async () => {
    const lab = await newLab()
    const run = (c: ChannelsCommandInput): Promise<unknown> =>
      lab.execute(ChannelsCommandSchema.parse(c))
    const { channelId } = (await run({
      type: 'channels:create',
      label: 'durable',
      qos: [
        { name: 'EventReliability', value: 1 },
        { name: 'ConnectionReliability', value: 1 },
        { name: 'OrderPolicy', value: 1 }
      ]
    })) as { channelId: number }
    const sup = (await run({ type: 'channels:connect', channelId, role: 'push-supplier' })) as {
      clientId: string
    }
    const con = (await run({ type: 'channels:connect', channelId, role: 'push-consumer' })) as {
      clientId: string
      proxy: { proxyId: number }
    }
    await run({
      type: 'channels:addFilter',
      target: { channelId, side: 'consumer', proxyId: con.proxy.proxyId },
      constraints: [{ constraint_expr: '$severity > 1' }]
    })
    await run({ type: 'channels:kill', clientId: con.clientId })
    await run({
      type: 'channels:push',
      clientId: sup.clientId,
      events: [event(1, 5), event(2, 1), event(3, 5, 0), event(4, 5), event(5, 5, 0), event(6, 5)]
    })
    await lab.flushed()
    expect(lab.toInfo().persistence.storedEvents).toBe(3)

    const report = await run({ type: 'channels:restart' })
    expect(report).toMatchObject({
      channelsRestored: 1,
      proxiesRestored: 2,
      eventsRestored: 3,
      bestEffortLost: 2,
      unclean: true
    })
    const info = lab.toInfo()
    expect(info.channels[0]?.label).toBe('durable')
    const proxy = info.channels[0]?.consumerAdmins[0]?.proxies.find(
      (p) => p.ref.proxyId === con.proxy.proxyId
    )
    expect(proxy?.queue.entries.map((e) => e.eventName)).toEqual(['r1', 'r4', 'r6'])
    // Restored events keep the ids they had (r1 was the 1st event, r4 the 4th, r6 the 6th).
    expect(proxy?.queue.entries.map((e) => e.seq)).toEqual([1, 4, 6])
    expect(proxy?.filterIds).toHaveLength(1)
    expect(info.clients.find((c) => c.id === con.clientId)?.state).toBe('killed')

    // The filter came back with the proxy: severity 1 is still filtered out after the restart.
    await run({ type: 'channels:push', clientId: sup.clientId, events: [event(7, 1), event(8, 5)] })
    // New events are numbered after the restored ones: r7, r8 are the channel's events 7 and 8.
    const queued = lab
      .toInfo()
      .channels[0]?.consumerAdmins[0]?.proxies.find((p) => p.ref.proxyId === con.proxy.proxyId)
      ?.queue.entries
    expect(queued?.map((e) => [e.eventName, e.seq])).toEqual([
      ['r1', 1],
      ['r4', 4],
      ['r6', 6],
      ['r8', 8]
    ])
    await run({ type: 'channels:revive', clientId: con.clientId })
    await eventually(
      () => (lab.toInfo().clients.find((c) => c.id === con.clientId)?.received ?? 0) >= 4,
      5_000,
      'delivery'
    )
    const names = lab
      .toInfo()
      .clients.find((c) => c.id === con.clientId)
      ?.lastReceived.map((e) => e.eventName)
    expect(names).toEqual(['r1', 'r4', 'r6', 'r8'])
    await lab.flushed()
    expect(lab.toInfo().persistence.storedEvents).toBe(0)

    // A clean close and a new lab: the topology is still there, nothing was lost this time.
    await lab.close()
    const next = await newLab()
    expect(next.toInfo().persistence.lastRestart).toMatchObject({
      channelsRestored: 1,
      eventsRestored: 0,
      bestEffortLost: 0,
      unclean: false
    })
    expect(next.toInfo().channels.map((c) => c.id)).toEqual([channelId])
  })
  it('restores a federation link between two persistent channels', async () => {
    const lab = await newLab()
    const run = (c: ChannelsCommandInput): Promise<unknown> =>
      lab.execute(ChannelsCommandSchema.parse(c))
    const qos = [
      { name: 'EventReliability', value: 1 },
      { name: 'ConnectionReliability', value: 1 }
    ]
    const a = ((await run({ type: 'channels:create', qos })) as { channelId: number }).channelId
    const b = ((await run({ type: 'channels:create', qos })) as { channelId: number }).channelId
    await run({ type: 'channels:federate', from: a, to: b })
    await run({ type: 'channels:restart' })
    const links = lab.toInfo().channels.find((c) => c.id === a)?.federation
    expect(links).toHaveLength(1)
    const sup = (await run({ type: 'channels:connect', channelId: a, role: 'push-supplier' })) as {
      clientId: string
    }
    const con = (await run({ type: 'channels:connect', channelId: b, role: 'push-consumer' })) as {
      clientId: string
    }
    await run({ type: 'channels:push', clientId: sup.clientId, events: [event(1, 3)] })
    await eventually(
      () => (lab.toInfo().clients.find((c) => c.id === con.clientId)?.received ?? 0) === 1,
      5_000,
      'federated delivery'
    )
  })
})
