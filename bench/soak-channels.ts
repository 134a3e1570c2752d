import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JsonValue, ProxyRefJson } from '../src/shared/contract/labs/channels'
import { ChannelsClient } from '../src/main/engine/channels/remote/client'
import { freePort } from '../src/main/engine/redis/free-port'
import { startChannelsHost, type ChannelsHostProcess } from '../test/integration/channels-harness'
import { RssSampler, type RssPeaks } from './soak-rss'

/** Events per `channels:push` of the soak's supplier. */
const PUSH_BATCH_EVENTS = 20
/** The host is SIGKILLed after a random time in this range of pushing, in ms. */
const KILL_AFTER_MIN_MS = 500
const KILL_AFTER_MAX_MS = 2_000
/**
 * The supplier waits while more than this many acknowledged events are not yet at the consumer
 * (flow control: the soak measures loss across kills, not a backlog the consumer cannot drain).
 */
const BACKLOG_MAX_EVENTS = 200
/** After the last restart, how long the consumer may take to catch up, in ms. */
const DRAIN_TIMEOUT_MS = Number(process.env.SOAK_DRAIN_MS ?? 60_000)

export interface ChannelsSoakResult {
  kills: number
  /** Events whose push the host acknowledged (accepted). */
  acknowledged: number
  /** Acknowledged events the consumer never received. */
  lost: number
  /** Extra deliveries (an event received n > 1 times counts n - 1). */
  duplicated: number
  /** Events received though their push was not acknowledged (in flight at a kill). */
  unacknowledgedDelivered: number
  /** Events pushed in a batch cut off by a kill (neither acknowledged nor refused). */
  inFlightAtKill: number
  rss: RssPeaks
  durationMs: number
}

const nameOf = (e: JsonValue): string =>
  (e as { header: { fixed_header: { event_name: string } } }).header.fixed_header.event_name

function event(n: number): JsonValue {
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Soak', type_name: 'Tick' },
        event_name: `e${n}`
      },
      variable_header: []
    },
    filterable_data: [{ name: 'n', value: n }],
    remainder_of_body: null
  }
}

/**
 * A persistent channel (EventReliability and ConnectionReliability Persistent) in a
 * `flowlab channels-host` process, fed by a lab push supplier while a remote push consumer
 * receives; the host is SIGKILLed mid-stream `kills` times and restarted on the same data folder,
 * the consumer reconnecting its proxy each time. Counts, at the consumer, acknowledged events lost
 * and events delivered more than once.
 */
export async function soakChannels(
  kills: number,
  log: (line: string) => void
): Promise<ChannelsSoakResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlab-soak-channels-'))
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const hostPids = new Set<number>()
  const rss = new RssSampler(() => hostPids)
  const received = new Map<number, number>()
  const acknowledged = new Set<number>()
  let inFlightAtKill = 0
  let host: ChannelsHostProcess | null = null
  let consumer: ChannelsClient | null = null
  const started = Date.now()
  let receivedCount = 0
  /** Distinct events received at least once (counted incrementally). */
  const receivedAcknowledged = (): number => receivedCount
  const openConsumer = async (h: ChannelsHostProcess): Promise<ChannelsClient> =>
    ChannelsClient.open(h.endpoint, {
      name: 'soak-consumer',
      onPush: (_proxy, events) => {
        for (const e of events) {
          const n = Number(nameOf(e).slice(1))
          if (!received.has(n)) receivedCount++
          received.set(n, (received.get(n) ?? 0) + 1)
        }
      }
    })
  try {
    host = await startChannelsHost({ dataDir, endpoint })
    if (host.child.pid) hostPids.add(host.child.pid)
    const { channelId } = await host.run<{ channelId: number }>({
      type: 'channels:create',
      label: 'soak',
      qos: [
        { name: 'EventReliability', value: 1 },
        { name: 'ConnectionReliability', value: 1 },
        { name: 'OrderPolicy', value: 1 }
      ]
    })
    const supplier = await host.run<{ clientId: string }>({
      type: 'channels:connect',
      channelId,
      role: 'push-supplier',
      label: 'soak-supplier'
    })
    consumer = await openConsumer(host)
    const proxy: ProxyRefJson = await consumer.obtain({ channel: channelId, role: 'push-consumer' })
    await consumer.connect(proxy)
    let next = 1
    for (let cycle = 0; cycle <= kills; cycle++) {
      const h: ChannelsHostProcess = host
      const exited = new Promise<'exit'>((r) => h.child.once('exit', () => r('exit')))
      const last = cycle === kills
      const pushFor = KILL_AFTER_MIN_MS + Math.random() * (KILL_AFTER_MAX_MS - KILL_AFTER_MIN_MS)
      const killAt = Date.now() + pushFor
      const killer = last ? null : setTimeout(() => void h.kill(), pushFor)
      while (Date.now() < killAt + (last ? 0 : 5_000)) {
        if (acknowledged.size - receivedAcknowledged() > BACKLOG_MAX_EVENTS) {
          const gone = await Promise.race([exited, new Promise((r) => setTimeout(r, 5))])
          if (gone === 'exit') break
          continue
        }
        const batch = Array.from({ length: PUSH_BATCH_EVENTS }, (_, i) => next + i)
        next += PUSH_BATCH_EVENTS
        const answer = await Promise.race([
          h
            .run<{ accepted: number }>({
              type: 'channels:push',
              clientId: supplier.clientId,
              events: batch.map(event)
            })
            .catch(() => ({ accepted: -1 })),
          exited
        ])
        if (answer === 'exit') {
          inFlightAtKill += batch.length
          break
        }
        if (answer.accepted === batch.length) for (const n of batch) acknowledged.add(n)
        else throw new Error(`push accepted ${answer.accepted} of ${batch.length}`)
      }
      if (last) break
      await exited
      if (killer) clearTimeout(killer)
      consumer.close()
      log(
        `  channels: SIGKILL ${cycle + 1}/${kills} after ${acknowledged.size} acknowledged, next ${next}`
      )
      host = await startChannelsHost({ dataDir, endpoint })
      if (host.child.pid) hostPids.add(host.child.pid)
      consumer = await openConsumer(host)
      await consumer.reconnect(proxy)
    }
    const deadline = Date.now() + DRAIN_TIMEOUT_MS
    const missing = (): number => [...acknowledged].filter((n) => !received.has(n)).length
    while (missing() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    // Let any late duplicate arrive before counting.
    await new Promise((r) => setTimeout(r, 500))
    const lostList = [...acknowledged].filter((n) => !received.has(n))
    if (lostList.length > 0) {
      log(`  channels: lost ${lostList.slice(0, 40).join(' ')}`)
      const info = await host.info()
      const p = info.channels[0]?.consumerAdmins[0]?.proxies.find((x) => x.client.kind === 'remote')
      log(`  channels: proxy ${JSON.stringify(p?.client)} queue ${p?.queue.length}`)
      log(`  channels: persistence ${JSON.stringify(info.persistence)}`)
    }
    let duplicated = 0
    let unacknowledgedDelivered = 0
    for (const [n, times] of received) {
      duplicated += times - 1
      if (!acknowledged.has(n)) unacknowledgedDelivered++
    }
    return {
      kills,
      acknowledged: acknowledged.size,
      lost: missing(),
      duplicated,
      unacknowledgedDelivered,
      inFlightAtKill,
      rss: rss.stop(),
      durationMs: Date.now() - started
    }
  } finally {
    rss.stop()
    consumer?.close()
    await host?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
