import type {
  CacheCause,
  CacheGuarantee,
  CacheStrategy,
  CacheVerdict,
  CacheViolation
} from '@shared/contract/labs/cache'
import type { AckLog, AckedWrite, StaleRead } from './ack-log'

/** What each strategy promises, one line per guarantee. */
const EXPECTED: Record<CacheStrategy, { stale: string; lost: string }> = {
  none: {
    stale: 'cannot break: every read goes to the database',
    lost: 'cannot break: every write is in the database before its ack'
  },
  'cache-aside': {
    stale: 'stale reads possible with a second writer or a fill race, bounded by the TTL',
    lost: 'cannot break: writes go to the database before their ack'
  },
  'write-through': {
    stale: 'stale reads only with a second writer',
    lost: 'no lost writes: cache and database both hold a write before its ack'
  },
  'write-back': {
    stale: 'stale reads possible after a cache crash or with a second writer',
    lost: 'lost writes possible on a cache crash (the dirty entries)'
  },
  'write-behind': {
    stale: 'stale reads possible after a cache crash or with a second writer',
    lost: 'lost writes possible on a cache crash without AOF persistence (the queue)'
  }
}

export interface CheckResult {
  violations: CacheViolation[]
  staleReads: number
  lostWrites: number
  guarantees: CacheGuarantee[]
  verdict: CacheVerdict
  notes: string[]
}

/**
 * The checker, from ground truth. Stale reads were detected live (AckLog.read); lost writes need
 * the database after the final flush (`dbVersions`; null while the run is live: none yet). Each
 * violation is given the cause the recorded events explain it by.
 */
export function checkRun(
  log: AckLog,
  strategy: CacheStrategy,
  dbVersions: Map<string, number> | null
): CheckResult {
  const violations: CacheViolation[] = []
  const lost = new Set<AckedWrite>()
  if (dbVersions) {
    for (const write of log.writes) {
      if ((dbVersions.get(write.key) ?? -1) < write.version) lost.add(write)
    }
  }
  for (const read of log.staleReads) {
    violations.push({
      key: read.key,
      kind: 'stale-read',
      version: read.version,
      expectedVersion: read.expected.version,
      cause: staleCause(log, strategy, read, lost),
      at: read.at
    })
  }
  for (const write of lost) {
    violations.push({
      key: write.key,
      kind: 'lost-write',
      version: write.version,
      cause: lostCause(log, strategy, write),
      at: write.at
    })
  }
  violations.sort((a, b) => a.at - b.at)
  const staleHeld = log.staleReads.length === 0
  const lostHeld = lost.size === 0
  const expected = EXPECTED[strategy]
  return {
    violations,
    staleReads: log.staleReads.length,
    lostWrites: lost.size,
    guarantees: [
      { name: 'no-stale-reads', expected: expected.stale, held: staleHeld },
      { name: 'no-lost-writes', expected: expected.lost, held: lostHeld }
    ],
    verdict: staleHeld && lostHeld ? 'held' : 'violated',
    notes: notes(log, violations)
  }
}

function crashCause(strategy: CacheStrategy): CacheCause {
  return strategy === 'write-behind' ? 'behind-queue-lost' : 'cache-crash-dirty'
}

function lostCause(log: AckLog, strategy: CacheStrategy, write: AckedWrite): CacheCause {
  if (log.flusherLost.has(`${write.key}:${write.version}`)) return 'flusher-crash'
  if (expiredAfter(log, write)) return 'expired-dirty'
  const crashedAfter = log.losses.some((loss) => loss.seq > write.seq)
  if (crashedAfter && (strategy === 'write-back' || strategy === 'write-behind')) {
    return crashCause(strategy)
  }
  return 'unexplained'
}

/**
 * A dirty entry holding this write (or a newer version) expired. Versions, not event order, decide:
 * the expiry's reply and the write's ack come over different connections, so their order here
 * need not be Redis's; an entry that held a version at least this one's held this write's data.
 */
function expiredAfter(log: AckLog, write: AckedWrite): boolean {
  return log.expiries.some((e) => e.key === write.key && e.version >= write.version)
}

function staleCause(
  log: AckLog,
  strategy: CacheStrategy,
  read: StaleRead,
  lost: Set<AckedWrite>
): CacheCause {
  const expected = read.expected
  if (expected.source === 'second') return 'second-writer'
  const crashedBetween = log.losses.some((l) => l.seq > expected.seq && l.seq < read.seq)
  if (lost.has(expected) || crashedBetween || expiredAfter(log, expected)) {
    if (log.flusherLost.has(`${expected.key}:${expected.version}`)) return 'flusher-crash'
    if (expiredAfter(log, expected)) return 'expired-dirty'
    if (strategy === 'write-back' || strategy === 'write-behind') return crashCause(strategy)
  }
  if (strategy === 'cache-aside') return 'fill-race'
  if (strategy === 'write-through' && log.dbDown.some((p) => p.from <= read.at)) {
    return 'db-down-write-through'
  }
  return 'unexplained'
}

function notes(log: AckLog, violations: CacheViolation[]): string[] {
  const out: string[] = []
  for (const loss of log.losses) {
    out.push(
      `cache lost its memory with ${loss.dirty} dirty entries and ${loss.queued} queued writes`
    )
  }
  let lived = -1
  for (const read of log.staleReads) {
    if (read.expected.source === 'second') lived = Math.max(lived, read.at - read.expected.at)
  }
  if (lived >= 0) {
    out.push(
      `second writer bypassed the cache; a stale entry lived up to ${Math.round(lived)} ms after the database changed`
    )
  }
  const byCause = new Map<CacheCause, number>()
  for (const v of violations) byCause.set(v.cause, (byCause.get(v.cause) ?? 0) + 1)
  for (const [cause, n] of byCause) out.push(`${n} violation(s): ${cause}`)
  return out
}
