import type { ReactNode } from 'react'
import type {
  ChannelFlowEvent,
  ChannelFlowStep,
  ChannelsInfo
} from '@shared/contract/labs/channels'

const ROW = 26
const LANE = 96
const LEFT = 70

const MARK: Record<ChannelFlowStep['kind'], string> = {
  received: '●',
  delivered: '✓',
  filtered: '⊘',
  discarded: '✕',
  expired: '⌛'
}

const WORD: Record<ChannelFlowStep['kind'], string> = {
  received: 'received',
  delivered: 'delivered',
  filtered: 'filtered out',
  discarded: 'discarded',
  expired: 'expired'
}

/** Lanes: supplier-side proxies (S…), the channel, consumer-side proxies (C…), in first-seen order. */
function lanesOf(events: ChannelFlowEvent[]): { suppliers: string[]; consumers: string[] } {
  const suppliers = new Set<string>()
  const consumers = new Set<string>()
  for (const e of events) {
    for (const s of e.steps) (s.proxy.startsWith('S') ? suppliers : consumers).add(s.proxy)
  }
  return { suppliers: [...suppliers], consumers: [...consumers] }
}

/**
 * The event-flow view: one row per recent event, from the supplier-side proxy that received it
 * through the channel to each consumer-side proxy, with the outcome there — delivered, filtered
 * out (supplier or consumer stage), discarded (with the reason and policy) or expired.
 */
export function EventFlow(props: {
  flow: ChannelsInfo['flow']
  /** Lab clients, for lane names (a replay passes only these two fields). */
  clients: readonly Pick<ChannelsInfo['clients'][number], 'label' | 'proxy'>[]
}): ReactNode {
  const { events, sampleEvery } = props.flow
  const names = new Map<string, string>()
  for (const c of props.clients) {
    const p = c.proxy
    if (c.label)
      names.set(
        `${p.channelId}:${p.side === 'supplier' ? 'S' : 'C'}${p.adminId}/${p.proxyId}`,
        c.label
      )
  }
  const laneTitle = (lane: string): string => {
    const channelId = events[0]?.channelId
    const label = channelId === undefined ? undefined : names.get(`${channelId}:${lane}`)
    return label ? `${label} (${lane})` : lane
  }
  const { suppliers, consumers } = lanesOf(events)
  const lanes = [...suppliers, 'channel', ...consumers]
  const x = (lane: string): number => LEFT + Math.max(0, lanes.indexOf(lane)) * LANE + LANE / 2
  const width = LEFT + lanes.length * LANE
  const height = 24 + Math.max(1, events.length) * ROW
  return (
    <section className="panel" data-testid="event-flow">
      <h2>
        Event flow{' '}
        <span className="muted small">
          {events.length === 0
            ? 'no event yet: push one from a supplier'
            : `newest ${events.length} events${sampleEvery > 1 ? ` · sampling 1 in ${sampleEvery}` : ''}`}
        </span>
      </h2>
      {events.length > 0 ? (
        <svg
          className="event-flow-svg"
          viewBox={`0 0 ${width} ${height}`}
          style={{ maxWidth: width * 1.3 }}
          role="img"
          aria-label="Event flow: supplier proxies, the channel, consumer proxies"
        >
          {lanes.map((lane) => (
            <g key={lane}>
              <text className="flow-lane" x={x(lane)} y={12} textAnchor="middle">
                {laneTitle(lane)}
              </text>
              <line className="flow-lane-line" x1={x(lane)} x2={x(lane)} y1={18} y2={height} />
            </g>
          ))}
          {events.map((e, row) => {
            const y = 30 + row * ROW
            const received = e.steps.find((s) => s.kind === 'received')
            const supplierFiltered = e.steps.find(
              (s) => s.kind === 'filtered' && s.detail === 'supplier'
            )
            const outcomes = e.steps.filter((s) => s.kind !== 'received' && s !== supplierFiltered)
            return (
              <g key={`${e.channelId}:${e.seq}`} data-event-seq={e.seq}>
                <title>
                  {`#${e.seq} ${e.type}: ` +
                    e.steps
                      .map((s) => `${s.proxy} ${WORD[s.kind]}${s.detail ? ` (${s.detail})` : ''}`)
                      .join(', ')}
                </title>
                <text className="flow-epoch" x={LEFT - 6} y={y + 3} textAnchor="end">
                  #{e.seq}
                </text>
                {received ? (
                  <line
                    className="flow-arrow"
                    x1={x(received.proxy)}
                    x2={x('channel')}
                    y1={y}
                    y2={y}
                    markerEnd="url(#ev-head)"
                  />
                ) : null}
                {supplierFiltered ? (
                  <text className="flow-cross" data-kind="filtered" x={x('channel')} y={y + 4}>
                    ⊘
                  </text>
                ) : null}
                {outcomes.map((s, i) => (
                  <g key={i} data-kind={s.kind}>
                    <line
                      className={`flow-arrow ev-${s.kind}`}
                      x1={x('channel')}
                      x2={x(s.proxy)}
                      y1={y}
                      y2={y}
                    />
                    <text
                      className={`ev-mark ev-${s.kind}`}
                      x={x(s.proxy)}
                      y={y + 4}
                      textAnchor="middle"
                    >
                      {MARK[s.kind]}
                    </text>
                    {s.detail && s.kind !== 'delivered' ? (
                      <text className="flow-mark" x={x(s.proxy) + 8} y={y - 4}>
                        {s.detail}
                      </text>
                    ) : null}
                  </g>
                ))}
              </g>
            )
          })}
          <defs>
            <marker
              id="ev-head"
              viewBox="0 0 8 8"
              refX="7"
              refY="4"
              markerWidth="6"
              markerHeight="6"
              orient="auto"
            >
              <path d="M0,0 L8,4 L0,8 z" className="flow-head" />
            </marker>
          </defs>
        </svg>
      ) : null}
    </section>
  )
}
