import type { ReactNode } from 'react'
import type { DispatchInfo } from '@shared/contract/labs/dispatch'

/** The seed's three collections by their names: msgs, sent_msgs (with deadlines), rcvd_msgs. */
export function Collections(props: { info: DispatchInfo; now: number }): ReactNode {
  const { msgs, sentMsgs, rcvdMsgs } = props.info.collections
  return (
    <div className="collections">
      <div className="collection" data-testid="col-msgs">
        <h3>
          msgs <span className="count">{msgs.count}</span>
        </h3>
        <p className="muted small">waiting to be sent (new, or timed out and re-queued)</p>
        <ol>
          {msgs.items.slice(0, 40).map((m) => (
            <li key={`${m.epoch}:${m.attempt}`}>
              #{m.epoch}
              {m.attempt > 1 ? <span className="retry"> try {m.attempt}</span> : null}
            </li>
          ))}
        </ol>
      </div>
      <div className="collection" data-testid="col-sent">
        <h3>
          sent_msgs <span className="count">{sentMsgs.count}</span>
        </h3>
        <p className="muted small">sent, waiting for an ack · time left before the deadline</p>
        <ol>
          {sentMsgs.items.slice(0, 40).map((m) => {
            const left = Math.max(0, m.deadline - props.now)
            return (
              <li key={`${m.epoch}:${m.attempt}`} className={left === 0 ? 'overdue' : undefined}>
                #{m.epoch}
                {m.attempt > 1 ? <span className="retry"> try {m.attempt}</span> : null}
                <span className="countdown">{left} ms</span>
              </li>
            )
          })}
        </ol>
      </div>
      <div className="collection" data-testid="col-rcvd">
        <h3>
          rcvd_msgs <span className="count">{rcvdMsgs.count}</span>
        </h3>
        <p className="muted small">acks received, newest first</p>
        <ol>
          {rcvdMsgs.items.slice(0, 40).map((m) => (
            <li key={`${m.epoch}:${m.attempt}:${m.at}`}>
              #{m.epoch} <span className="muted">by {m.worker}</span>
              <span className="countdown">{m.latencyMs} ms</span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  )
}
