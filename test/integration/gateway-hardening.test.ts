import { request } from 'node:http'
import { connect } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  CommandType,
  ECHO_MAX_CHARS,
  ErrorCode,
  FRAME_MAX_BYTES,
  INPUT_MAX_BYTES,
  INPUT_MAX_DEPTH,
  type Snapshot
} from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
import { LAB_DEFINITIONS } from '../../src/main/engine/labs'
import { Gateway, WS_MAX_BUFFERED_BYTES } from '../../src/main/gateway/gateway'
import { probeLab } from '../helpers/probe-lab'
import { tempDir } from '../helpers/temp-dir'
import { WsClient } from '../helpers/ws-client'

/** The reported crash: `levels` arrays nested in a channels:push event, sent with the token. */
function deepPush(levels: number): string {
  return `{"kind":"call","id":1,"command":{"type":"channels:push","clientId":"x","events":[${'['.repeat(levels)}${']'.repeat(levels)}]}}`
}

/** Status of a GET with the given Host (and the token), answered by the gateway. */
function httpStatus(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.once('error', reject)
    req.end()
  })
}

/** First line of the answer to a raw request the HTTP client would refuse to send. */
function rawStatusLine(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let data = ''
    socket.on('data', (chunk) => {
      data += chunk.toString()
      if (data.includes('\r\n')) {
        resolve(data.slice(0, data.indexOf('\r\n')))
        socket.destroy()
      }
    })
    socket.once('error', reject)
  })
}

describe('the WebSocket door under hostile input', () => {
  const dir = tempDir()
  let engine: Engine
  let gateway: Gateway
  let client: WsClient
  let wsUrl: string

  beforeAll(async () => {
    const renderer = join(dir.path, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
    engine = createEngine({
      dataDir: dir.path,
      door: 'browser',
      snapshotIntervalMs: 20,
      labs: { channels: { endpoint: 'tcp://127.0.0.1:0' } },
      labDefinitions: [...LAB_DEFINITIONS, probeLab]
    })
    gateway = new Gateway({ engine, rendererDir: renderer, port: 0 })
    await gateway.listen()
    await engine.start()
    wsUrl = `ws://127.0.0.1:${gateway.port}/ws?token=${gateway.token}`
    client = await WsClient.connect(wsUrl)
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

  it('answers the 1,000- and 2,000-level channels:push with a limit error and keeps serving', async () => {
    // On the old code the 2,000-level one made zod throw a RangeError nobody caught: the process
    // ended. Now both are refused before JSON.parse, with the limit named.
    for (const levels of [1_000, 2_000]) {
      expect(await client.sendRaw(deepPush(levels))).toEqual({
        ok: false,
        error: {
          code: ErrorCode.LimitExceeded,
          message: expect.stringContaining('INPUT_MAX_DEPTH') as unknown,
          details: { limit: 'INPUT_MAX_DEPTH', max: INPUT_MAX_DEPTH, unit: 'levels' }
        }
      })
    }
    const after = await snapshot()
    expect(after.inputs.rejected).toBeGreaterThanOrEqual(2)
    expect(after.redis.status).toBe('up')
    expect(client.open).toBe(true)
  })

  it('answers a message over INPUT_MAX_BYTES with a limit error instead of closing the socket', async () => {
    const text = JSON.stringify({
      kind: 'call',
      id: 9,
      command: { type: 'x'.repeat(INPUT_MAX_BYTES) }
    })
    expect(await client.sendRaw(text)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.LimitExceeded, details: { limit: 'INPUT_MAX_BYTES' } }
    })
    expect(await client.sendRaw(Buffer.from([0, 1, 2]), true)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidMessage }
    })
    expect(client.open).toBe(true)
  })

  it('answers a call whose execute rejects with an internal error, counted, and keeps running', async () => {
    const spy = vi.spyOn(engine, 'execute').mockRejectedValueOnce(new Error('boom'))
    try {
      const result = await client.call({ type: CommandType.EngineGetSnapshot })
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.Internal } })
    } finally {
      spy.mockRestore()
    }
    const after = await snapshot()
    expect(after.inputs.internalErrors).toBeGreaterThanOrEqual(1)
    expect(after.problems.map((p) => p.id)).toContain('engine:internal-errors')
  })

  it('answers a reply it cannot serialise, and a lab that throws the unprintable, with internal errors', async () => {
    const before = (await snapshot()).inputs.internalErrors
    expect(await client.call({ type: 'probe:bigint' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Internal }
    })
    expect(await client.call({ type: 'probe:throw' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Internal }
    })
    expect((await snapshot()).inputs.internalErrors).toBe(before + 2)
  })

  it('cannot be locked out: after 5,000 unknown 60 KB types a new console gets small frames and stays', async () => {
    // The same engine.execute the door calls, without moving 300 MB through the socket.
    const type = `nope:${'x'.repeat(60_000)}`
    for (let i = 0; i < 5_000; i++) {
      const result = await engine.execute({ type })
      expect(!result.ok && result.error.message.length).toBeLessThan(ECHO_MAX_CHARS + 200)
    }
    const late = await WsClient.connect(wsUrl)
    try {
      await vi.waitFor(() => expect(late.frames.length).toBeGreaterThanOrEqual(3), {
        timeout: 20_000
      })
      expect(late.open).toBe(true)
      const first = late.frames[0]
      expect(late.frameBytes[0]).toBeLessThanOrEqual(FRAME_MAX_BYTES)
      expect(FRAME_MAX_BYTES).toBeLessThan(WS_MAX_BUFFERED_BYTES)
      expect(first?.events.length).toBeGreaterThan(0)
      for (const event of first?.events ?? []) expect(event.message.length).toBeLessThan(3_000)
    } finally {
      late.close()
    }
  })

  it('refuses a Host that is not loopback or the configured host (DNS rebinding), 403', async () => {
    const port = gateway.port
    const path = `/?token=${gateway.token}`
    expect(await httpStatus(port, path, 'evil.example')).toBe(403)
    expect(await httpStatus(port, path, `evil.example:${port}`)).toBe(403)
    expect(await httpStatus(port, path, `127.0.0.1:${port + 1}`)).toBe(403)
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`
    ]) {
      expect(await httpStatus(port, path, host)).toBe(200)
    }
    expect(await WsClient.upgradeStatus(wsUrl, { headers: { Host: 'evil.example' } })).toBe(403)
    expect(await WsClient.upgradeStatus(wsUrl, { headers: { Host: `localhost:${port}` } })).toBe(
      101
    )
  })

  it('accepts an Origin only on exact scheme, host and port', async () => {
    const port = gateway.port
    const status = (origin: string): Promise<number> => WsClient.upgradeStatus(wsUrl, { origin })
    expect(await status(`http://127.0.0.1:${port}`)).toBe(101)
    expect(await status(`https://127.0.0.1:${port}`)).toBe(403)
    expect(await status(`http://127.0.0.1:${port + 1}`)).toBe(403)
    expect(await status(`http://localhost:${port}`)).toBe(403) // Host says 127.0.0.1
    expect(await status('null')).toBe(403)
  })

  it('answers a request target that is not a URL (no token can be read from it) instead of crashing', async () => {
    const port = gateway.port
    expect(
      await rawStatusLine(port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    ).toBe('HTTP/1.1 401 Unauthorized')
    expect(
      await rawStatusLine(
        port,
        `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`
      )
    ).toBe('HTTP/1.1 401 Unauthorized')
    expect((await snapshot()).redis.status).toBe('up')
  })
})

describe('a console started with --host', () => {
  const dir = tempDir()
  let engine: Engine
  let gateway: Gateway

  beforeAll(async () => {
    mkdirSync(join(dir.path, 'renderer'))
    writeFileSync(join(dir.path, 'renderer', 'index.html'), '<!doctype html><title>t</title>')
    engine = createEngine({ dataDir: dir.path, door: 'browser', labDefinitions: [] })
    // 127.0.0.2 is loopback on Linux, yet not one of the loopback names: it stands for a LAN address.
    gateway = new Gateway({ engine, rendererDir: join(dir.path, 'renderer'), host: '127.0.0.2' })
    await gateway.listen()
  })
  afterAll(async () => {
    await gateway?.close()
    await engine?.close()
    dir.remove()
  })

  it('serves its own host name and the loopback names, and nothing else', async () => {
    const port = gateway.port
    const path = `/?token=${gateway.token}`
    const at = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.2', port, path, headers: { Host: host } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.once('error', reject)
        req.end()
      })
    expect(await at(`127.0.0.2:${port}`)).toBe(200)
    expect(await at(`localhost:${port}`)).toBe(200)
    expect(await at(`127.0.0.3:${port}`)).toBe(403)
    expect(gateway.origin).toBe(`http://127.0.0.2:${port}`)
  })
})
