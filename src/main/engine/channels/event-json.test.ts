import { describe, expect, it } from 'vitest'
import {
  CHANNELS_INFO_PREVIEW_FIELDS_MAX,
  CHANNELS_INFO_PREVIEW_VALUE_CHARS
} from '@shared/contract/labs/channels'
import { channelEventFromJson, previewEvent } from './event-json'

describe('previewEvent', () => {
  it('lists a structured event header fields and filterable data as typed JSON texts', () => {
    const event = channelEventFromJson({
      header: {
        fixed_header: {
          event_type: { domain_name: 'Telecom', type_name: 'Alarm' },
          event_name: 'down'
        },
        variable_header: [{ name: 'Priority', value: 7 }]
      },
      filterable_data: [
        { name: 'severity', value: 4 },
        { name: 'host', value: 'edge1' },
        { name: 'acked', value: false }
      ],
      remainder_of_body: { id: 1 }
    })
    expect(previewEvent(event, 3)).toMatchObject({
      seq: 3,
      eventType: 'Telecom/Alarm',
      eventName: 'down',
      structured: {
        variableHeader: [['Priority', '7']],
        filterableData: [
          ['severity', '4'],
          ['host', '"edge1"'],
          ['acked', 'false']
        ],
        body: '{"id":1}'
      }
    })
  })

  it('bounds the fields listed and each value', () => {
    const data = Array.from({ length: CHANNELS_INFO_PREVIEW_FIELDS_MAX + 5 }, (_, i) => ({
      name: `f${i}`,
      value: 'x'.repeat(500)
    }))
    const event = channelEventFromJson({
      header: { fixed_header: { event_type: { domain_name: 'a', type_name: 'b' } } },
      filterable_data: data
    })
    const fields = previewEvent(event, 1).structured?.filterableData ?? []
    expect(fields).toHaveLength(CHANNELS_INFO_PREVIEW_FIELDS_MAX)
    expect(fields[0]?.[1]).toHaveLength(CHANNELS_INFO_PREVIEW_VALUE_CHARS)
    expect(fields[0]?.[1].endsWith('…')).toBe(true)
  })

  it('gives an any event no structured view', () => {
    expect(previewEvent(channelEventFromJson([1, 2]), 1).structured).toBeUndefined()
  })
})
