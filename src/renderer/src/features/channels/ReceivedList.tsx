import type { ReactNode } from 'react'
import type { LabClientInfo } from '@shared/contract/labs/channels'
import { formatTime } from '../../lib/format'
import { qosValueText } from './qos-names'

/** Received events shown per consumer (newest first). */
const RECEIVED_SHOWN = 12

/** A JSON text as shown: strings without their quotes. */
function shown(json: string): string {
  return json.startsWith('"') && json.endsWith('"') ? json.slice(1, -1) : json
}

type Received = LabClientInfo['lastReceived'][number]

/** One received event: header line, header fields, filterable data as a table, the remainder. */
export function EventView(props: { event: Received }): ReactNode {
  const e = props.event
  const s = e.structured
  return (
    <div className="event-view">
      <div>
        <span className="muted">{formatTime(e.at)}</span> <span>{e.eventType}</span>{' '}
        <strong>{e.eventName}</strong>
        {e.batch > 1 ? <span className="badge">batch of {e.batch}</span> : null}
        {s?.variableHeader.map(([name, value]) => (
          <span key={name} className="chip" data-field={name}>
            {name}{' '}
            {qosValueText(name, Number.isFinite(Number(value)) ? Number(value) : shown(value))}
          </span>
        ))}
      </div>
      {s ? (
        <>
          {s.filterableData.length > 0 ? (
            <table className="kv">
              <tbody>
                {s.filterableData.map(([name, value]) => (
                  <tr key={name}>
                    <th>{name}</th>
                    <td className={value.startsWith('"') ? 'kv-string' : 'kv-value'}>
                      {shown(value)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {s.body !== 'null' ? <div className="muted">body {s.body}</div> : null}
        </>
      ) : (
        <div className="muted">any {e.preview}</div>
      )}
    </div>
  )
}

/** A consumer's last received events, newest first. */
export function ReceivedList(props: { client: LabClientInfo }): ReactNode {
  const { client } = props
  return (
    <ol className="received" data-testid={`received-list-${client.id}`}>
      {client.lastReceived
        .slice()
        .reverse()
        .slice(0, RECEIVED_SHOWN)
        .map((e) => (
          <li
            key={`${e.seq}:${e.at}`}
            data-event-name={e.eventName}
            data-priority={e.structured?.variableHeader.find(([n]) => n === 'Priority')?.[1] ?? ''}
          >
            <EventView event={e} />
          </li>
        ))}
    </ol>
  )
}
