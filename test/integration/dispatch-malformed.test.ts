import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Dealer, Reply, Request } from 'zeromq'
import type { DispatchLab } from '../../src/main/engine/dispatch/dispatch-lab'
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
})
