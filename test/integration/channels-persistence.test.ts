import { afterAll, describe, expect, it } from 'vitest'
import type { JsonValue, ProxyRefJson } from '@shared/contract/labs/channels'
import { ChannelsClient } from '../../src/main/engine/channels/remote/client'
import { freePort } from '../../src/main/engine/redis/free-port'
import { tempDir } from '../helpers/temp-dir'
import { eventually, startChannelsHost, type ChannelsHostProcess } from './channels-harness'

// Acceptance 3: persistent events pushed while a consumer is away are all delivered after the
// engine process is killed with SIGKILL and restarted on the same data folder (managed Redis with
// AOF; the new host reaps the killed one's redis-server with SIGTERM, flushing its AOF);
// best-effort ones are gone, and ChannelsInfo says how many.

function event(n: number, reliability?: 0 | 1): JsonValue {
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Lab', type_name: 'Reading' },
        event_name: `r${n}`
      },
      variable_header:
        reliability === undefined ? [] : [{ name: 'EventReliability', value: reliability }]
    },
    filterable_data: [{ name: 'n', value: n }],
    remainder_of_body: null
  }
}

const nameOf = (e: JsonValue): string =>
  (e as { header: { fixed_header: { event_name: string } } }).header.fixed_header.event_name

describe('channels persistence across a SIGKILL of the engine (acceptance 3)', () => {
  const dir = tempDir('flowlab-channels-persist-')
  const hosts: ChannelsHostProcess[] = []
  const clients: ChannelsClient[] = []

  afterAll(async () => {
    for (const c of clients) c.close()
    for (const h of hosts) await h.stop()
    dir.remove()
  })

  it('delivers every persistent event after SIGKILL + restart, reports the best-effort ones lost', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`
    const first = await startChannelsHost({ dataDir: dir.path, endpoint })
    hosts.push(first)
    const { channelId } = await first.run<{ channelId: number }>({
      type: 'channels:create',
      label: 'durable',
      qos: [
        { name: 'EventReliability', value: 1 },
        { name: 'ConnectionReliability', value: 1 },
        { name: 'OrderPolicy', value: 1 }
      ]
    })
    // A remote push consumer connects, receives one event, then goes away.
    const seen: string[] = []
    const consumer = await ChannelsClient.open(first.endpoint, {
      name: 'ts-consumer',
      onPush: (_proxy, events) => {
        for (const e of events) seen.push(nameOf(e))
      }
    })
    clients.push(consumer)
    const proxy: ProxyRefJson = await consumer.obtain({ channel: channelId, role: 'push-consumer' })
    await consumer.connect(proxy)
    const supplier = await first.run<{ clientId: string }>({
      type: 'channels:connect',
      channelId,
      role: 'push-supplier',
      label: 'sensor'
    })
    await first.run({ type: 'channels:push', clientId: supplier.clientId, events: [event(0)] })
    await eventually(() => seen.length === 1, 10_000, 'the first event')
    await consumer.bye()

    // While it is away: 5 persistent events and 3 that ask for BestEffort.
    await first.run({
      type: 'channels:push',
      clientId: supplier.clientId,
      events: [
        event(1),
        event(2, 0),
        event(3),
        event(4, 0),
        event(5),
        event(6, 0),
        event(7),
        event(8)
      ]
    })
    await first.until((info) => {
      const p = info.channels[0]?.consumerAdmins[0]?.proxies.find((x) => x.client.kind === 'remote')
      return (
        p?.queue.length === 8 &&
        info.persistence.pendingWrites === 0 &&
        info.persistence.storedEvents === 5
      )
    })
    // Let the best-effort ledger reach Redis (one coalesced write after the last change).
    await new Promise((r) => setTimeout(r, 100))

    await first.kill()

    const second = await startChannelsHost({ dataDir: dir.path, endpoint })
    hosts.push(second)
    const restored = await second.info()
    expect(restored.persistence.lastRestart).toMatchObject({
      channelsRestored: 1,
      eventsRestored: 5,
      bestEffortLost: 3,
      unclean: true
    })
    const channel = restored.channels.find((c) => c.id === channelId)
    expect(channel?.label).toBe('durable')
    const away = channel?.consumerAdmins[0]?.proxies.find((p) => p.ref.proxyId === proxy.proxyId)
    expect(away?.client).toMatchObject({ kind: 'remote', away: true })
    expect(away?.queue.length).toBe(5)

    // The consumer comes back and gets exactly the persistent events, in order.
    const after: string[] = []
    const back = await ChannelsClient.open(second.endpoint, {
      name: 'ts-consumer',
      onPush: (_proxy, events) => {
        for (const e of events) after.push(nameOf(e))
      }
    })
    clients.push(back)
    expect(await back.reconnect(proxy)).toMatchObject({ queued: 5 })
    await eventually(() => after.length >= 5, 10_000, 'the persistent events')
    expect(after).toEqual(['r1', 'r3', 'r5', 'r7', 'r8'])
    await second.until(
      (info) => info.persistence.storedEvents === 0 && info.persistence.pendingWrites === 0
    )

    // The supplier lab client came back too and keeps pushing into the same channel.
    await second.run({ type: 'channels:push', clientId: supplier.clientId, events: [event(9)] })
    await eventually(() => after.length === 6, 10_000, 'a new event after the restart')
    expect(after.at(-1)).toBe('r9')
  })
})
