import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../redis/free-port'
import { RedisHost } from '../../redis/redis-host'
import { ChannelsLab } from '../channels-lab'
import { ChannelsClient } from './client'

// Issue 13: the channels endpoint with ZeroMQ CURVE. A client with the lab's public key works;
// one without it is refused, and the refusal is counted.
describe('CURVE on the channels endpoint', () => {
  const labs: ChannelsLab[] = []
  const clients: ChannelsClient[] = []

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    for (const lab of labs.splice(0)) await lab.close()
  })

  it('a client with the server key connects; one without is refused and counted', async () => {
    const lab = new ChannelsLab({
      redis: new RedisHost({ dataDir: '/nonexistent-flowlab-unit' }),
      emit: () => undefined,
      endpoint: `tcp://127.0.0.1:${await freePort()}`,
      curve: true
    })
    labs.push(lab)
    await lab.start()
    const key = lab.toInfo().remote.curveServerKey
    expect(key).toMatch(/^.{40}$/)
    const good = await ChannelsClient.open(lab.endpoint ?? '', {
      name: 'keyed',
      serverKey: key ?? ''
    })
    clients.push(good)
    expect(lab.toInfo().remote.sessionsTotal).toBeGreaterThanOrEqual(1)
    const refused = ChannelsClient.open(lab.endpoint ?? '', {
      name: 'keyless',
      requestTimeoutMs: 1_500
    })
    await expect(refused).rejects.toThrow()
    const deadline = Date.now() + 10_000
    while ((lab.toInfo().remote.rejected.byReason.auth ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(lab.toInfo().remote.rejected.byReason.auth ?? 0).toBeGreaterThan(0)
  })
})
