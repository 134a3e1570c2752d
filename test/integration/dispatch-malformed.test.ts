import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dealer, Reply, Request } from 'zeromq'
import type { DispatchLab } from '../../src/main/engine/dispatch/dispatch-lab'
import {
  WORK_FRAME_MAX_BYTES,
  WORK_SOCKET_MAX_BYTES,
  WORKER_ID_MAX_CHARS
} from '../../src/main/engine/dispatch/protocol'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'
import { runJson, startRedis } from './dispatch-harness'

// Acceptance 3: foreign peers on the public work endpoint send frames that break the protocol —
// wrong frame count, bad JSON, an unknown version, another lab's id, the wrong shape, and raw
// bytes that are not ZMTP at all. The run completes, its verdict intact, and every rejection is
// counted by reason.
describe('malformed frames from foreign peers (acceptance 3)', () => {
  let redis: RedisHost
  let closeRedis: () => Promise<void>

  beforeAll(async () => {
    ;({ redis, close: closeRedis } = await startRedis())
  })

  afterAll(async () => {
    await closeRedis()
  })

  it('rejects and counts every malformed frame, and the verdict holds', async () => {
    const sockets: { close(): void }[] = []
    const attack = async (lab: DispatchLab): Promise<void> => {
      const ep = lab.endpoints?.endpoint
      if (!ep) throw new Error('no endpoint')
      // A DEALER that sends junk of every frame count the link does not expect.
      const dealer = new Dealer({ linger: 0 })
      dealer.connect(ep)
      sockets.push(dealer)
      for (let i = 0; i < 20; i++) {
        await dealer.send('one frame')
        await dealer.send(['a', 'b', 'c', 'd'])
        await dealer.send([Buffer.alloc(0), '{"v":1,"lab":"someone-else","epoch":1}', '{}'])
      }
      // A REQ peer (2 frames on the wire).
      const req = new Request({ linger: 0 })
      req.connect(ep)
      sockets.push(req)
      await req.send('{"v":1,"epoch":1,"worker":"req","status":"done"}')
      // A REP that takes real requests and answers them wrongly, in rotation.
      const rep = new Reply({ linger: 0 })
      rep.connect(ep)
      sockets.push(rep)
      const bad = [
        'this is not json',
        '{"v":2,"epoch":1,"worker":"evil","status":"done"}',
        '{"v":1,"lab":"someone-else","epoch":1,"worker":"evil","status":"done"}',
        '{"v":1,"epoch":"one","worker":"evil","status":"done"}',
        '{"v":1,"epoch":99999999,"worker":"evil","status":"done"}',
        '[1,2,3]'
      ]
      void (async () => {
        let i = 0
        for await (const _frames of rep) {
          await rep.send(i % 7 === 6 ? ['two', 'frames'] : (bad[i % bad.length] as string))
          i++
        }
      })().catch(() => undefined)
      // Bytes that are not ZeroMQ at all.
      const port = Number(ep.split(':').at(-1))
      await new Promise<void>((done) => {
        // libzmq may keep its side open after a failed handshake: we only wait for our write.
        const raw = connect({ host: '127.0.0.1', port }, () => {
          raw.end(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n' + 'x'.repeat(300)), () => {
            raw.destroy()
            done()
          })
        })
        raw.on('error', () => done())
      })
    }
    const { code, report } = await runJson(
      [
        '--semantics',
        'exactly-once-atomic',
        '--messages',
        '500',
        '--workers',
        '4',
        '--timeout-ms',
        '200'
      ],
      redis,
      { onLab: attack }
    )
    // Closing ends the foreign REP's receive loop; nothing else of theirs is pending.
    for (const s of sockets) s.close()
    expect(report.verdict).toBe('held')
    expect(report.counts).toEqual({ zero: 0, once: 500, many: 0 })
    expect(code).toBe(0)
    const byReason = report.link.rejected.byReason
    expect(report.link.rejected.total).toBeGreaterThan(0)
    for (const reason of ['frame-count', 'bad-json', 'version', 'lab', 'shape', 'unknown-epoch']) {
      expect(byReason[reason], reason).toBeGreaterThan(0)
    }
  })

  // Issue 13 (hardening): each of these broke a run or bloated the engine before.

  it('rejects frames over WORK_FRAME_MAX_BYTES as oversize and never reads past WORK_SOCKET_MAX_BYTES', async () => {
    let replies = 0
    const rep = new Reply({ linger: 0 })
    const attack = async (lab: DispatchLab): Promise<void> => {
      rep.connect(endpointOf(lab))
      void (async () => {
        for await (const _frames of rep) {
          // The second reply is over the socket limit: libzmq drops the connection before it is
          // read, the REP reconnects and gets more requests. The others are just over the limit.
          const size = replies === 1 ? WORK_SOCKET_MAX_BYTES + 1 : WORK_FRAME_MAX_BYTES + 1
          await rep.send(Buffer.alloc(size, 'x'))
          replies++
        }
      })().catch(() => undefined)
      await until('an oversize reject and a reply after the dropped connection', () => {
        return rejectsOf(lab).oversize !== undefined && replies >= 3
      })
      await lab.worker({ action: 'add', count: 2 })
    }
    const { code, report } = await runJson(
      ['--messages', '200', '--workers', '0', '--timeout-ms', '200'],
      redis,
      { onLab: attack }
    )
    rep.close()
    expect(report.verdict).toBe('held')
    expect(code).toBe(0)
    const byReason = report.link.rejected.byReason
    expect(byReason.oversize).toBeGreaterThan(0)
    // Nothing over the limit was ever turned into a string and parsed.
    expect(byReason['bad-json']).toBeUndefined()
  })

  it('rejects replies whose worker id is over WORKER_ID_MAX_CHARS, on the fast path too', async () => {
    const rep = new Reply({ linger: 0 })
    let replies = 0
    let rcvdWorkers: string[] = []
    const attack = async (lab: DispatchLab): Promise<void> => {
      rep.connect(endpointOf(lab))
      void (async () => {
        for await (const [header] of rep) {
          const epoch = (JSON.parse(String(header)) as { epoch: number }).epoch
          // Exactly the shape our workers send (the reply fast path), only the id is too long.
          const id = 'w'.repeat(replies % 2 === 0 ? WORKER_ID_MAX_CHARS + 1 : 60_000)
          await rep.send(`{"v":1,"epoch":${epoch},"worker":"${id}","status":"done"}`)
          replies++
        }
      })().catch(() => undefined)
      await until('two worker-id rejects', () => (rejectsOf(lab)['worker-id'] ?? 0) >= 2)
      rcvdWorkers = lab.toInfo().collections.rcvdMsgs.items.map((m) => m.worker)
      await lab.worker({ action: 'add', count: 2 })
    }
    const { code, report } = await runJson(
      ['--messages', '200', '--workers', '0', '--timeout-ms', '200'],
      redis,
      { onLab: attack }
    )
    rep.close()
    expect(report.verdict).toBe('held')
    expect(code).toBe(0)
    expect(report.link.rejected.byReason['worker-id']).toBeGreaterThanOrEqual(2)
    // None of those replies counted as an ack.
    expect(rcvdWorkers).toEqual([])
    expect(report.workers.every((w) => w.id.length <= WORKER_ID_MAX_CHARS)).toBe(true)
  })

  it('counts a plain-text TCP connection held open as a handshake reject, and not as a worker', async () => {
    let raw: Socket | null = null
    let statusWhileOpen = ''
    const attack = async (lab: DispatchLab): Promise<void> => {
      const port = Number(endpointOf(lab).split(':').at(-1))
      raw = connect({ host: '127.0.0.1', port })
      raw.on('error', () => undefined)
      raw.write('GET / HTTP/1.1\r\nHost: flowlab\r\n\r\n')
      // The connection stays open: only the handshake timeout can tell it is not a worker.
      await until('a handshake reject', () => (rejectsOf(lab).handshake ?? 0) >= 1)
      statusWhileOpen = lab.status
      await lab.worker({ action: 'add', count: 1 })
    }
    const { code, report, stdout } = await runJson(
      ['--messages', '50', '--workers', '0', '--timeout-ms', '500'],
      redis,
      { onLab: attack }
    )
    ;(raw as Socket | null)?.destroy()
    expect(code).toBe(0)
    // The plain-text peer did not start the dispatcher as a worker would.
    expect(statusWhileOpen).toBe('starting')
    expect(report.link.rejected.byReason.handshake).toBeGreaterThanOrEqual(1)
    expect(stdout).toHaveLength(1)
  })
})

function endpointOf(lab: DispatchLab): string {
  const ep = lab.endpoints?.endpoint
  if (!ep) throw new Error('no endpoint')
  return ep
}

function rejectsOf(lab: DispatchLab): Record<string, number> {
  return lab.toInfo().link.rejected.byReason
}

/** Resolves once `cond()` holds; fails naming `what` after `timeoutMs`. */
async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
