import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { ChannelsCommandSchema, type ChannelsCommandInput } from '@shared/contract/labs/channels'
import { ChannelsLab } from '../src/main/engine/channels/channels-lab'
import type { StructuredEvent } from '../src/main/engine/channels/event'
import { ClientType, type EventChannel } from '../src/main/engine/channels/model'
import type { RedisHost } from '../src/main/engine/redis/redis-host'

/** Deliveries per scenario (events × consumers), so every scenario takes about as long. */
const DELIVERIES_PER_SCENARIO = 100_000
/** Events pushed per turn of the event loop; delivery runs between turns, so queues stay short. */
const PUSH_BATCH = 100
/** Latency samples kept per scenario (reservoir). */
const LATENCY_SAMPLES_MAX = 20_000
/** A scenario that has not delivered everything after this long is reported as it stands. */
const SCENARIO_TIMEOUT_MS = 60_000

export interface ChannelsBenchFigure {
  eventsPerSec: number
  p50Ms: number
  p99Ms: number
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/**
 * One scenario: `consumers` structured push consumers on one channel, optionally behind a consumer
 * admin filter that every event passes (so the filter is evaluated per consumer and nothing is
 * lost), BestEffort or Persistent events. Events/s counts events pushed per second from the first
 * push until every consumer has every event (and, for Persistent, until Redis has acknowledged
 * every write). Latency is push → consumer's push_structured_event, per delivery.
 */
async function scenario(
  lab: ChannelsLab,
  consumers: number,
  filter: boolean,
  persistent: boolean,
  deliveries: number
): Promise<ChannelsBenchFigure> {
  const qos = persistent
    ? [
        { name: 'EventReliability', value: 1 },
        { name: 'ConnectionReliability', value: 1 }
      ]
    : []
  const run = (c: ChannelsCommandInput): Promise<unknown> =>
    lab.execute(ChannelsCommandSchema.parse(c))
  const { channelId } = (await run({ type: 'channels:create', qos, label: 'bench' })) as {
    channelId: number
  }
  const channel: EventChannel = lab.factory.get_event_channel(channelId)
  if (filter) {
    await run({
      type: 'channels:addFilter',
      target: { channelId, side: 'consumer', adminId: 0 },
      constraints: [
        {
          event_types: [{ domain_name: 'Bench', type_name: '*' }],
          constraint_expr: '$n >= 0 and $Priority <= 5'
        }
      ]
    })
  }
  const events = Math.max(100, Math.floor(deliveries / consumers))
  const sentAt = new Float64Array(events + 1)
  const samples: number[] = []
  let seen = 0
  let delivered = 0
  let lastDelivery = 0
  for (let i = 0; i < consumers; i++) {
    const proxy = channel.default_consumer_admin.obtain_notification_push_supplier(
      ClientType.STRUCTURED_EVENT
    )
    proxy.connect_structured_push_consumer({
      push_structured_event: (event: StructuredEvent) => {
        const now = performance.now()
        const n = event.filterable_data[0]?.value as number
        delivered++
        lastDelivery = now
        seen++
        const latency = now - (sentAt[n] ?? now)
        if (samples.length < LATENCY_SAMPLES_MAX) samples.push(latency)
        else {
          const j = Math.floor(Math.random() * seen)
          if (j < LATENCY_SAMPLES_MAX) samples[j] = latency
        }
      }
    })
  }
  const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
    ClientType.STRUCTURED_EVENT
  )
  supplier.connect_structured_push_supplier(null)
  const start = performance.now()
  for (let n = 1; n <= events; n++) {
    sentAt[n] = performance.now()
    supplier.push_structured_event({
      header: {
        fixed_header: { event_type: { domain_name: 'Bench', type_name: 'Tick' }, event_name: '' },
        variable_header: [{ name: 'Priority', value: n % 5 }]
      },
      filterable_data: [{ name: 'n', value: n }],
      remainder_of_body: null
    })
    if (n % PUSH_BATCH === 0) await new Promise((r) => setImmediate(r))
  }
  const expected = events * consumers
  const deadline = Date.now() + SCENARIO_TIMEOUT_MS
  while (delivered < expected && Date.now() < deadline) await new Promise((r) => setImmediate(r))
  let end = lastDelivery
  if (persistent) {
    await lab.flushed()
    end = Math.max(end, performance.now())
  }
  await run({ type: 'channels:destroy', channelId })
  samples.sort((a, b) => a - b)
  const seconds = Math.max(1e-6, (end - start) / 1_000)
  return {
    eventsPerSec: round(delivered / consumers / seconds, 0),
    p50Ms: round(percentile(samples, 50), 3),
    p99Ms: round(percentile(samples, 99), 3)
  }
}

/**
 * Events per second through one channel to 1, 10 and 100 consumers, with and without a filter,
 * BestEffort and Persistent (Redis streams), on the engine's Redis. Keys like
 * `1-consumer-nofilter-besteffort`. Prints nothing; leaves nothing in Redis.
 */
export async function benchChannels(
  redis: RedisHost,
  opts: {
    deliveries?: number
    onScenario?: (key: string, figure: ChannelsBenchFigure) => void
  } = {}
): Promise<Record<string, ChannelsBenchFigure>> {
  const prefix = `flowlab-bench-channels-${randomBytes(4).toString('hex')}`
  const lab = new ChannelsLab({ redis, emit: () => undefined, endpoint: null, prefix })
  await lab.start()
  const figures: Record<string, ChannelsBenchFigure> = {}
  try {
    for (const persistent of [false, true]) {
      for (const consumers of [1, 10, 100]) {
        for (const filter of [false, true]) {
          const key = `${consumers}-consumer-${filter ? 'filter' : 'nofilter'}-${persistent ? 'persistent' : 'besteffort'}`
          figures[key] = await scenario(
            lab,
            consumers,
            filter,
            persistent,
            opts.deliveries ?? DELIVERIES_PER_SCENARIO
          )
          opts.onScenario?.(key, figures[key])
        }
      }
    }
  } finally {
    await lab.close()
    const client = redis.createClient('bench-cleanup')
    try {
      let cursor = '0'
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000)
        cursor = next
        if (keys.length > 0) await client.del(...keys)
      } while (cursor !== '0')
    } finally {
      client.disconnect()
    }
  }
  return figures
}
