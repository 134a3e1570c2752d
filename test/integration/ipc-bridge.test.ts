import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  CommandType,
  ErrorCode,
  IpcChannel,
  type Frame,
  type Result,
  type Snapshot
} from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
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
    engine = createEngine({ dataDir: dir.path, door: 'desktop', snapshotIntervalMs: 20 })
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
})
