import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClusterHost } from '../../src/main/engine/cluster/host/cluster-host'
import { freePort } from '../../src/main/engine/redis/free-port'
import {
  createWithRedisCli,
  startOwnServer,
  stopOwnServers,
  untilClusterOk,
  type OwnServer
} from '../helpers/external-cluster'
import { isAlive } from '../helpers/process-table'
import { tempDir } from '../helpers/temp-dir'

describe('ClusterHost on a cluster it did not start', () => {
  const dir = tempDir('flowlab-cluster-ext-')
  const password = randomBytes(12).toString('hex')
  const servers: OwnServer[] = []
  let host: ClusterHost

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) servers.push(await startOwnServer(dir.path, password, true))
    createWithRedisCli(servers, password)
    await untilClusterOk(servers, password)
    host = new ClusterHost({
      dir: dir.path,
      url: `redis://:${password}@127.0.0.1:${servers[0]?.port}`
    })
    await host.start()
  })
  afterAll(async () => {
    await host?.close()
    await stopOwnServers(servers)
    dir.remove()
  })

  it('sees the six nodes, three primaries with one replica each, none managed', () => {
    const nodes = host.nodes()
    expect(host.managed).toBe(false)
    expect(host.password).toBe(password)
    expect(nodes).toHaveLength(6)
    expect(nodes.filter((n) => n.role === 'primary')).toHaveLength(3)
    expect(new Set(nodes.map((n) => n.port))).toEqual(new Set(servers.map((s) => s.port)))
    for (const n of nodes) expect(n).toMatchObject({ managed: false, pid: null, state: 'alive' })
  })

  it('refuses process faults with not-managed, and starts nothing', async () => {
    const id = host.nodes()[0]?.id ?? ''
    await expect(host.kill(id)).rejects.toMatchObject({ code: 'not-managed' })
    await expect(host.pause(id)).rejects.toMatchObject({ code: 'not-managed' })
    await expect(host.restart(id)).rejects.toMatchObject({ code: 'not-managed' })
    await expect(host.addNode()).rejects.toMatchObject({ code: 'not-managed' })
    for (const s of servers) expect(isAlive(s.child.pid ?? 0)).toBe(true)
  })

  it('a manual failover promotes the replica, and keys stay readable', async () => {
    const client = new Cluster(host.startupNodes(), { redisOptions: host.redisOptions() })
    client.on('error', () => undefined)
    try {
      await client.set('foo', 'bar')
      const replica = host.nodes().find((n) => n.role === 'replica')
      const primaryId = replica?.primaryId
      await host.failover(replica?.id ?? '')
      const nodes = host.nodes()
      expect(nodes.find((n) => n.id === replica?.id)?.role).toBe('primary')
      expect(nodes.find((n) => n.id === primaryId)).toMatchObject({
        role: 'replica',
        primaryId: replica?.id
      })
      expect(await client.get('foo')).toBe('bar')
    } finally {
      client.disconnect()
    }
  })
})

describe('ClusterHost, bad input', () => {
  const dir = tempDir('flowlab-cluster-bad-')
  const password = randomBytes(12).toString('hex')
  let plain: OwnServer | null = null
  let lonely: OwnServer | null = null

  afterAll(async () => {
    await stopOwnServers([plain, lonely].filter((s): s is OwnServer => s !== null))
    dir.remove()
  })

  it('0 primaries: bad-options, nothing started', () => {
    expect(() => new ClusterHost({ dir: dir.path, primaries: 0 })).toThrow(
      expect.objectContaining({ code: 'bad-options' })
    )
  })

  it('no redis-server binary: redis-missing with the install hint', async () => {
    const host = new ClusterHost({ dir: dir.path, bin: join(dir.path, 'no-such-redis-server') })
    const err = await host.start().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'redis-missing' })
    expect((err as Error).message).toContain('apt-get install redis-server')
  })

  it('an unreachable URL: unreachable, at once', async () => {
    const port = await freePort()
    const host = new ClusterHost({ dir: dir.path, url: `redis://127.0.0.1:${port}` })
    await expect(host.start()).rejects.toMatchObject({ code: 'unreachable' })
    await host.close()
  })

  it('a Redis without cluster mode: not-cluster; a wrong password: auth', async () => {
    plain = await startOwnServer(dir.path, password, false)
    const notCluster = new ClusterHost({
      dir: dir.path,
      url: `redis://:${password}@127.0.0.1:${plain.port}`
    })
    await expect(notCluster.start()).rejects.toMatchObject({ code: 'not-cluster' })
    const wrong = new ClusterHost({ dir: dir.path, url: `redis://:nope@127.0.0.1:${plain.port}` })
    await expect(wrong.start()).rejects.toMatchObject({ code: 'auth' })
    const none = new ClusterHost({ dir: dir.path, url: `redis://127.0.0.1:${plain.port}` })
    await expect(none.start()).rejects.toMatchObject({ code: 'auth' })
  })

  it('a cluster node that serves no slots (cluster_state:fail): cluster-down', async () => {
    lonely = await startOwnServer(dir.path, password, true)
    const host = new ClusterHost({
      dir: dir.path,
      url: `redis://:${password}@127.0.0.1:${lonely.port}`
    })
    const err = await host.start().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'cluster-down' })
    expect((err as Error).message).toContain('cluster_state:fail')
    expect((err as Error).message).not.toContain(password)
  })
})
