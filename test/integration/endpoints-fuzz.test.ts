import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dealer } from 'zeromq'
import fc from 'fast-check'
import { ChannelsCommandSchema } from '@shared/contract/labs/channels'
import { ChannelsLab } from '../../src/main/engine/channels/channels-lab'
import { ChannelsClient } from '../../src/main/engine/channels/remote/client'
import { DispatchLab } from '../../src/main/engine/dispatch'
import { freePort } from '../../src/main/engine/redis/free-port'
import { RedisHost } from '../../src/main/engine/redis/redis-host'
import { startRedis } from './dispatch-harness'

// Issue 13, acceptance 2 (the two ZeroMQ endpoints; the WebSocket and IPC doors are in
// doors-fuzz.test.ts): 5,000 hostile frame sets from a foreign peer each, and the engine neither
// crashes nor stalls, counts or answers every one, and still works afterwards.
const INPUTS = 5_000
const MB = 1024 * 1024

/** Hostile frames: wrong frame counts, binary, bad JSON, wrong shapes, deep nesting, big strings. */
const frameSet = fc.oneof(
  fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 5 }),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => [Buffer.alloc(0), Buffer.from(JSON.stringify(v) ?? 'x')]),
  fc.string({ maxLength: 200 }).map((s) => [Buffer.alloc(0), Buffer.from(s)]),
  fc
    .integer({ min: 65, max: 3_000 })
    .map((d) => [Buffer.alloc(0), Buffer.from('['.repeat(d) + ']'.repeat(d))]),
  fc
    .integer({ min: 1, max: 60_000 })
    .map((n) => [Buffer.alloc(0), Buffer.from(`{"v":1,"epoch":1,"x":"${'a'.repeat(n)}"}`)]),
  fc
    .record({ epoch: fc.integer({ min: 1_000_000_000 }), lab: fc.string({ maxLength: 8 }) })
    .map((r) => [
      Buffer.alloc(0),
      Buffer.from(
        JSON.stringify({ v: 1, lab: r.lab, epoch: r.epoch, status: 'done', worker: 'fuzz' })
      )
    ])
)

function samples(seed: number): Buffer[][] {
  return fc.sample(frameSet, { numRuns: INPUTS, seed }).map((set) => set.map((b) => Buffer.from(b)))
}

describe('hostile peers on the ZeroMQ endpoints', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterAll(async () => {
    await closeRedis()
  })

  it('the work endpoint: 5,000 hostile replies are counted, and the run still holds', async () => {
    const lab = new DispatchLab({ redis, emit: () => undefined })
    const peer = new Dealer({ linger: 0, sendHighWaterMark: 100_000 })
    try {
      const endpoint = `tcp://127.0.0.1:${await freePort()}`
      await lab.start({
        semantics: 'exactly-once-atomic',
        messages: 300,
        ratePerSec: 100,
        workers: 2,
        timeoutMs: 300,
        endpoint
      })
      const rssBefore = process.memoryUsage().rss
      peer.connect(endpoint)
      for (const frames of samples(13)) await peer.send(frames)
      const report = await lab.waitForSettled()
      const rejected = report.link.rejected
      expect(rejected.total, JSON.stringify(rejected.byReason)).toBeGreaterThanOrEqual(INPUTS)
      expect(report.verdict).toBe('held')
      expect(report.counts).toEqual({ zero: 0, once: 300, many: 0 })
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB)
    } finally {
      peer.close()
      await lab.close()
    }
  }, 120_000)

  it('the channels endpoint: 5,000 hostile requests are answered or counted; a client still works', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`
    const lab = new ChannelsLab({
      redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
      emit: () => undefined,
      endpoint
    })
    const peer = new Dealer({
      linger: 0,
      sendHighWaterMark: 100_000,
      receiveHighWaterMark: 100_000
    })
    let answers = 0
    try {
      await lab.start()
      await lab.execute(ChannelsCommandSchema.parse({ type: 'channels:create' }))
      const rssBefore = process.memoryUsage().rss
      peer.connect(endpoint)
      const reading = (async () => {
        for await (const _frames of peer) {
          answers++
          if (answers >= INPUTS) break
        }
      })()
      // The channels protocol is one JSON frame per request: send each set's last frame alone.
      for (const frames of samples(21)) await peer.send(frames.at(-1) ?? Buffer.alloc(0))
      const counted = (): number => {
        const r = lab.toInfo().remote
        return r.rejected.total + r.refused.total
      }
      const deadline = Date.now() + 60_000
      while (answers + counted() < INPUTS && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(
        answers + counted(),
        `answers ${answers}, counted ${counted()}`
      ).toBeGreaterThanOrEqual(INPUTS)
      const client = await ChannelsClient.open(endpoint, { name: 'after-fuzz' })
      try {
        expect(client).toBeTruthy()
      } finally {
        client.close()
      }
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB)
      peer.close()
      await reading.catch(() => undefined)
    } finally {
      peer.close()
      await lab.close()
    }
  }, 120_000)
})
