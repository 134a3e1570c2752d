import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  CommandType,
  ErrorCode,
  INPUT_MAX_DEPTH,
  IpcChannel,
  type Frame,
  type Result,
  type Snapshot
} from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
import { LAB_DEFINITIONS } from '../../src/main/engine/labs'
import { probeLab } from '../helpers/probe-lab'
import { tempDir } from '../helpers/temp-dir'

/**
 * An in-memory ipcMain: `handle` for invoke channels, `on` for send channels. The real one lives in
 * Electron, whose binary these machines cannot download; the bridge only uses this surface.
 */
const ipc = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>()
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>()
  return {
    handlers,
    listeners,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
        handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
      on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) =>
        listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
      removeAllListeners: (channel: string) => listeners.delete(channel)
    }
  }
})
vi.mock('electron', () => ({ ipcMain: ipc.ipcMain }))

const { installIpcBridge } = await import('../../src/main/shell/ipc-bridge')

/** A fake webContents: what the bridge sends to it is collected. */
class FakeContents extends EventEmitter {
  readonly sent: Frame[] = []
  constructor(readonly id: number) {
    super()
  }
  isDestroyed(): boolean {
    return false
  }
  send(_channel: string, frame: Frame): void {
    this.sent.push(frame)
  }
}

const APP_URL = 'file:///app/out/renderer/index.html'

function event(contents: FakeContents, url = APP_URL): unknown {
  return { sender: contents, senderFrame: { url } }
}

describe('the IPC door', () => {
  const dir = tempDir()
  let engine: Engine
  let uninstall: () => void
  const call = (command: unknown, url?: string): Promise<Result<unknown>> =>
    Promise.resolve(
      ipc.handlers.get(IpcChannel.Call)?.(
        event(new FakeContents(1), url),
        command
      ) as Result<unknown>
    )

  beforeAll(async () => {
    engine = createEngine({
      dataDir: dir.path,
      door: 'desktop',
      snapshotIntervalMs: 20,
      labs: { channels: { endpoint: 'tcp://127.0.0.1:0' } },
      labDefinitions: [...LAB_DEFINITIONS, probeLab]
    })
    uninstall = installIpcBridge(engine, (_contents, url) => url === APP_URL)
    await engine.start()
  })
  afterAll(async () => {
    uninstall()
    await engine.close()
    dir.remove()
  })

  it('runs valid commands and answers invalid ones with the field, exactly as the WebSocket door', async () => {
    const snapshot = await call({ type: CommandType.EngineGetSnapshot })
    expect(snapshot.ok && (snapshot.value as Snapshot).app.door).toBe('desktop')
    expect(await call({ type: CommandType.RedisSetPersistence, enabled: 1 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidCommand, field: 'enabled' }
    })
    expect(await call({ type: 'nope' })).toMatchObject({ ok: false, error: { field: 'type' } })
  })

  it('refuses a sender that is not the app page', async () => {
    const result = await call({ type: CommandType.RedisKill }, 'https://evil.example/')
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidMessage } })
    expect(engine.getSnapshot().redis.status).toBe('up')
  })

  it('pushes frames to a subscribed window, one at a time, paced by acks', async () => {
    const contents = new FakeContents(7)
    for (const fn of ipc.listeners.get(IpcChannel.Subscribe) ?? []) fn(event(contents))
    expect(contents.sent.map((f) => f.seq)).toEqual([1])
    await new Promise((r) => setTimeout(r, 100))
    expect(contents.sent).toHaveLength(1) // not acked yet: nothing more
    for (const fn of ipc.listeners.get(IpcChannel.Ack) ?? []) fn(event(contents), 1)
    await vi.waitFor(() => expect(contents.sent.length).toBeGreaterThan(1))
    expect(contents.sent[1]?.seq).toBe(2)
    contents.emit('destroyed')
  })

  it('refuses a 2,000-level channels:push (zod would throw a RangeError) naming the depth limit', async () => {
    let nested: unknown = []
    for (let i = 1; i < 2_000; i++) nested = [nested]
    const command = { type: 'channels:push', clientId: 'x', events: [nested] }
    expect(await call(command)).toEqual({
      ok: false,
      error: {
        code: ErrorCode.LimitExceeded,
        message: expect.stringContaining('INPUT_MAX_DEPTH') as unknown,
        details: { limit: 'INPUT_MAX_DEPTH', max: INPUT_MAX_DEPTH, unit: 'levels' }
      }
    })
    const cyclic: Record<string, unknown> = { type: 'channels:push', clientId: 'x' }
    cyclic.events = [cyclic]
    expect(await call(cyclic)).toMatchObject({
      ok: false,
      error: { code: ErrorCode.LimitExceeded }
    })
    expect(engine.getSnapshot().inputs.rejected).toBeGreaterThanOrEqual(2)
  })

  it('answers internal errors (execute rejecting, a lab throwing the unprintable) and counts them', async () => {
    const before = engine.getSnapshot().inputs.internalErrors
    const spy = vi.spyOn(engine, 'execute').mockRejectedValueOnce(new Error('boom'))
    try {
      expect(await call({ type: CommandType.EngineGetSnapshot })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.Internal }
      })
    } finally {
      spy.mockRestore()
    }
    expect(await call({ type: 'probe:throw' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Internal }
    })
    const after = engine.getSnapshot()
    expect(after.inputs.internalErrors).toBe(before + 2)
    expect(after.problems.map((p) => p.id)).toContain('engine:internal-errors')
    expect(await call({ type: CommandType.EngineGetSnapshot })).toMatchObject({ ok: true })
  })

  it('keeps a window whose send throws from throwing into Electron', async () => {
    const before = engine.getSnapshot().inputs.internalErrors
    const contents = new FakeContents(9)
    contents.send = () => {
      throw new Error('render process gone')
    }
    const subscribe = (): void => {
      for (const fn of ipc.listeners.get(IpcChannel.Subscribe) ?? []) fn(event(contents))
    }
    expect(subscribe).not.toThrow()
    expect(engine.getSnapshot().inputs.internalErrors).toBe(before + 1)
    contents.emit('destroyed')
  })
})
