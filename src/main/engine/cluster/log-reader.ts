import type { LogEntry } from './checker'
import { field } from './consumer'
import type { Router } from './router'

/** Entries one XRANGE page takes. */
const PAGE = 5_000

/**
 * Reads a partition's whole log from the node that leads it now.
 * @returns null when no live node leads it (the log cannot be read).
 */
export async function readLog(
  router: Router,
  partition: number,
  key: string
): Promise<LogEntry[] | null> {
  const leader = router.leaderOf(partition)
  const conn = leader ? router.connection('checker', leader) : null
  if (!conn) return null
  const entries: LogEntry[] = []
  let start = '-'
  try {
    for (;;) {
      const page = (await conn.call('XRANGE', key, start, '+', 'COUNT', PAGE)) as Array<
        [string, string[]]
      >
      for (const [streamId, fields] of page) {
        entries.push({
          id: Number(field(fields, 'm')),
          producer: Number(field(fields, 'p')),
          streamId
        })
      }
      if (page.length < PAGE) return entries
      start = `(${page[page.length - 1]?.[0] ?? ''}`
    }
  } catch {
    return null
  }
}
