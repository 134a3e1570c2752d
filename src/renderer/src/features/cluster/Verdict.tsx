import type { ReactNode } from 'react'
import type { ClusterRunInfo } from '@shared/contract/labs/cluster'

const FINAL = new Set(['done', 'stopped'])

/**
 * The checker's word on the run: what the acks setting promises, whether every acknowledged
 * message is in its partition's log (once, in order), and each violation with its cause in words.
 * The engine sends at most CLUSTER_INFO_VIOLATIONS_MAX of them; the total is always shown.
 */
export function Verdict(props: { run: ClusterRunInfo }): ReactNode {
  const { status, verdict, promise, counts, violations, violationsTotal, error } = props.run
  const final = FINAL.has(status) && verdict !== null
  const tone = verdict === 'violated' ? 'bad' : final ? 'ok' : 'pending'
  return (
    <div
      className={`verdict verdict-${tone} cluster-verdict`}
      data-testid="cluster-verdict"
      data-verdict={final ? verdict : 'pending'}
      data-run-status={status}
    >
      <div className="verdict-head">
        <strong>
          {status === 'failed'
            ? 'Run failed'
            : !final
              ? status === 'checking'
                ? 'Checking every partition…'
                : 'Running: the check comes at the end'
              : verdict === 'held'
                ? 'Held: every acknowledged message is there'
                : 'Violated'}
        </strong>
        <span className="muted">{promise}</span>
        <span className="muted">
          {counts.lostAcked} lost · {counts.duplicates} duplicates · {counts.gaps} gaps ·{' '}
          {counts.outOfOrder} out of order · {violationsTotal}{' '}
          {violationsTotal === 1 ? 'violation' : 'violations'}
        </span>
      </div>
      {error ? <p className="inline-error small">{error}</p> : null}
      {violations.length > 0 ? (
        <div className="cluster-violations-scroll">
          <table className="table compact" data-testid="cluster-violations">
            <thead>
              <tr>
                <th>P</th>
                <th>Message</th>
                <th>Kind</th>
                <th>Cause</th>
              </tr>
            </thead>
            <tbody>
              {violations.map((v, i) => (
                <tr key={`${v.partition}-${v.id}-${v.kind}-${i}`} data-kind={v.kind}>
                  <td className="mono">p{v.partition}</td>
                  <td className="mono">#{v.id}</td>
                  <td>{v.kind}</td>
                  <td className="small">{v.cause}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {violationsTotal > violations.length ? (
        <p className="muted small">
          {violations.length} of {violationsTotal} listed; the CLI report (--json) has them all.
        </p>
      ) : null}
    </div>
  )
}
