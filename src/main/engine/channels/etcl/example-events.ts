import type { ChannelEvent } from '../event'

/**
 * The three example events of digest §4.6, in the lab's JSON event form with typed nodes where
 * JSON alone loses the IDL type. Tests check every worked example against them, and the UI and
 * CLI can offer them as samples.
 */

/** E1: a structured Telecom/CommunicationsAlarm with header QoS and rich filterable data. */
export const EXAMPLE_E1: ChannelEvent = {
  kind: 'structured',
  event: {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Telecom', type_name: 'CommunicationsAlarm' },
        event_name: 'lost_packet'
      },
      variable_header: [
        { name: 'Priority', value: { t: 'short', v: 3 } },
        // 5 s in 100 ns units.
        { name: 'Timeout', value: { t: 'TimeT', v: 50_000_000 } }
      ]
    },
    filterable_data: [
      { name: 'severity', value: 4 },
      { name: 'host', value: 'router7' },
      { name: 'load', value: 0.83 },
      { name: 'tags', value: ['core', 'east'] },
      { name: 'ack', value: false },
      { name: 'state', value: { t: 'enum', type: 'State', labels: ['UP', 'DOWN'], v: 'DOWN' } },
      {
        name: 'val',
        value: {
          t: 'union',
          name: 'Value',
          disc: 2,
          arm: 's',
          v: 'x',
          hasDefault: true,
          defaultActive: false
        }
      }
    ],
    remainder_of_body: {
      t: 'struct',
      name: 'Alarm',
      members: [
        ['id', 1001],
        ['text', 'link down']
      ]
    }
  }
}

/** E2: a structured Telecom/QoSAlarm with no variable header and little filterable data. */
export const EXAMPLE_E2: ChannelEvent = {
  kind: 'structured',
  event: {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Telecom', type_name: 'QoSAlarm' },
        event_name: 'jitter'
      },
      variable_header: []
    },
    filterable_data: [
      { name: 'severity', value: 2 },
      { name: 'host', value: 'edge1' }
    ],
    remainder_of_body: null
  }
}

/** E3: an untyped any carrying struct Person; its type for matching is ("", "%ANY"). */
export const EXAMPLE_E3: ChannelEvent = {
  kind: 'any',
  data: {
    t: 'struct',
    name: 'Person',
    id: 'IDL:acme.com/Person:1.0',
    members: [
      ['name', 'Ann'],
      ['age', 29],
      ['phones', ['555-1', '555-2']]
    ]
  }
}

/**
 * The 29 worked examples of digest §4.6: row number, expression, and whether it matches E1, E2, E3
 * (every constraint with the wildcard event type).
 */
export const WORKED_EXAMPLES: ReadonlyArray<readonly [number, string, boolean, boolean, boolean]> =
  [
    [1, "$type_name == 'CommunicationsAlarm'", true, false, false],
    [2, "$domain_name == 'Telecom' and $severity >= 3", true, false, false],
    [
      3,
      "$type_name == 'CommunicationsAlarm' and not ($event_name == 'lost_packet')",
      false,
      false,
      false
    ],
    [4, '$Priority >= 1 and $Priority <= 5', true, false, false],
    [5, '$.header.variable_header(Priority) > 2', true, false, false],
    [6, "$.filterable_data(host) == 'router7'", true, false, false],
    [7, "'rout' ~ $host", true, false, false],
    [8, "'east' in $tags", true, false, false],
    [9, "$tags._length == 2 and $tags[0] == 'core'", true, false, false],
    [10, 'exist $load and $load > 0.8', true, false, false],
    [11, 'not exist $ack', false, true, true],
    [12, '$ack == FALSE', true, false, false],
    [13, '$severity * 2 + 1 > 8', true, false, false],
    [14, '$severity / 3 == 1', true, false, false],
    [15, '$severity / 3.0 > 1.3', true, false, false],
    [16, "$severity == '4'", false, false, false],
    [17, 'not $severity == 4', false, false, false],
    [18, '$state == DOWN', true, false, false],
    [19, "$val._d == 2 and $val.(2) == 'x'", true, false, false],
    [20, 'exist $val.(1)', false, false, false],
    [21, 'default $val', false, false, false],
    [22, '$.remainder_of_body.id == 1001', true, false, false],
    [23, "$.name == 'Ann' and $.age < 30", false, false, true],
    [24, "$.phones[1] == '555-2' and $._type_id == 'Person'", false, false, true],
    [25, "$._repos_id == 'IDL:acme.com/Person:1.0'", false, false, true],
    [26, '', true, true, true],
    [27, 'TRUE or $nothing == 1', true, true, true],
    [28, '$nothing == 1 or TRUE', false, false, false],
    [29, 'exist $curtime and $curtime.time > 0', true, true, true]
  ]

/** The expressions §4.6 says `add_constraints` rejects, and which check rejects each. */
export const REJECTED_EXAMPLES: ReadonlyArray<readonly [string, 'syntax' | 'type']> = [
  ['$severity >', 'syntax'],
  ["'a' and 'b'", 'type'],
  ["5 + 'al'", 'type'],
  ["$type_name = 'X'", 'syntax'],
  ['"x" == $host', 'syntax'],
  ['min $severity', 'syntax']
]
