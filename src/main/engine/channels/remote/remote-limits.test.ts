import { afterEach, describe, expect, it } from 'vitest'
import { Dealer } from 'zeromq'
import { ChannelsCommandSchema } from '@shared/contract/labs/channels'
import { freePort } from '../../redis/free-port'
import { RedisHost } from '../../redis/redis-host'
import { ChannelsLab, type ChannelsLabOptions } from '../channels-lab'
import { ProxyConsumer, ProxySupplier } from '../model'
import { findProxy } from '../proxy-ops'
import { ChannelsClient, RemoteChannelsError } from './client'
import { scanJson } from './json-guard'

// Hardening (issue 13): every per-peer resource of the remote endpoint is bounded, refusals are
// structured and counted by reason. Small limits, real ZeroMQ on a free loopback port, no Redis.

/** Generous: the machine is shared and loaded. */
const RECEIVE_TIMEOUT_MS = 10_000

type Message = Record<string, unknown>

const labs: ChannelsLab[] = []
const sockets: { close(): void }[] = []

async function startLab(opts: Partial<ChannelsLabOptions>): Promise<ChannelsLab> {
  const lab = new ChannelsLab({
    redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
    emit: () => undefined,
    endpoint: `tcp://127.0.0.1:${await freePort()}`,
    ...opts
  })
  labs.push(lab)
  await lab.start()
  await lab.execute(ChannelsCommandSchema.parse({ type: 'channels:create' }))
  return lab
}

function raw(lab: ChannelsLab): Dealer {
  const socket = new Dealer({ linger: 0, receiveTimeout: RECEIVE_TIMEOUT_MS })
  sockets.push(socket)
  socket.connect(lab.endpoint ?? '')
  return socket
}

async function next(socket: Dealer): Promise<Message> {
  const [frame] = await socket.receive()
  return JSON.parse(String(frame)) as Message
}

/** Sends one request on a raw socket and returns the reply with that id (skipping notices). */
async function ask(socket: Dealer, body: Message): Promise<Message> {
  await socket.send(JSON.stringify({ v: 1, ...body }))
  for (;;) {
    const m = await next(socket)
    if (m.id === body.id) return m
  }
}

async function client(lab: ChannelsLab, name: string): Promise<ChannelsClient> {
  const c = await ChannelsClient.open(lab.endpoint ?? '', { name })
  sockets.push(c)
  return c
}

async function refusal(p: Promise<unknown>): Promise<RemoteChannelsError> {
  const err = await p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(RemoteChannelsError)
  return err as RemoteChannelsError
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  for (const lab of labs.splice(0)) await lab.close()
})

describe('remote sessions: eviction takes idle sessions only', () => {
  it('a flood of new sockets is refused and counted; the live client keeps its proxy', async () => {
    const lab = await startLab({ remoteLimits: { sessionsMax: 4, evictIdleMs: 60_000 } })
    const live = await client(lab, 'live')
    const proxy = await live.obtain({ channel: 0, role: 'pull-consumer', kind: 'any' })
    await live.connect(proxy)
    // Three newcomers fill the table; the next ones find every session active.
    for (let i = 0; i < 3; i++) {
      expect(await ask(raw(lab), { id: 1, op: 'ping' })).toMatchObject({ ok: true })
    }
    for (let i = 0; i < 12; i++) {
      expect(await ask(raw(lab), { id: 100 + i, op: 'ping' })).toMatchObject({
        id: 100 + i,
        ok: false,
        error: { code: 'IMP_LIMIT', reason: 'sessions-full' }
      })
    }
    const late = await ChannelsClient.open(lab.endpoint ?? '', { name: 'late' }).catch(
      (e: unknown) => e
    )
    expect(late).toBeInstanceOf(RemoteChannelsError)
    expect((late as RemoteChannelsError).reason).toBe('sessions-full')
    expect(await live.tryPull(proxy)).toEqual([])
    expect(live.ended).toBeNull()
    const remote = lab.toInfo().remote
    expect(remote.sessionsTotal).toBe(4)
    expect(remote.evicted).toBe(0)
    expect(remote.refused.byReason).toEqual({ 'sessions-full': 13 })
  })

  it('an idle session without proxies makes room, and is told so', async () => {
    const lab = await startLab({ remoteLimits: { sessionsMax: 3, evictIdleMs: 0 } })
    const live = await client(lab, 'live')
    const proxy = await live.obtain({ channel: 0, role: 'pull-consumer', kind: 'any' })
    await live.connect(proxy)
    const idle = raw(lab)
    expect(await ask(idle, { id: 1, op: 'ping' })).toMatchObject({ ok: true })
    expect(await ask(raw(lab), { id: 1, op: 'ping' })).toMatchObject({ ok: true })
    expect(await ask(raw(lab), { id: 1, op: 'ping' })).toMatchObject({ ok: true })
    expect(await next(idle)).toMatchObject({ op: 'session_ended', reason: 'evicted' })
    expect(await live.tryPull(proxy)).toEqual([])
    expect(lab.toInfo().remote.evicted).toBe(1)
    // The evicted peer may come back: its next message starts a new session.
    expect(await ask(idle, { id: 2, op: 'ping' })).toMatchObject({ id: 2, ok: true })
  })
})

describe('remote sessions: per-session limits', () => {
  it('channels, proxies, pulls, filters and event types per peer are bounded; refusals counted', async () => {
    const lab = await startLab({
      remoteLimits: {
        channelsPerSession: 2,
        proxiesPerSession: 3,
        pullsPerSession: 1,
        filtersPerSession: 2,
        typesPerProxy: 3
      }
    })
    const c = await client(lab, 'greedy')
    await c.createChannel()
    await c.createChannel()
    const noChannel = await refusal(c.createChannel())
    expect([noChannel.code, noChannel.reason]).toEqual(['IMP_LIMIT', 'session-channels'])
    expect(lab.factory.get_all_channels()).toHaveLength(3)

    const pull = await c.obtain({ channel: 0, role: 'pull-consumer', kind: 'any' })
    await c.connect(pull)
    const second = await c.obtain({ channel: 0, role: 'push-supplier', kind: 'any' })
    await c.connect(second)
    await c.obtain({ channel: 1, role: 'push-supplier', kind: 'any' })
    const noProxy = await refusal(c.obtain({ channel: 0, role: 'push-supplier', kind: 'any' }))
    expect([noProxy.code, noProxy.reason]).toEqual(['IMP_LIMIT', 'session-proxies'])
    await c.disconnect(second) // frees one
    const third = await c.obtain({ channel: 0, role: 'push-supplier', kind: 'any' })

    const pending = c.pull(pull, { timeoutMs: 1_000 })
    const noPull = await refusal(c.pull(pull, { timeoutMs: 1_000 }))
    expect([noPull.code, noPull.reason]).toEqual(['IMP_LIMIT', 'session-pulls'])
    expect(await pending).toEqual([])

    await c.addFilter(pull, [{ constraint_expr: '$.a > 1' }])
    await c.addFilter(pull, [{ constraint_expr: '$.b > 1' }])
    const noFilter = await refusal(c.addFilter(pull, [{ constraint_expr: '$.c > 1' }]))
    expect([noFilter.code, noFilter.reason]).toEqual(['IMP_LIMIT', 'session-filters'])

    const type = (n: number): { domain_name: string; type_name: string } => ({
      domain_name: 'D',
      type_name: `T${n}`
    })
    await c.offerChange(third, [type(1), type(2), type(3)])
    const noType = await refusal(c.offerChange(third, [type(4)]))
    expect([noType.code, noType.reason]).toEqual(['IMP_LIMIT', 'proxy-types'])
    const supplierProxy = findProxy(lab.factory.get_event_channel(0), third) as ProxyConsumer
    expect(supplierProxy.offeredTypes()).toHaveLength(3)

    expect(lab.toInfo().remote.refused).toEqual({
      total: 5,
      byReason: {
        'session-channels': 1,
        'session-proxies': 1,
        'session-pulls': 1,
        'session-filters': 1,
        'proxy-types': 1
      }
    })
  })
})

describe('remote events: bytes are bounded per event and per consumer queue', () => {
  it('a consumer that never pulls holds at most its byte budget; larger events are refused', async () => {
    const lab = await startLab({
      channelOptions: { queueHardLimitBytes: 64 * 1024, eventMaxBytes: 16 * 1024 }
    })
    const consumer = await client(lab, 'sleeper')
    const supplier = await client(lab, 'firehose')
    const cp = await consumer.obtain({ channel: 0, role: 'pull-consumer', kind: 'any' })
    await consumer.connect(cp)
    const sp = await supplier.obtain({ channel: 0, role: 'push-supplier', kind: 'any' })
    await supplier.connect(sp)
    const pad = 'x'.repeat(8_000)
    for (let i = 0; i < 40; i++) expect(await supplier.push(sp, [{ i, pad }])).toBe(1)

    const queue = findProxy(lab.factory.get_event_channel(0), cp) as ProxySupplier
    expect(queue).toBeInstanceOf(ProxySupplier)
    expect(queue.queueBytes).toBeLessThanOrEqual(64 * 1024)
    // 8 events of about 8 KB fit in 64 KiB; AnyOrder (the default) discarded the oldest.
    expect(queue.queueLength).toBe(8)
    expect(queue.counters.toInfo().discardedBy).toEqual({ QueueBytes: 32 })
    const shown = lab
      .toInfo()
      .channels[0]?.consumerAdmins[0]?.proxies.find((p) => p.ref.proxyId === cp.proxyId)
    expect(shown?.queue).toMatchObject({ length: 8, bytesCapacity: 64 * 1024 })
    expect(shown?.queue.bytes).toBe(queue.queueBytes)
    expect(await consumer.tryPull(cp, 1)).toEqual([{ i: 32, pad }])

    const big = await refusal(supplier.push(sp, [{ pad: 'y'.repeat(20_000) }]))
    expect([big.code, big.reason]).toEqual(['IMP_LIMIT', 'event-too-large'])
    expect(lab.toInfo().remote.refused.byReason).toEqual({ 'event-too-large': 1 })
    expect(queue.queueLength).toBe(7)
  })
})

describe('remote frames: nesting depth is checked before parsing', () => {
  it('a 2,000-deep message gets a structured reply, is counted, and the door keeps serving', async () => {
    const lab = await startLab({})
    const socket = raw(lab)
    const deep = '['.repeat(2_000) + ']'.repeat(2_000)
    const ref = '{"channelId":0,"side":"supplier","adminId":0,"proxyId":0}'
    await socket.send(`{"v":1,"id":5,"op":"push","proxy":${ref},"events":[${deep}]}`)
    expect(await next(socket)).toMatchObject({
      id: 5,
      ok: false,
      error: { code: 'BAD_MESSAGE', reason: 'too-deep' }
    })
    // The id is found even after the deep part.
    await socket.send(`{"v":1,"op":"ping","x":${deep},"id":6}`)
    expect(await next(socket)).toMatchObject({ id: 6, error: { reason: 'too-deep' } })
    expect(lab.toInfo().remote.rejected.byReason).toEqual({ 'too-deep': 2 })
    expect(await ask(socket, { id: 7, op: 'ping' })).toMatchObject({ id: 7, ok: true })
  })

  it('scanJson counts nesting outside strings and reads only a top-level integer id', () => {
    const scan = (s: string): ReturnType<typeof scanJson> => scanJson(Buffer.from(s))
    expect(scan('{"a":"[[[[{{{{","b":[{"c":[1]}],"id":42}')).toEqual({ depth: 4, id: 42 })
    expect(scan('{"x":{"id":3},"s":"\\"id\\":9"}')).toEqual({ depth: 2, id: null })
    expect(scan('{"id":1.5}').id).toBeNull()
    expect(scan('{ "id" : 7 , "v":1}').id).toBe(7)
    expect(scan('[{"id":1}]')).toEqual({ depth: 2, id: null })
  })
})
