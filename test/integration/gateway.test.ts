import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommandType, ErrorCode, type Snapshot } from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
import { Gateway } from '../../src/main/gateway/gateway'
import { tempDir } from '../helpers/temp-dir'
import { WsClient } from '../helpers/ws-client'

describe('the WebSocket door', () => {
  const dir = tempDir()
  let engine: Engine
  let gateway: Gateway
  let client: WsClient

  beforeAll(async () => {
    const renderer = join(dir.path, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
    engine = createEngine({ dataDir: dir.path, door: 'browser', snapshotIntervalMs: 20 })
    gateway = new Gateway({ engine, rendererDir: renderer, port: 0 })
    await gateway.listen()
    await engine.start()
    client = await WsClient.connect(`ws://127.0.0.1:${gateway.port}/ws?token=${gateway.token}`)
  })
  afterAll(async () => {
    client?.close()
    await gateway?.close()
    await engine?.close()
    dir.remove()
  })

  const snapshot = async (): Promise<Snapshot> => {
    const result = await client.call({ type: CommandType.EngineGetSnapshot })
    if (!result.ok) throw new Error(result.error.message)
    return result.value as Snapshot
  }

  it('pushes frames with increasing seq to a subscriber that acks', async () => {
    const start = Date.now()
    while (client.frames.length < 3 && Date.now() - start < 5_000) {
      await new Promise((r) => setTimeout(r, 20))
    }
    const seqs = client.frames.map((f) => f.seq)
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3])
    expect(client.frames[0]?.snapshot.redis.status).toBeDefined()
  })

  it('answers malformed commands with an error naming the field, and changes nothing', async () => {
    const before = await snapshot()
    expect(before.redis.status).toBe('up')
    expect(before.redis.persistence).toBe(true)

    const unknown = await client.call({ type: 'redis:explode' })
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidCommand, field: 'type' }
    })

    const wrongType = await client.call({ type: CommandType.RedisSetPersistence, enabled: 'no' })
    expect(wrongType).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidCommand, field: 'enabled' }
    })

    const missing = await client.call({ type: CommandType.RedisSetPersistence })
    expect(missing).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidCommand, field: 'enabled' }
    })

    const after = await snapshot()
    expect(after.redis.persistence).toBe(true)
    expect(after.redis.pid).toBe(before.redis.pid)
    expect(after.redis.status).toBe('up')

    const valid = await client.call({ type: CommandType.RedisSetPersistence, enabled: false })
    expect(valid).toEqual({ ok: true, value: null })
    expect((await snapshot()).redis.persistence).toBe(false)
  })

  it('answers malformed protocol messages without closing the socket', async () => {
    expect(await client.sendRaw('not json')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidMessage }
    })
    expect(
      await client.sendRaw(JSON.stringify({ kind: 'call', id: 'x', command: {} }))
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidMessage, field: 'id' }
    })
    expect(await client.sendRaw(JSON.stringify({ kind: 'bogus' }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidMessage }
    })
    expect((await snapshot()).redis.status).toBe('up')
  })
})
