import { Redis } from 'ioredis'
import { ClusterError, classifyRedisError } from './cluster-errors'
import type { ClusterAuth } from './node-connections'
import { parseInfo } from './topology'

/** Connect timeout for an existing cluster's first node, in ms (an unreachable URL fails fast). */
export const EXTERNAL_CONNECT_TIMEOUT_MS = 2_000

/** The node and the login of a cluster URL, `redis[s]://[user:password@]host:port`. */
export function parseClusterUrl(url: string): {
  seed: { host: string; port: number }
  auth: ClusterAuth
} {
  const parsed = new URL(url)
  return {
    seed: { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : 6379 },
    auth: {
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      tls: parsed.protocol === 'rediss:'
    }
  }
}

/**
 * Checks that the node at `seed` is reachable, accepts the login and belongs to a cluster in
 * state ok. One connection attempt with a short timeout and no retries.
 * @throws ClusterError 'unreachable', 'auth', 'not-cluster' or 'cluster-down'.
 */
export async function probeExternalCluster(
  seed: { host: string; port: number },
  auth: ClusterAuth
): Promise<void> {
  const where = `${seed.host}:${seed.port}`
  const probe = new Redis({
    host: seed.host,
    port: seed.port,
    ...(auth.password !== undefined ? { password: auth.password } : {}),
    ...(auth.username !== undefined ? { username: auth.username } : {}),
    tls: auth.tls ? {} : undefined,
    lazyConnect: true,
    connectTimeout: EXTERNAL_CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false
  })
  // A refused login closes the connection: connect() then rejects with "Connection is closed",
  // and only the 'error' event says why (WRONGPASS, NOAUTH from HELLO).
  let reason: Error | null = null
  probe.on('error', (err: Error) => {
    reason = err
  })
  let info: Map<string, string>
  try {
    await probe.connect()
    info = parseInfo((await probe.call('CLUSTER', 'INFO')) as string)
  } catch (err) {
    throw classifyRedisError(reason ?? err, where)
  } finally {
    probe.disconnect()
  }
  const state = info.get('cluster_state')
  if (state !== 'ok') {
    throw new ClusterError(
      'cluster-down',
      `the cluster at ${where} says cluster_state:${state ?? 'unknown'}`
    )
  }
}
