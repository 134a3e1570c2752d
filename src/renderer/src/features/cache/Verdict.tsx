import type { ReactNode } from 'react'
import { CACHE_CAUSE_TEXT, type CacheInfo, type CacheViolation } from '@shared/contract/labs/cache'

const GUARANTEE_TEXT = { 'no-stale-reads': 'No stale reads', 'no-lost-writes': 'No lost writes' }
const FINAL = new Set(['done', 'stopped'])
/** Violations listed by name under each cause (the rest are counted). */
const LISTED = 12

function describe(v: CacheViolation): string {
  return v.kind === 'lost-write'
    ? `${v.key} v${v.version}`
    : `${v.key} read v${v.version}${v.expectedVersion === undefined ? '' : ` (v${v.expectedVersion} acked)`}`
}

/** The violations grouped by kind and cause, in the order they were found. */
function byCause(violations: CacheViolation[]): [string, CacheViolation[]][] {
  const groups = new Map<string, CacheViolation[]>()
  for (const v of violations) {
    const id = `${v.kind}|${v.cause}`
    groups.set(id, [...(groups.get(id) ?? []), v])
  }
  return [...groups]
}

/**
 * The checker's word on the run: each guarantee with what the strategy promises and whether it
 * held, then every violation with its cause in words. Live while the run goes, final once done.
 */
export function Verdict(props: { info: CacheInfo }): ReactNode {
  const { status, verdict, guarantees, violations, violationsTotal } = props.info
  if (status === 'idle') return null
  const final = FINAL.has(status) && verdict !== null
  const tone = verdict === 'violated' ? 'bad' : final ? 'ok' : 'pending'
  return (
    <div
      className={`verdict verdict-${tone} cache-verdict`}
      data-testid="cache-verdict"
      data-verdict={final ? verdict : 'pending'}
    >
      <div className="verdict-head">
        <strong>
          {!final
            ? verdict === 'violated'
              ? 'Violated so far'
              : 'Checking…'
            : verdict === 'held'
              ? 'Held: every guarantee'
              : 'Violated'}
        </strong>
        <span className="muted">
          {violationsTotal} {violationsTotal === 1 ? 'violation' : 'violations'}
        </span>
      </div>
      <ul className="guarantees">
        {guarantees.map((g) => (
          <li key={g.name} data-guarantee={g.name} data-held={g.held ? 'true' : 'false'}>
            <span className={g.held ? 'held-mark' : 'broken-mark'}>{g.held ? '✓' : '✗'}</span>{' '}
            <strong>{GUARANTEE_TEXT[g.name]}</strong>{' '}
            <span className="muted">— expected: {g.expected}</span>
          </li>
        ))}
      </ul>
      {violations.length > 0 ? (
        <ul className="causes" data-testid="cache-violations">
          {byCause(violations).map(([id, list]) => {
            const first = list[0] as CacheViolation
            return (
              <li key={id} data-kind={first.kind} data-cause={first.cause}>
                <strong>{list.length}</strong>{' '}
                {first.kind === 'lost-write'
                  ? list.length === 1
                    ? 'lost write'
                    : 'lost writes'
                  : list.length === 1
                    ? 'stale read'
                    : 'stale reads'}
                : {CACHE_CAUSE_TEXT[first.cause]}.{' '}
                <span className="mono small" data-testid={`violations-${first.kind}`}>
                  {list.slice(0, LISTED).map(describe).join(', ')}
                  {list.length > LISTED ? ' …' : ''}
                </span>
              </li>
            )
          })}
        </ul>
      ) : null}
      {violationsTotal > violations.length ? (
        <p className="muted small">
          {violations.length} of {violationsTotal} listed; the CLI report (--json) has them all.
        </p>
      ) : null}
    </div>
  )
}
