import { EventEmitter } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CommandType, ErrorCode, IpcChannel, type Result, type Snapshot } from '@shared/contract'
import { createEngine, type Engine } from '../../src/main/engine'
import { Gateway } from '../../src/main/gateway/gateway'
import { ipcInputs, wsInputs } from '../helpers/hostile-inputs'
import { tempDir } from '../helpers/temp-dir'
import { WsClient } from '../helpers/ws-client'

/** The in-memory ipcMain of ipc-bridge.test.ts: only `handle` is used here. */
const ipc = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>()
  return {
    handlers,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
        handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
      on: () => undefined,
      removeAllListeners: () => undefined
    }
  }
})
vi.mock('electron', () => ({ ipcMain: ipc.ipcMain }))
const { installIpcBridge } = await import('../../src/main/shell/ipc-bridge')

/** Hostile inputs per door (the brief asks for at least 5,000). */
const INPUTS_PER_DOOR = 5_000
/** Inputs in flight at once; each batch is fully answered before the next is generated. */
const BATCH = 250
/** Most the process may grow over the whole run. */
const RSS_GROWTH_MAX_BYTES = 100 * 1024 * 1024
/** Each door's run takes a few seconds; this is room for a loaded 2-core machine, not a target. */
const FUZZ_TIMEOUT_MS = 120_000
const SEED = Number(process.env.FLOWLAB_FUZZ_SEED ?? Date.now())

const CODES = new Set<string>(Object.values(ErrorCode))
const APP_URL = 'file:///app/out/renderer/index.html'

/** A structured refusal: `ok: false` with a known code and a message. */
function isStructuredError(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false
  const { ok, error } = result as { ok?: unknown; error?: { code?: unknown; message?: unknown } }
  return ok === false && CODES.has(String(error?.code)) && typeof error?.message === 'string'
}

describe(`both doors under ${INPUTS_PER_DOOR} hostile inputs each (seed ${SEED})`, () => {
  const dir = tempDir()
  let engine: Engine
  let gateway: Gateway
  let client: WsClient
  let uninstall: () => void
  let rssBefore = 0

  beforeAll(async () => {
    const renderer = join(dir.path, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
    engine = createEngine({
      dataDir: dir.path,
      door: 'browser',
      snapshotIntervalMs: 50,
      labs: { channels: { endpoint: 'tcp://127.0.0.1:0' } }
    })
    gateway = new Gateway({ engine, rendererDir: renderer, port: 0 })
    await gateway.listen()
    await engine.start()
    uninstall = installIpcBridge(engine, (_contents, url) => url === APP_URL)
    client = await WsClient.connect(`ws://127.0.0.1:${gateway.port}/ws?token=${gateway.token}`)
    rssBefore = process.memoryUsage().rss
  })
  afterAll(async () => {
    client?.close()
    uninstall?.()
    await gateway?.close()
    await engine?.close()
    dir.remove()
  })

  const snapshot = async (): Promise<Snapshot> => {
    const result = await client.call({ type: CommandType.EngineGetSnapshot })
    if (!result.ok) throw new Error(result.error.message)
    return result.value as Snapshot
  }

  it(
    'the WebSocket door answers every one with a structured error and stays open',
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const rejectedBefore = (await snapshot()).inputs.rejected
      const answeredBefore = client.answers.length
      let sent = 0
      for (let batch = 0; sent < INPUTS_PER_DOOR; batch++) {
        for (const make of fc.sample(wsInputs, { numRuns: BATCH, seed: SEED + batch })) {
          const input = make()
          if ('binary' in input) client.sendNoWait(Buffer.from(input.binary), true)
          else client.sendNoWait(input.text)
          sent++
        }
        await vi.waitFor(
          () => expect(client.answers.length - answeredBefore).toBeGreaterThanOrEqual(sent),
          { timeout: 30_000, interval: 20 }
        )
        expect(client.open, `socket closed after ${sent} inputs`).toBe(true)
      }
      const answers = client.answers.slice(answeredBefore)
      expect(answers).toHaveLength(sent)
      const unstructured = answers.filter((a) => !isStructuredError(a))
      expect(unstructured.slice(0, 3)).toEqual([])
      expect(answers.some((a) => !a.ok && a.error.code === ErrorCode.Internal)).toBe(false)

      const after = await snapshot()
      expect(after.inputs.rejected - rejectedBefore).toBe(sent)
      expect(after.inputs.internalErrors).toBe(0)
      expect(await client.call({ type: CommandType.RedisSetPersistence, enabled: false })).toEqual({
        ok: true,
        value: null
      })
      expect((await snapshot()).redis.persistence).toBe(false)
    }
  )

  it(
    'the IPC bridge answers every one with a structured error, and a valid command works after',
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const handler = ipc.handlers.get(IpcChannel.Call)
      if (!handler) throw new Error('the bridge installed no call handler')
      const contents = Object.assign(new EventEmitter(), { id: 1, isDestroyed: () => false })
      const event = { sender: contents, senderFrame: { url: APP_URL } }
      const rejectedBefore = engine.getSnapshot().inputs.rejected
      let sent = 0
      for (let batch = 0; sent < INPUTS_PER_DOOR; batch++) {
        const inputs = fc.sample(ipcInputs, { numRuns: BATCH, seed: SEED + 100_000 + batch })
        const answers = await Promise.all(
          inputs.map((make) => Promise.resolve(handler(event, make())) as Promise<Result<unknown>>)
        )
        sent += answers.length
        const unstructured = answers.filter((a) => !isStructuredError(a))
        expect(unstructured.slice(0, 3)).toEqual([])
        expect(answers.some((a) => !a.ok && a.error.code === ErrorCode.Internal)).toBe(false)
      }
      const after = engine.getSnapshot()
      expect(after.inputs.rejected - rejectedBefore).toBe(sent)
      expect(after.inputs.internalErrors).toBe(0)
      expect(
        await handler(event, { type: CommandType.RedisSetPersistence, enabled: true })
      ).toEqual({
        ok: true,
        value: null
      })
      expect(engine.getSnapshot().redis.persistence).toBe(true)
    }
  )

  it('the engine grew by less than 100 MB over both runs', () => {
    const growth = process.memoryUsage().rss - rssBefore
    expect(growth).toBeLessThan(RSS_GROWTH_MAX_BYTES)
  })
})
