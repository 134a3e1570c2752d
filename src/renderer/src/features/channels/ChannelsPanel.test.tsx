import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandInput, Frame, Presence, Snapshot } from '@shared/contract'
import type { ChannelsInfo } from '@shared/contract/labs/channels'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { TransportProvider } from '../../transport-context'
import { ChannelsPanel } from './ChannelsPanel'

const counters = {
  received: 0,
  delivered: 0,
  filteredOut: 0,
  discarded: 0,
  discardedBy: {},
  expired: 0,
  rejected: 0
}

const info = (remote: Partial<ChannelsInfo['remote']>): ChannelsInfo => ({
  status: 'ready',
  view: null,
  channelsTotal: 0,
  channels: [],
  clientsTotal: 0,
  clients: [],
  filtersTotal: 0,
  filters: [],
  remote: {
    endpoint: 'tcp://127.0.0.1:5556',
    curveServerKey: null,
    sessionsTotal: 2,
    sessions: [],
    rejected: { total: 0, byReason: {} },
    refused: { total: 0, byReason: {} },
    evicted: 0,
    sendFailed: 0,
    ...remote
  },
  persistence: {
    available: true,
    prefix: 'flowlab:channels',
    storedEvents: 0,
    pendingWrites: 0,
    errors: 0,
    lastError: null,
    lastRestart: null
  },
  flow: { sampleEvery: 1, events: [] },
  totals: counters as ChannelsInfo['totals'],
  trimmed: false
})

function fakeTransport(): Transport & { push(info: ChannelsInfo): void } {
  let onFrame: ((frame: Frame) => void) | null = null
  let seq = 0
  return {
    call: async <T,>(_command: CommandInput): Promise<T> => null as T,
    connect: (handlers: { onFrame(frame: Frame): void; onPresence(p: Presence): void }) => {
      onFrame = handlers.onFrame
      handlers.onPresence('live')
      return () => (onFrame = null)
    },
    ack: () => undefined,
    push: (channels: ChannelsInfo) =>
      onFrame?.({
        seq: ++seq,
        snapshot: { labs: { channels } } as unknown as Snapshot,
        events: [],
        dropped: 0
      })
  }
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('ChannelsPanel remote endpoint stats', () => {
  it('shows requests refused by limits and evicted sessions, with the reasons on hover', () => {
    const transport = fakeTransport()
    render(
      <TransportProvider transport={transport}>
        <ChannelsPanel />
      </TransportProvider>
    )
    act(() => transport.push(info({})))
    expect(screen.queryByTestId('remote-refused')).toBeNull()
    act(() =>
      transport.push(
        info({
          rejected: { total: 1, byReason: { 'too-deep': 1 } },
          refused: { total: 3, byReason: { 'sessions-full': 2, 'session-proxies': 1 } },
          evicted: 4
        })
      )
    )
    const stats = screen.getByTestId('remote-refused')
    expect(stats.textContent).toBe(' · 3 requests refused by limits · 4 idle sessions evicted')
    expect(stats.getAttribute('title')).toBe('too-deep: 1, sessions-full: 2, session-proxies: 1')
  })
})

describe('Restart engine', () => {
  it('asks first; only "Yes, restart engine" sends the restart', async () => {
    const transport = fakeTransport()
    const calls: CommandInput[] = []
    transport.call = async <T,>(command: CommandInput): Promise<T> => {
      calls.push(command)
      return null as T
    }
    render(
      <TransportProvider transport={transport}>
        <ChannelsPanel />
      </TransportProvider>
    )
    act(() => transport.push(info({})))
    fireEvent.click(screen.getByTestId('channels-restart'))
    expect(calls).toEqual([])
    expect(screen.getByRole('alertdialog').getAttribute('aria-label')).toContain(
      'Restart the channels engine'
    )
    await act(async () => fireEvent.click(screen.getByTestId('channels-restart-confirm')))
    expect(calls).toEqual([{ type: 'channels:restart' }])
  })
})
