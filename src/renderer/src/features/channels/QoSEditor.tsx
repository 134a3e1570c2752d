import { useState, type ReactNode } from 'react'
import {
  ChannelsCommandType,
  type JsonValue,
  type PropertyJson,
  type QoSTarget
} from '@shared/contract/labs/channels'
import { useCommand } from '../../lib/use-command'
import {
  DISCARD_POLICIES,
  ORDER_POLICIES,
  POLICY_NAMES,
  QOS_FIELDS,
  RELIABILITY_NAMES,
  propertiesText,
  timeTText,
  type QoSKind
} from './qos-names'

/** The number a form value stands for (policy and reliability names → the spec's shorts). */
export function qosValue(kind: QoSKind, text: string): JsonValue {
  if (kind === 'order' || kind === 'discard') return POLICY_NAMES.indexOf(text)
  if (kind === 'reliability') return RELIABILITY_NAMES.indexOf(text)
  if (kind === 'boolean') return text === 'TRUE'
  return Number(text)
}

function initialText(kind: QoSKind): string {
  if (kind === 'order' || kind === 'discard') return 'FifoOrder'
  if (kind === 'reliability') return 'BestEffort'
  if (kind === 'boolean') return 'TRUE'
  if (kind === 'count') return '1'
  return '0'
}

function choices(kind: QoSKind): string[] | null {
  if (kind === 'order') return ORDER_POLICIES
  if (kind === 'discard') return DISCARD_POLICIES
  if (kind === 'reliability') return RELIABILITY_NAMES
  if (kind === 'boolean') return ['TRUE', 'FALSE']
  return null
}

/**
 * set_qos on a channel, an admin or a proxy: pick a property, give its value (policies by name,
 * times in TimeT), Set. Shows what is set there, by name.
 */
export function QoSEditor(props: {
  target: QoSTarget
  level: 'channel' | 'admin' | 'proxy'
  current: PropertyJson[]
  testId: string
}): ReactNode {
  const { run, busy, error } = useCommand()
  const fields = QOS_FIELDS.filter((f) => f.levels.includes(props.level))
  const [name, setName] = useState(fields[0]?.name ?? 'OrderPolicy')
  const field = fields.find((f) => f.name === name) ?? fields[0]
  const kind = field?.kind ?? 'count'
  const [text, setText] = useState(initialText(kind))
  const options = choices(kind)
  return (
    <div className="qos-editor" data-testid={props.testId}>
      <span className="muted small">
        QoS {props.current.length > 0 ? propertiesText(props.current) : '(inherited)'}
      </span>
      <select
        value={name}
        onChange={(e) => {
          setName(e.target.value)
          const next = fields.find((f) => f.name === e.target.value)
          setText(initialText(next?.kind ?? 'count'))
        }}
        aria-label="QoS property"
        data-testid={`${props.testId}-name`}
      >
        {fields.map((f) => (
          <option key={f.name}>{f.name}</option>
        ))}
      </select>
      {options ? (
        <select
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label="QoS value"
          data-testid={`${props.testId}-value`}
        >
          {options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      ) : (
        <input
          type="number"
          className="narrow-wide"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label="QoS value"
          data-testid={`${props.testId}-value`}
          title={kind === 'timeT' ? 'TimeT: units of 100 ns' : kind === 'count' ? '0 = ∞' : ''}
        />
      )}
      {kind === 'timeT' ? (
        <span className="muted small">= {timeTText(Number(text) || 0)}</span>
      ) : null}
      {kind === 'count' && name !== 'MaximumBatchSize' ? (
        <span className="muted small">0 = ∞</span>
      ) : null}
      <button
        className="btn btn-small"
        disabled={busy}
        onClick={() =>
          void run({
            type: ChannelsCommandType.SetQoS,
            target: props.target,
            qos: [{ name, value: qosValue(kind, text) }]
          })
        }
        data-testid={`${props.testId}-set`}
      >
        Set QoS
      </button>
      {error ? <span className="inline-error small">{error}</span> : null}
    </div>
  )
}
