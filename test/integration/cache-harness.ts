import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Sqlite from 'better-sqlite3'
import type { TraceData } from '@shared/contract'
import { CacheLab } from '../../src/main/engine/cache'
import type { RedisHost } from '../../src/main/engine/redis/redis-host'

export { startRedis } from './dispatch-harness'

/** A temp folder for one test's database; `remove()` deletes it. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-cache-test-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A Cache lab on the test file's Redis and a database in `dir`, recording its trace events. */
export function makeLab(
  redis: RedisHost,
  dir: string
): { lab: CacheLab; events: { type: string; data: TraceData | undefined }[] } {
  const events: { type: string; data: TraceData | undefined }[] = []
  const lab = new CacheLab({
    redis,
    dataDir: dir,
    emit: (type, _level, _message, data) => events.push({ type, data })
  })
  return { lab, events }
}

/** The rows of the database file as another program (a fresh connection) reads them. */
export function readRows(path: string): Map<string, { value: string; version: number }> {
  const db = new Sqlite(path, { readonly: true })
  try {
    const rows = db.prepare('SELECT key, value, version FROM items').all() as {
      key: string
      value: string
      version: number
    }[]
    return new Map(rows.map((r) => [r.key, { value: r.value, version: r.version }]))
  } finally {
    db.close()
  }
}

/** Resolves once `cond()` holds, checking after every small backoff; fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 5; !cond(); wait = Math.min(wait * 2, 50)) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, wait))
  }
}
