import { describe, expect, it } from 'vitest'
import { ClusterHost } from './cluster-host'
import { resolveClusterOptions } from './cluster-options'

describe('ClusterHost options', () => {
  it('fills in the defaults', () => {
    expect(resolveClusterOptions({ dir: '/tmp/x' })).toMatchObject({
      primaries: 3,
      replicasPerPrimary: 1,
      nodeTimeoutMs: 1000,
      requireFullCoverage: false,
      url: null
    })
  })

  it.each([
    [{ primaries: 0 }, 'primaries'],
    [{ primaries: 9 }, 'primaries'],
    [{ primaries: 1.5 }, 'primaries'],
    [{ replicasPerPrimary: 4 }, 'replicasPerPrimary'],
    [{ replicasPerPrimary: -1 }, 'replicasPerPrimary'],
    [{ nodeTimeoutMs: 10 }, 'nodeTimeoutMs'],
    [{ url: 'http://localhost:6379' }, 'url'],
    [{ dir: '' }, 'dir']
  ])('refuses %o with bad-options naming %s, before anything starts', (bad, field) => {
    let caught: unknown
    try {
      new ClusterHost({ dir: '/nonexistent/never-created', ...bad })
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({ code: 'bad-options' })
    expect((caught as Error).message).toContain(field)
  })

  it('refuses to work before start', () => {
    const host = new ClusterHost({ dir: '/nonexistent/never-created' })
    expect(() => host.nodeClient('x')).toThrow()
    expect(host.nodes()).toEqual([])
    expect(host.redisOptions()).toEqual({})
    return expect(host.kill('x')).rejects.toMatchObject({ code: 'invalid-state' })
  })
})
