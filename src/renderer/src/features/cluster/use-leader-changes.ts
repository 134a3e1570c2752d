import { useEffect, useMemo, useRef, useState } from 'react'
import type { PartitionInfo } from '@shared/contract/labs/cluster'

/** How long a partition's leader cell stays marked after its leader changed, in ms. */
export const LEADER_FLASH_MS = 4_000

/**
 * The partitions whose leader changed in the last LEADER_FLASH_MS, comparing each view with the
 * one before (a partition seen for the first time has not changed). Leaderless counts as a leader
 * change both ways, so a failover marks the row twice: when the leader goes and when one comes.
 */
export function useLeaderChanges(partitions: PartitionInfo[]): ReadonlySet<number> {
  const previous = useRef<Map<number, string | null> | null>(null)
  // partition id → when its mark ends (Date.now() ms)
  const [marks, setMarks] = useState<ReadonlyMap<number, number>>(() => new Map())

  useEffect(() => {
    const before = previous.current
    previous.current = new Map(partitions.map((p) => [p.id, p.leader]))
    if (!before) return
    const fresh = partitions.filter((p) => before.has(p.id) && before.get(p.id) !== p.leader)
    if (fresh.length === 0) return
    const until = Date.now() + LEADER_FLASH_MS
    setMarks((m) => new Map([...m, ...fresh.map((p): [number, number] => [p.id, until])]))
  }, [partitions])

  useEffect(() => {
    if (marks.size === 0) return undefined
    const next = Math.min(...marks.values())
    const timer = setTimeout(
      () =>
        setMarks((m) => {
          const now = Date.now()
          const kept = [...m].filter(([, until]) => until > now)
          return kept.length === m.size ? m : new Map(kept)
        }),
      Math.max(0, next - Date.now())
    )
    return () => clearTimeout(timer)
  }, [marks])

  return useMemo(() => new Set(marks.keys()), [marks])
}
