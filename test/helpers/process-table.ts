import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** Every live pid on this machine with its parent, from /proc. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] === 'Z') continue // a zombie has exited; only its exit status remains
      table.set(Number(name), Number(fields[1]))
    } catch {
      // exited while we looked
    }
  }
  return table
}

/** Pids of every live descendant of `root` (children, grandchildren …). */
export function descendants(root: number): number[] {
  const table = processTable()
  const found: number[] = []
  const queue = [root]
  while (queue.length > 0) {
    const parent = queue.shift() as number
    for (const [pid, ppid] of table) {
      if (ppid === parent) {
        found.push(pid)
        queue.push(pid)
      }
    }
  }
  return found
}

/** Live pids whose command line mentions `needle` (e.g. a test's data folder). */
export function processesMentioning(needle: string): number[] {
  const hits: number[] = []
  for (const pid of processTable().keys()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) hits.push(pid)
    } catch {
      // exited while we looked
    }
  }
  return hits
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Resolves once none of `pids` is alive, or rejects after `timeoutMs` naming the survivors. */
export async function waitUntilGone(pids: number[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const alive = pids.filter(isAlive)
    if (alive.length === 0) return
    if (Date.now() > deadline) throw new Error(`still running: ${alive.join(', ')}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Live redis-server processes whose working folder is under `dir` (a managed node runs in its
 * own folder; its command line is rewritten to "host:port [cluster]", so argv cannot tell).
 */
export function redisServersUnder(dir: string): number[] {
  const pids: number[] = []
  for (const pid of processTable().keys()) {
    try {
      if (
        readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('redis-server') &&
        readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)
      ) {
        pids.push(pid)
      }
    } catch {
      // exited while we looked
    }
  }
  return pids
}
