import type {
  ChannelCountersInfo,
  PropertyJson,
  StructuredEventJson
} from '@shared/contract/labs/channels'

/** A structured event built from the push form's fields. */
export function structuredEvent(fields: {
  domain: string
  type: string
  name: string
  priority: number | null
  data: PropertyJson[]
  body: string
}): StructuredEventJson {
  let body: StructuredEventJson['remainder_of_body'] = fields.body
  try {
    body = fields.body.trim()
      ? (JSON.parse(fields.body) as StructuredEventJson['remainder_of_body'])
      : null
  } catch {
    // not JSON: carried as a string
  }
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: fields.domain, type_name: fields.type },
        event_name: fields.name
      },
      variable_header:
        fields.priority === null ? [] : [{ name: 'Priority', value: fields.priority }]
    },
    filterable_data: fields.data,
    remainder_of_body: body
  }
}

/** Sample events for the filter editor: one per priority 1..5, with a severity and a region. */
export const SAMPLE_EVENTS: StructuredEventJson[] = [1, 2, 3, 4, 5].map((p) =>
  structuredEvent({
    domain: 'Telecom',
    type: p >= 4 ? 'Alarm' : 'Status',
    name: `sample-${p}`,
    priority: p,
    data: [
      { name: 'severity', value: p * 2 },
      { name: 'region', value: p % 2 === 0 ? 'north' : 'south' }
    ],
    body: ''
  })
)

/** "3 discarded (FifoOrder 2, MaxQueueLength 1)". */
export function discardText(c: ChannelCountersInfo): string {
  const by = Object.entries(c.discardedBy)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  return `${c.discarded} discarded${by ? ` (${by})` : ''}`
}
