/**
 * The remote side of the channels fan-out bench: N consumers in this one process, each with a
 * connection of its own, of one of three kinds: `channels` (a ChannelsClient push consumer over
 * the Channels remote protocol), `zmq` (a raw ZeroMQ SUB socket), `redis` (an ioredis pub/sub
 * subscriber). Forked by bench/channels-remote-bench.ts with argv = KIND TARGET CONSUMERS
 * EXPECTED [CHANNEL]. Every event carries its send time `t` (ms, performance.timeOrigin-based,
 * comparable across processes); messages over IPC: → `ready`, ← `go`, → `done` with the figures.
 */
import { Subscriber } from 'zeromq'
import { Redis } from 'ioredis'
import { ChannelsClient } from '../src/main/engine/channels/remote/client'

const SAMPLES_MAX = 20_000
const REDIS_CHANNEL = 'flowlab-bench-fanout'
/** Events per push to a remote sequence consumer at most (its MaximumBatchSize QoS). */
const SEQUENCE_BATCH = 500

const [kind, target, consumersArg, expectedArg, channelArg] = process.argv.slice(2)
const consumers = Number(consumersArg)
const expected = Number(expectedArg)
const samples: number[] = []
let delivered = 0
let seen = 0
let lastAt = 0
const closers: (() => void)[] = []

function now(): number {
  return performance.timeOrigin + performance.now()
}

function deliver(t: number): void {
  const at = now()
  delivered++
  seen++
  lastAt = at
  const latency = at - t
  if (samples.length < SAMPLES_MAX) samples.push(latency)
  else {
    const j = Math.floor(Math.random() * seen)
    if (j < SAMPLES_MAX) samples[j] = latency
  }
  if (delivered === expected) finish()
}

function finish(): void {
  samples.sort((a, b) => a - b)
  const pick = (p: number): number =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? 0
  process.send?.({ t: 'done', delivered, lastAt, p50Ms: pick(50), p99Ms: pick(99) })
}

/** A raw event: `{"t":<ms>,"n":<i>}` plus padding to the size of a small structured event. */
function timeOf(text: string): number {
  const m = /"t":([0-9.]+)/.exec(text)
  return m ? Number(m[1]) : now()
}

async function main(): Promise<void> {
  process.on('disconnect', () => {
    for (const close of closers) close()
    process.exit(0)
  })
  if (kind === 'channels') {
    const channel = Number(channelArg)
    for (let i = 0; i < consumers; i++) {
      const client = await ChannelsClient.open(target as string, {
        name: `bench-${i}`,
        onPush: (_proxy, events) => {
          // A sequence consumer gets batches: each pushed value is a list of structured events.
          for (const e of events.flat()) {
            const fd = (e as { filterable_data?: { name: string; value: unknown }[] })
              .filterable_data
            deliver(Number(fd?.find((p) => p.name === 't')?.value ?? now()))
          }
        }
      })
      closers.push(() => client.close())
      // The remote consumer at its best: a sequence consumer takes up to BATCH events per push
      // (one push waits for its ack, per proxy); a structured one takes one event per push.
      const proxy = await client.obtain({
        channel,
        role: 'push-consumer',
        kind: 'sequence',
        qos: [{ name: 'MaximumBatchSize', value: SEQUENCE_BATCH }]
      })
      await client.connect(proxy)
    }
    process.send?.({ t: 'ready' })
  } else if (kind === 'zmq') {
    let warmed = 0
    for (let i = 0; i < consumers; i++) {
      const sub = new Subscriber({ linger: 0, receiveHighWaterMark: 0 })
      sub.connect(target as string)
      sub.subscribe()
      closers.push(() => sub.close())
      let warm = false
      void (async () => {
        for await (const [frame] of sub) {
          const text = (frame as Buffer).toString('utf8')
          if (text.startsWith('{"warm"')) {
            if (!warm && (warm = true) && ++warmed === consumers) process.send?.({ t: 'ready' })
            continue
          }
          deliver(timeOf(text))
        }
      })()
    }
  } else if (kind === 'redis') {
    let subscribed = 0
    for (let i = 0; i < consumers; i++) {
      const sub = new Redis(target as string, { lazyConnect: false })
      closers.push(() => sub.disconnect())
      sub.on('message', (_channel: string, text: string) => deliver(timeOf(text)))
      await sub.subscribe(REDIS_CHANNEL)
      subscribed++
    }
    if (subscribed === consumers) process.send?.({ t: 'ready' })
  } else throw new Error(`unknown kind ${kind}`)
  process.on('message', (msg: { t: string }) => {
    if (msg.t === 'report') finish()
  })
}

main().catch((err: unknown) => {
  process.stderr.write(`fanout-consumers: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
