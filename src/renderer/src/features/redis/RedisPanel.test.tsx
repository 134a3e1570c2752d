import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandInput, Frame, Presence, RedisInfo, Snapshot } from '@shared/contract'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { TransportProvider } from '../../transport-context'
import { RedisPanel } from './RedisPanel'

const redis: RedisInfo = {
  status: 'up',
  managed: true,
  url: 'redis://:***@127.0.0.1:1234',
  version: '7.0.15',
  usedMemoryBytes: 2048,
  keys: 3,
  persistence: true,
  pid: 42,
  lastError: null,
  install: null
}

/** A transport that records calls and lets the test push frames. */
function fakeTransport(): Transport & { calls: CommandInput[]; push(redis: RedisInfo): void } {
  let onFrame: ((frame: Frame) => void) | null = null
  let seq = 0
  const calls: CommandInput[] = []
  return {
    calls,
    call: async <T,>(command: CommandInput): Promise<T> => {
      calls.push(command)
      return null as T
    },
    connect: (handlers: { onFrame(frame: Frame): void; onPresence(p: Presence): void }) => {
      onFrame = handlers.onFrame
      handlers.onPresence('live')
      return () => (onFrame = null)
    },
    ack: () => undefined,
    push: (info: RedisInfo) =>
      onFrame?.({ seq: ++seq, snapshot: { redis: info } as Snapshot, events: [], dropped: 0 })
  }
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('RedisPanel', () => {
  it('shows the state and sends kill and restart', async () => {
    const transport = fakeTransport()
    render(
      <TransportProvider transport={transport}>
        <RedisPanel />
      </TransportProvider>
    )
    act(() => transport.push(redis))
    expect(screen.getByTestId('redis-status').textContent).toBe('up')
    expect(screen.getByTestId('redis-url').textContent).toContain('***')
    await act(async () => fireEvent.click(screen.getByTestId('kill-redis')))
    // The Keys section listed the first page on its own; the button sent exactly one kill.
    expect(transport.calls.filter((c) => c.type !== 'redis:scanKeys')).toEqual([
      { type: 'redis:kill' }
    ])
    act(() => transport.push({ ...redis, status: 'down', pid: null }))
    expect(screen.getByTestId('redis-status').textContent).toBe('down')
    expect((screen.getByTestId('kill-redis') as HTMLButtonElement).disabled).toBe(true)
    await act(async () => fireEvent.click(screen.getByTestId('restart-redis')))
    expect(transport.calls.at(-1)).toEqual({ type: 'redis:restart' })
  })

  it('shows how to install redis-server when it is missing, and no kill button', () => {
    const transport = fakeTransport()
    render(
      <TransportProvider transport={transport}>
        <RedisPanel />
      </TransportProvider>
    )
    act(() =>
      transport.push({
        ...redis,
        status: 'missing',
        url: null,
        pid: null,
        install: [{ platform: 'Debian / Ubuntu', command: 'sudo apt-get install redis-server' }]
      })
    )
    expect(screen.getByTestId('redis-missing').textContent).toContain(
      'sudo apt-get install redis-server'
    )
    expect(screen.queryByTestId('kill-redis')).toBeNull()
  })
})
