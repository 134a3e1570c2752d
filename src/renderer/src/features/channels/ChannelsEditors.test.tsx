import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandInput, Frame, Presence, Snapshot } from '@shared/contract'
import type {
  ChannelInfoJson,
  ChannelsInfo,
  ConsumerProxyInfo,
  LabClientInfo
} from '@shared/contract/labs/channels'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { TransportProvider } from '../../transport-context'
import { ChannelsPanel } from './ChannelsPanel'
import { buildEvent, DEFAULT_EVENT_FORM } from './event-form'
import { mappingCommand } from './MappingFilterForm'
import { propertiesText } from './qos-names'

const counters = {
  received: 0,
  delivered: 0,
  filteredOut: 0,
  discarded: 0,
  discardedBy: {},
  expired: 0,
  rejected: 0
}
const ref = (side: 'supplier' | 'consumer', proxyId: number) =>
  ({ channelId: 1, side, adminId: 0, proxyId }) as const

const consumerProxy: ConsumerProxyInfo = {
  ref: ref('consumer', 1),
  proxyType: 'PUSH_STRUCTURED',
  cosEvent: false,
  state: 'connected',
  connected: true,
  suspended: false,
  filterIds: [],
  qos: [],
  persistentConnection: false,
  client: { kind: 'lab', id: 'c2', label: 'pager', away: false },
  counters,
  queue: {
    length: 0,
    capacity: 10_000,
    bytes: 0,
    bytesCapacity: 8 * 1024 * 1024,
    orderPolicy: 'PriorityOrder',
    discardPolicy: 'AnyOrder',
    entries: [],
    detailed: true
  },
  priorityFilterId: null,
  lifetimeFilterId: null,
  subscribedTypes: []
}
const admin = {
  id: 0,
  operator: 'AND_OP' as const,
  filterIds: [],
  qos: [],
  priorityFilterId: null,
  lifetimeFilterId: null,
  proxiesTotal: 1
}
const channel: ChannelInfoJson = {
  id: 1,
  label: 'alarms',
  qos: [
    { name: 'OrderPolicy', value: 2 },
    { name: 'DiscardPolicy', value: 4 },
    { name: 'EventReliability', value: 0 },
    { name: 'MaxEventsPerConsumer', value: 0 }
  ],
  admin: [{ name: 'MaxQueueLength', value: 0 }],
  persistentEvents: false,
  persistentConnection: false,
  queued: 0,
  counters,
  offeredTypes: [],
  subscribedTypes: [],
  discovery: [],
  consumerAdmins: [{ ...admin, proxies: [consumerProxy] }],
  supplierAdmins: [{ ...admin, proxies: [] }],
  federation: []
}
const client = (id: string, role: LabClientInfo['role'], proxyId: number): LabClientInfo => ({
  id,
  label: id === 'c1' ? 'sensor' : 'pager',
  role,
  kind: 'structured',
  proxy: ref(role.endsWith('supplier') ? 'supplier' : 'consumer', proxyId),
  state: 'connected',
  supplied: 0,
  received: 0,
  buffered: 0,
  pendingPulls: 0,
  lastReceived: [],
  notifications: 0,
  lastError: null
})

const info: ChannelsInfo = {
  status: 'ready',
  view: 1,
  channelsTotal: 1,
  channels: [channel],
  clientsTotal: 2,
  clients: [client('c1', 'push-supplier', 0), client('c2', 'push-consumer', 1)],
  filtersTotal: 0,
  filters: [],
  remote: {
    endpoint: null,
    curveServerKey: null,
    sessionsTotal: 0,
    sessions: [],
    rejected: { total: 0, byReason: {} },
    refused: { total: 0, byReason: {} },
    evicted: 0,
    sendFailed: 0
  },
  persistence: {
    available: true,
    prefix: 'p',
    storedEvents: 0,
    pendingWrites: 0,
    errors: 0,
    lastError: null,
    lastRestart: null
  },
  totals: counters,
  flow: { sampleEvery: 1, events: [] },
  trimmed: false
}

function setup(): CommandInput[] {
  const calls: CommandInput[] = []
  let onFrame: ((frame: Frame) => void) | null = null
  const transport: Transport = {
    call: async <T,>(command: CommandInput): Promise<T> => {
      calls.push(command)
      return (
        command.type === 'channels:evaluate' ? { ok: true, canonical: '', results: [] } : null
      ) as T
    },
    connect: (handlers: { onFrame(frame: Frame): void; onPresence(p: Presence): void }) => {
      onFrame = handlers.onFrame
      handlers.onPresence('live')
      return () => (onFrame = null)
    },
    ack: () => undefined
  }
  render(
    <TransportProvider transport={transport}>
      <ChannelsPanel />
    </TransportProvider>
  )
  act(() =>
    onFrame?.({
      seq: 1,
      snapshot: { labs: { channels: info } } as unknown as Snapshot,
      events: [],
      dropped: 0
    })
  )
  return calls
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('structured-event editor', () => {
  it('maps header fields, Timeout, EventReliability and typed filterable data to the event', () => {
    const event = buildEvent({
      ...DEFAULT_EVENT_FORM,
      priority: '7',
      timeout: '20000000',
      reliability: 'Persistent',
      data: [
        { name: 'severity', type: 'number', value: '4' },
        { name: 'host', type: 'string', value: '42' },
        { name: 'acked', type: 'boolean', value: 'FALSE' }
      ],
      body: '{"id":1}'
    })
    expect(event).toEqual({
      header: {
        fixed_header: {
          event_type: { domain_name: 'Telecom', type_name: 'Alarm' },
          event_name: 'event'
        },
        variable_header: [
          { name: 'Priority', value: 7 },
          { name: 'Timeout', value: 20_000_000 },
          { name: 'EventReliability', value: 1 }
        ]
      },
      filterable_data: [
        { name: 'severity', value: 4 },
        { name: 'host', value: '42' },
        { name: 'acked', value: false }
      ],
      remainder_of_body: { id: 1 }
    })
    expect(
      buildEvent({ ...DEFAULT_EVENT_FORM, data: [{ name: 'n', type: 'number', value: 'x' }] })
    ).toEqual({
      error: "n: 'x' is not a number"
    })
  })

  it('Push sends the edited event with a number-typed field as a number', () => {
    const calls = setup()
    fireEvent.change(screen.getByTestId('push-data-c1-value-0'), { target: { value: '9' } })
    fireEvent.change(screen.getByTestId('push-priority-c1'), { target: { value: '' } })
    fireEvent.click(screen.getByTestId('push-c1'))
    const push = calls.find((c) => c.type === 'channels:push') as { events: unknown[] } | undefined
    expect(push?.events).toEqual([
      expect.objectContaining({
        header: expect.objectContaining({ variable_header: [] }),
        filterable_data: [
          { name: 'severity', value: 9 },
          { name: 'host', value: 'router7' }
        ]
      })
    ])
  })

  it('maps a mapping-filter form to channels:setMappingFilter', () => {
    expect(
      mappingCommand({ channelId: 1, side: 'consumer', adminId: 0 }, 'priority', '5', [
        { constraint: '$severity >= 4', value: '100' },
        { constraint: ' ', value: '1' }
      ])
    ).toEqual({
      type: 'channels:setMappingFilter',
      target: { channelId: 1, side: 'consumer', adminId: 0 },
      kind: 'priority',
      defaultValue: 5,
      constraints: [
        { constraint: { event_types: [], constraint_expr: '$severity >= 4' }, value: 100 }
      ]
    })
  })
})

describe('QoS shown by name, limits as ∞', () => {
  it('names policies and reliabilities, and says ∞ for 0', () => {
    expect(propertiesText(channel.qos)).toBe(
      'OrderPolicy=PriorityOrder · DiscardPolicy=LifoOrder · EventReliability=BestEffort · MaxEventsPerConsumer=∞'
    )
    setup()
    expect(screen.getByTestId('channel-qos').textContent).toContain('OrderPolicy=PriorityOrder')
    expect(screen.getByTestId('channel-qos').textContent).toContain('MaxQueueLength=∞')
    expect(screen.getByTestId('queue-line-0-1').textContent).toContain('queue 0/∞')
  })

  it('the create form defaults to the spec defaults (PriorityOrder, AnyOrder)', () => {
    setup()
    expect((screen.getByTestId('create-order') as HTMLSelectElement).value).toBe('PriorityOrder')
    expect((screen.getByTestId('create-discard') as HTMLSelectElement).value).toBe('AnyOrder')
  })

  it('a per-proxy QoS sends set_qos on that proxy with the policy number', () => {
    const calls = setup()
    fireEvent.change(screen.getByTestId('proxy-qos-c2-name'), {
      target: { value: 'DiscardPolicy' }
    })
    fireEvent.change(screen.getByTestId('proxy-qos-c2-value'), { target: { value: 'LifoOrder' } })
    fireEvent.click(screen.getByTestId('proxy-qos-c2-set'))
    expect(calls).toContainEqual({
      type: 'channels:setQoS',
      target: ref('consumer', 1),
      qos: [{ name: 'DiscardPolicy', value: 4 }]
    })
  })
})

describe('destructive buttons ask first', () => {
  it('destroy channel runs only after the confirmation', () => {
    const calls = setup()
    fireEvent.click(screen.getByTestId('channel-destroy'))
    expect(calls.some((c) => c.type === 'channels:destroy')).toBe(false)
    fireEvent.click(screen.getByText('Cancel'))
    expect(calls.some((c) => c.type === 'channels:destroy')).toBe(false)
    fireEvent.click(screen.getByTestId('channel-destroy'))
    fireEvent.click(screen.getByTestId('channel-destroy-confirm'))
    expect(calls).toContainEqual({ type: 'channels:destroy', channelId: 1 })
  })

  it('destroy admin and destroy proxy ask too', () => {
    const calls = setup()
    fireEvent.click(screen.getByTestId('destroy-admin-consumer-0'))
    fireEvent.click(screen.getByTestId('destroy-proxy-c2'))
    expect(
      calls.some((c) => c.type === 'channels:destroyAdmin' || c.type === 'channels:destroyProxy')
    ).toBe(false)
    fireEvent.click(screen.getByTestId('destroy-proxy-c2-confirm'))
    expect(calls).toContainEqual({
      type: 'channels:destroyProxy',
      proxy: ref('consumer', 1)
    })
  })
})
