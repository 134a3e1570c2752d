import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Dealer, Request as Req } from 'zeromq'
import { ChannelsCommandSchema } from '@shared/contract/labs/channels'
import { freePort } from '../../redis/free-port'
import { RedisHost } from '../../redis/redis-host'
import { ChannelsLab } from '../channels-lab'
import { ChannelsClient, RemoteChannelsError } from './client'

// The remote protocol's door: malformed frames are rejected, counted by reason and answered where
// possible; the server keeps serving. Real ZeroMQ on a free loopback port, no Redis.

async function answer(socket: Dealer): Promise<Record<string, unknown>> {
  const [frame] = await socket.receive()
  return JSON.parse(String(frame)) as Record<string, unknown>
}

describe('channels remote protocol', () => {
  let lab: ChannelsLab
  let endpoint: string
  const sockets: { close(): void }[] = []

  beforeEach(async () => {
    lab = new ChannelsLab({
      redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
      emit: () => undefined,
      endpoint: `tcp://127.0.0.1:${await freePort()}`
    })
    await lab.start()
    endpoint = lab.endpoint ?? ''
  })

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close()
    await lab.close()
  })

  it('rejects malformed frames by reason, answers with BAD_MESSAGE, and keeps serving', async () => {
    const raw = new Dealer({ linger: 0, receiveTimeout: 5_000 })
    sockets.push(raw)
    raw.connect(endpoint)
    const cases: [unknown[], string][] = [
      [['{"v":1,"id":1,"op":"ping"}', 'extra'], 'frame-count'],
      [['not json at all'], 'bad-json'],
      [['{"v":2,"id":2,"op":"ping"}'], 'version'],
      [['{"v":1,"id":3,"op":"launch_missiles"}'], 'unknown-op'],
      [['{"v":1,"id":4,"op":"push","proxy":{"channelId":"x"}}'], 'shape'],
      [['[1,2,3]'], 'shape']
    ]
    for (const [frames, reason] of cases) {
      await raw.send(frames as string[])
      const reply = await answer(raw)
      expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE', reason } })
    }
    const info = lab.toInfo().remote.rejected
    expect(info.total).toBe(6)
    expect(info.byReason).toEqual({
      'frame-count': 1,
      'bad-json': 1,
      version: 1,
      'unknown-op': 1,
      shape: 2
    })
    await raw.send('{"v":1,"id":9,"op":"ping"}')
    expect(await answer(raw)).toMatchObject({ id: 9, ok: true })
  })

  it('serves REQ clients too (empty delimiter frame)', async () => {
    const req = new Req({ linger: 0, receiveTimeout: 5_000 })
    sockets.push(req)
    req.connect(endpoint)
    await req.send('{"v":1,"id":1,"op":"hello","name":"req"}')
    const [frame] = await req.receive()
    expect(JSON.parse(String(frame))).toMatchObject({ id: 1, ok: true, result: { protocol: 1 } })
  })

  it('a remote supplier and a remote consumer exchange events; errors carry the CORBA code', async () => {
    await lab.execute(ChannelsCommandSchema.parse({ type: 'channels:create' }))
    const got: unknown[] = []
    const consumer = await ChannelsClient.open(endpoint, {
      name: 'c',
      onPush: (_p, events) => void got.push(...events)
    })
    const supplier = await ChannelsClient.open(endpoint, { name: 's' })
    sockets.push(consumer, supplier)
    const cp = await consumer.obtain({ channel: 0, role: 'push-consumer', kind: 'any' })
    await consumer.addFilter(cp, [{ constraint_expr: '$.x > 1' }])
    await consumer.connect(cp)
    const again = await consumer.connect(cp).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(RemoteChannelsError)
    expect((again as RemoteChannelsError).code).toBe('AlreadyConnected')
    const sp = await supplier.obtain({ channel: 0, role: 'push-supplier', kind: 'any' })
    await supplier.connect(sp)
    expect(await supplier.push(sp, [{ x: 1 }, { x: 2 }, { x: 3 }])).toBe(3)
    const deadline = Date.now() + 5_000
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    expect(got).toEqual([{ x: 2 }, { x: 3 }])
    const sessions = lab.toInfo().remote.sessions
    expect(sessions.map((s) => s.name).sort()).toEqual(['c', 's'])
    const foreign = await supplier.push(cp, [{ x: 5 }]).catch((e: unknown) => e)
    expect((foreign as RemoteChannelsError).code).toBe('OBJECT_NOT_EXIST')
  })

  it('remote pull consumers pull (blocking with timeout) and remote pull suppliers are polled', async () => {
    await lab.execute(
      ChannelsCommandSchema.parse({
        type: 'channels:create',
        qos: [{ name: 'OrderPolicy', value: 1 }]
      })
    )
    const queue: unknown[] = [{ a: 1 }, { a: 2 }]
    const supplier = await ChannelsClient.open(endpoint, {
      onPoll: (_p, max) => queue.splice(0, max) as never
    })
    const consumer = await ChannelsClient.open(endpoint)
    sockets.push(supplier, consumer)
    const pp = await consumer.obtain({ channel: 0, role: 'pull-consumer', kind: 'any' })
    await consumer.connect(pp)
    expect(await consumer.tryPull(pp)).toEqual([])
    const sp = await supplier.obtain({ channel: 0, role: 'pull-supplier', kind: 'any' })
    await supplier.connect(sp)
    expect(await consumer.pull(pp, { timeoutMs: 5_000 })).toEqual([{ a: 1 }])
    expect(await consumer.pull(pp, { timeoutMs: 5_000 })).toEqual([{ a: 2 }])
    expect(await consumer.pull(pp, { timeoutMs: 50 })).toEqual([])
  })
})
