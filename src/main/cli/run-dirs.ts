import { readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { reapStale, type ReapedProcess } from '../engine/process-registry'

/** `flowlab run` keeps its engine's data (managed Redis, process registry) in `<tmp>/flowlab-run-*`. */
export const RUN_DIR_PREFIX = 'flowlab-run-'
/** The engine's process registry inside a data folder (see createEngine). */
const REGISTRY_SUBDIR = 'processes'
/** A run folder whose registry holds no file is removed only once it is this old, in ms. */
const EMPTY_REGISTRY_MIN_AGE_MS = 60_000

function registryFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms
  } catch {
    return false
  }
}

/**
 * Ends what earlier `flowlab run`s that were killed (SIGKILL, a closed terminal) left: the
 * processes their registries name (a paused worker, their redis-server) and their data folders.
 * A folder is removed only once none of its registry files has a live owner; a folder without a
 * registry (one being created right now, or made by an older version) is left alone.
 * @returns the processes ended and the folders removed.
 */
export function reapStaleRunDirs(parent = tmpdir()): {
  processes: ReapedProcess[]
  dirs: string[]
} {
  const processes: ReapedProcess[] = []
  const dirs: string[] = []
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return { processes, dirs }
  }
  const uid = process.getuid?.()
  for (const name of names) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue
    const dir = join(parent, name)
    const registry = join(dir, REGISTRY_SUBDIR)
    try {
      // Another user's runs are theirs to clean up.
      if ((uid !== undefined && statSync(dir).uid !== uid) || !statSync(registry).isDirectory())
        continue
    } catch {
      continue
    }
    const before = registryFiles(registry)
    processes.push(...reapStale(registry))
    if (registryFiles(registry).length > 0) continue
    // An empty registry may belong to a run that is starting right now (its folder is made before
    // its owner file is written): only an old one is left over from a run that died.
    if (before.length === 0 && !olderThan(registry, EMPTY_REGISTRY_MIN_AGE_MS)) continue
    rmSync(dir, { recursive: true, force: true })
    dirs.push(dir)
  }
  return { processes, dirs }
}
