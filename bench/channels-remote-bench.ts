import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Publisher } from 'zeromq'
import { ChannelsCommandSchema, type ChannelsCommandInput } from '@shared/contract/labs/channels'
import { ChannelsLab } from '../src/main/engine/channels/channels-lab'
import { ClientType } from '../src/main/engine/channels/model'
import { freePort } from '../src/main/engine/redis/free-port'
import type { RedisHost } from '../src/main/engine/redis/redis-host'
import { reap } from './raw-windowed-bench'

/** Deliveries per scenario (events × consumers). */
const DELIVERIES = Number(process.env.BENCH_FANOUT_DELIVERIES ?? 50_000)
/** Events published per turn of the event loop, the same for every kind. */
const PUBLISH_BATCH = 100
/**
 * A scenario that has not delivered everything after this long is reported as it stands (its
 * rate counts what arrived by then; `delivered` < `expected` says so).
 */
const SCENARIO_TIMEOUT_MS = Number(process.env.BENCH_FANOUT_TIMEOUT_MS ?? 10_000)
const CONSUMERS = join(__dirname, 'fanout-consumers.ts')
const REDIS_CHANNEL = 'flowlab-bench-fanout'

/** Deliveries per second (events × consumers / s) and latency per delivery. */
export interface FanoutFigure {
  deliveriesPerSec: number
  p50Ms: number
  p99Ms: number
  delivered: number
  expected: number
}

interface Done {
  t: 'done'
  delivered: number
  lastAt: number
  p50Ms: number
  p99Ms: number
}

function now(): number {
  return performance.timeOrigin + performance.now()
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A structured event like the in-process bench's, stamped with its send time. */
function event(n: number): Record<string, unknown> {
  return {
    header: {
      fixed_header: { event_type: { domain_name: 'Bench', type_name: 'Tick' }, event_name: '' },
      variable_header: [{ name: 'Priority', value: n % 5 }]
    },
    filterable_data: [
      { name: 'n', value: n },
      { name: 't', value: now() }
    ],
    remainder_of_body: null
  }
}

/**
 * Forks the consumers, waits for `ready` (sending `warm` meanwhile, for PUB/SUB's slow joiners),
 * publishes `events` with `publish`, and waits for `done`.
 */
async function run(
  args: string[],
  events: number,
  consumers: number,
  publish: (n: number) => void,
  warm: () => void = () => undefined
): Promise<FanoutFigure> {
  const expected = events * consumers
  const [kind, target, ...extra] = args
  const argv = [kind ?? '', target ?? '', String(consumers), String(expected), ...extra]
  const child: ChildProcess = fork(CONSUMERS, argv, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  })
  try {
    let done: Done | null = null
    let ready = false
    child.on('message', (m: { t: string }) => {
      if (m.t === 'ready') ready = true
      if (m.t === 'done') done = m as Done
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    let exitedEarly = false
    void exited.then(() => (exitedEarly = true))
    while (!ready && !exitedEarly) {
      warm()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    if (!ready) throw new Error(`fan-out consumers (${args[0]}) exited before they were ready`)
    const start = now()
    for (let n = 1; n <= events; n++) {
      publish(n)
      if (n % PUBLISH_BATCH === 0) await turn()
    }
    const deadline = Date.now() + SCENARIO_TIMEOUT_MS
    while (!done && Date.now() < deadline && !exitedEarly) await turn()
    if (!done) {
      child.send({ t: 'report' })
      const until = Date.now() + 2_000
      while (!done && Date.now() < until && !exitedEarly) await turn()
    }
    const d = done as Done | null
    if (!d) throw new Error(`fan-out consumers (${args[0]}) gave no figures`)
    const seconds = Math.max(1e-6, (d.lastAt - start) / 1_000)
    return {
      deliveriesPerSec: Math.round(d.delivered / seconds),
      p50Ms: Math.round(d.p50Ms * 1_000) / 1_000,
      p99Ms: Math.round(d.p99Ms * 1_000) / 1_000,
      delivered: d.delivered,
      expected
    }
  } finally {
    await reap([child])
  }
}

/**
 * Fan-out to 1, 10 and 100 remote consumers (one connection each, all in one other process): the
 * Channels lab over its ZeroMQ remote protocol with a BestEffort and a Persistent channel, raw
 * ZeroMQ PUB/SUB and Redis pub/sub (ioredis) delivering the same events. Keys like
 * `100-remote-besteffort`, `100-zmq-pubsub`, `100-redis-pubsub`.
 */
export async function benchFanout(redis: RedisHost): Promise<Record<string, FanoutFigure>> {
  const figures: Record<string, FanoutFigure> = {}
  const prefix = `flowlab-bench-fanout-${randomBytes(4).toString('hex')}`
  const endpoint = `tcp://127.0.0.1:${await freePort()}`
  const lab = new ChannelsLab({ redis, emit: () => undefined, endpoint, prefix })
  await lab.start()
  const cmd = (c: ChannelsCommandInput): Promise<unknown> =>
    lab.execute(ChannelsCommandSchema.parse(c))
  const pub = new Publisher({ linger: 0, sendHighWaterMark: 0 })
  const pubEndpoint = `tcp://127.0.0.1:${await freePort()}`
  await pub.bind(pubEndpoint)
  const publisher = redis.createClient('bench-fanout')
  try {
    for (const consumers of [1, 10, 100]) {
      const events = Math.max(100, Math.floor(DELIVERIES / consumers))
      for (const persistent of [false, true]) {
        const qos = persistent
          ? [
              { name: 'EventReliability', value: 1 },
              { name: 'ConnectionReliability', value: 1 }
            ]
          : []
        const { channelId } = (await cmd({ type: 'channels:create', qos, label: 'fanout' })) as {
          channelId: number
        }
        const channel = lab.factory.get_event_channel(channelId)
        const supplier = channel.default_supplier_admin.obtain_notification_push_consumer(
          ClientType.STRUCTURED_EVENT
        )
        supplier.connect_structured_push_supplier(null)
        const key = `${consumers}-remote-${persistent ? 'persistent' : 'besteffort'}`
        figures[key] = await run(
          ['channels', endpoint, String(channelId)],
          events,
          consumers,
          (n) => supplier.push_structured_event(event(n) as never)
        )
        if (persistent) await lab.flushed()
        await cmd({ type: 'channels:destroy', channelId })
      }
      // Raw events of about the same size as the structured event's JSON.
      const pad = 'x'.repeat(160)
      let sending = Promise.resolve()
      figures[`${consumers}-zmq-pubsub`] = await run(
        ['zmq', pubEndpoint],
        events,
        consumers,
        (n) => {
          const text = `{"t":${now()},"n":${n},"p":"${pad}"}`
          sending = sending.then(() => pub.send(text))
        },
        () => void (sending = sending.then(() => pub.send('{"warm":1}')))
      )
      await sending
      figures[`${consumers}-redis-pubsub`] = await run(
        ['redis', redis.secretUrl ?? ''],
        events,
        consumers,
        (n) => void publisher.publish(REDIS_CHANNEL, `{"t":${now()},"n":${n},"p":"${pad}"}`)
      )
    }
  } finally {
    publisher.disconnect()
    pub.close()
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
