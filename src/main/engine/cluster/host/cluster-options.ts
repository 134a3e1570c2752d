import { z } from 'zod'
import type { ProcessRecorder } from '../../process-registry'
import { ClusterError } from './cluster-errors'

/** What the host reports as it goes (the engine's trace). */
export type ClusterTrace = (
  type: string,
  level: 'info' | 'warn' | 'error',
  message: string,
  data?: Record<string, unknown>
) => void

export interface ClusterHostOptions {
  /** Data folder; one subfolder per managed node (`node-1`, `node-2` …). */
  dir: string
  /** Primaries of a managed cluster, 1..8 (default 3). */
  primaries?: number
  /** Replicas per primary, 0..3 (default 1). */
  replicasPerPrimary?: number
  /** cluster-node-timeout in ms, 100..60000 (default 1000): how soon a silent node is failed. */
  nodeTimeoutMs?: number
  /**
   * cluster-require-full-coverage (default false): with false, the slots of a primary that died
   * without a replica are unavailable while the rest of the cluster keeps serving, as Kafka keeps
   * serving the partitions whose leaders live; with true every node refuses all keys meanwhile.
   */
  requireFullCoverage?: boolean
  /** An existing cluster, `redis://[user:password@]host:port` of any one node: no processes then. */
  url?: string
  /** Records every redis-server this host starts (so a later start can reap them). */
  processes?: ProcessRecorder
  /** redis-server binary (found on PATH / REDIS_SERVER_BIN otherwise). */
  bin?: string
  onTrace?: ClusterTrace
}

/** The options after validation, with the defaults filled in. */
export interface ResolvedClusterOptions {
  dir: string
  primaries: number
  replicasPerPrimary: number
  nodeTimeoutMs: number
  requireFullCoverage: boolean
  url: string | null
  processes: ProcessRecorder | undefined
  bin: string | undefined
  onTrace: ClusterTrace
}

export const CLUSTER_PRIMARIES_MAX = 8
export const CLUSTER_REPLICAS_MAX = 3

const optionsSchema = z.object({
  dir: z.string().min(1),
  primaries: z.number().int().min(1).max(CLUSTER_PRIMARIES_MAX).default(3),
  replicasPerPrimary: z.number().int().min(0).max(CLUSTER_REPLICAS_MAX).default(1),
  nodeTimeoutMs: z.number().int().min(100).max(60_000).default(1000),
  requireFullCoverage: z.boolean().default(false),
  url: z
    .string()
    .refine((u) => /^rediss?:\/\/[^/]+/.test(u), 'must look like redis://[:password@]host:port')
    .optional(),
  bin: z.string().min(1).optional()
})

/**
 * Checks the options before anything starts.
 * @throws ClusterError 'bad-options' naming the first wrong field.
 */
export function resolveClusterOptions(opts: ClusterHostOptions): ResolvedClusterOptions {
  const { processes, onTrace, ...plain } = opts
  const parsed = optionsSchema.safeParse(plain)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') || 'options'
    throw new ClusterError(
      'bad-options',
      `ClusterHost option ${field}: ${issue?.message ?? 'invalid'}`
    )
  }
  const v = parsed.data
  return {
    dir: v.dir,
    primaries: v.primaries,
    replicasPerPrimary: v.replicasPerPrimary,
    nodeTimeoutMs: v.nodeTimeoutMs,
    requireFullCoverage: v.requireFullCoverage,
    url: v.url ?? null,
    processes,
    bin: v.bin,
    onTrace: onTrace ?? ((): void => undefined)
  }
}
