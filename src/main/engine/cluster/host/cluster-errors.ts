/** Stable codes of {@link ClusterError}: callers map them, the message is for people. */
export type ClusterErrorCode =
  | 'bad-options'
  | 'unreachable'
  | 'not-cluster'
  | 'auth'
  | 'cluster-down'
  | 'not-managed'
  | 'unknown-node'
  | 'invalid-state'
  | 'redis-missing'
  | 'start-failed'
  | 'timeout'

/** The install hint in a 'redis-missing' error. */
export const REDIS_INSTALL_HINT = 'apt-get install redis-server'

/** Everything the ClusterHost throws on purpose: a message safe to show and a stable code. */
export class ClusterError extends Error {
  readonly code: ClusterErrorCode

  constructor(code: ClusterErrorCode, message: string) {
    super(message)
    this.name = 'ClusterError'
    this.code = code
  }
}

/** True when `err` is a ClusterError with that code (for tests and callers that branch on it). */
export function isClusterError(err: unknown, code?: ClusterErrorCode): err is ClusterError {
  return err instanceof ClusterError && (code === undefined || err.code === code)
}

/**
 * What a failed connection or command to an existing cluster means, as a ClusterError.
 * @param where - the node (host:port) it was sent to
 */
export function classifyRedisError(err: unknown, where: string): ClusterError {
  if (err instanceof ClusterError) return err
  const message = err instanceof Error ? err.message : String(err)
  if (
    /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH.*without any password/i.test(
      message
    )
  ) {
    return new ClusterError('auth', `${where} refused the password: ${message}`)
  }
  if (/cluster support disabled/i.test(message)) {
    return new ClusterError(
      'not-cluster',
      `${where} is a Redis without cluster mode (cluster-enabled no)`
    )
  }
  return new ClusterError('unreachable', `cannot reach ${where}: ${message}`)
}
