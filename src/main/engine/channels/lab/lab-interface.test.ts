import { afterEach, describe, expect, it } from 'vitest'
import { RedisHost } from '../../redis/redis-host'
import { ChannelsLab } from '../channels-lab'

// ChannelsLab as the engine drives it through the Lab interface: id, problems(), and the busy
// endpoint fallback the engine used to do itself.

describe('ChannelsLab as a Lab', () => {
  const labs: ChannelsLab[] = []
  const redis = new RedisHost({ dataDir: '/nonexistent-flowlab-unit' })
  const traces: { type: string; level: string; message: string }[] = []
  const make = (opts: { endpoint: string | null; fallbackEndpoint?: string }): ChannelsLab => {
    const lab = new ChannelsLab({
      redis,
      emit: (type, level, message) => traces.push({ type, level, message }),
      ...opts
    })
    labs.push(lab)
    return lab
  }

  afterEach(async () => {
    for (const lab of labs.splice(0)) await lab.close()
    traces.length = 0
  })

  it('is the channels lab and has no problems when all is well', async () => {
    const lab = make({ endpoint: null })
    expect(lab.id).toBe('channels')
    await lab.start()
    expect(lab.problems()).toEqual([])
  })

  it('binds the fallback when the endpoint is busy, says so and keeps it as a problem', async () => {
    const first = make({ endpoint: 'tcp://127.0.0.1:0' })
    await first.start()
    const busy = first.endpoint
    expect(busy).not.toBeNull()
    const second = make({ endpoint: busy, fallbackEndpoint: 'tcp://127.0.0.1:0' })
    await second.start()
    expect(second.endpoint).not.toBeNull()
    expect(second.endpoint).not.toBe(busy)
    const warned = traces.find((t) => t.type === 'endpoint-busy')
    expect(warned?.level).toBe('warn')
    expect(warned?.message).toMatch(
      new RegExp(`^${busy}.* is not available \\(.*\\); remote clients use a free port instead$`)
    )
    const problems = second.problems()
    expect(problems.map((p) => p.id)).toEqual(['channels:endpoint-fallback'])
    expect(problems[0]?.message).toContain(second.endpoint)
  })

  it('fails to start on a busy endpoint when no fallback is set', async () => {
    const first = make({ endpoint: 'tcp://127.0.0.1:0' })
    await first.start()
    const second = make({ endpoint: first.endpoint })
    await expect(second.start()).rejects.toThrow(/cannot bind the channels endpoint/)
    expect(traces.some((t) => t.type === 'endpoint-busy')).toBe(false)
  })
})
